package io.holdfast.embedded.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/** Free TCP ports on 127.0.0.1, for servers that must be told their port before they start. */
public final class LoopbackPorts {

    public static final String LOOPBACK = "127.0.0.1";

    // Ports handed out by this JVM are remembered so that two components started in quick succession
    // never receive the same port before either has bound it.
    private static final Set<Integer> handedOut = new HashSet<>();

    private LoopbackPorts() {}

    public static synchronized int freePort() {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(false);
                socket.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), 0));
                int port = socket.getLocalPort();
                if (handedOut.add(port)) {
                    return port;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("no free port on " + LOOPBACK, e);
            }
        }
        throw new IllegalStateException("no unused free port on " + LOOPBACK + " after 50 attempts");
    }

    /** Marks a port as taken by this JVM (a port chosen elsewhere, e.g. remembered from a previous run). */
    public static synchronized void reserve(int port) {
        handedOut.add(port);
    }

    /** True when something accepts connections on the port (used by readiness waits). */
    public static boolean isListening(int port) {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new InetSocketAddress(LOOPBACK, port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
