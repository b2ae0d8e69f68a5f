package io.holdfast.embedded.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Ports remembered in a component's data directory, so that restarting a stack on the same data
 * gives the same endpoints (clients reconnect; the broker's quorum keeps its controller address).
 */
public final class PortMemory {

    private PortMemory() {}

    /**
     * {@code requested} if positive; else the port remembered under {@code name} in {@code dir} if
     * nothing listens on it; else a free one. The result is remembered.
     */
    public static synchronized int choose(Path dir, String name, int requested) {
        Path file = dir.resolve("ports.properties");
        Properties ports = new Properties();
        try {
            Files.createDirectories(dir);
            if (Files.exists(file)) {
                try (InputStream in = Files.newInputStream(file)) {
                    ports.load(in);
                }
            }
            int port = requested;
            if (port <= 0) {
                String remembered = ports.getProperty(name);
                port = remembered != null && !LoopbackPorts.isListening(Integer.parseInt(remembered))
                        ? Integer.parseInt(remembered) : LoopbackPorts.freePort();
            }
            LoopbackPorts.reserve(port);
            ports.setProperty(name, Integer.toString(port));
            try (OutputStream out = Files.newOutputStream(file)) {
                ports.store(out, "ports of this component, reused when it restarts on this data");
            }
            return port;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record ports in " + file, e);
        }
    }
}
