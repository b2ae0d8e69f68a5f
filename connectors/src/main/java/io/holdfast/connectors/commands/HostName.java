package io.holdfast.connectors.commands;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** This machine's name, for {@code CommandResult.executor}: which instance ran a command. */
public final class HostName {

    private HostName() {}

    /** The kernel's host name without a DNS lookup; the JDK's as a fallback. */
    public static String local() {
        try {
            String name = Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.US_ASCII).trim();
            if (!name.isEmpty()) {
                return name;
            }
        } catch (IOException | SecurityException e) {
            // not Linux, or /proc hidden: ask the JDK
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
