package io.holdfast.embedded;

import io.holdfast.embedded.internal.ChildProcess;
import java.time.Duration;

/**
 * What every component of the embedded stack shares: one server process owned by this JVM, that
 * can be stopped gracefully, killed as a crash would, and started again on the same data.
 */
public abstract class EmbeddedServer implements AutoCloseable {

    private volatile ChildProcess process;

    /** (Re)starts the server on its ports and data; a no-op while it runs. */
    public abstract void start();

    /** How long a graceful stop may take before the process is killed. */
    protected abstract Duration stopGrace();

    protected final void attach(ChildProcess started) {
        process = started;
    }

    public boolean isRunning() {
        ChildProcess p = process;
        return p != null && p.isAlive();
    }

    /** PID of the server process, or -1 when it is not running. */
    public long pid() {
        ChildProcess p = process;
        return p != null && p.isAlive() ? p.pid() : -1;
    }

    /** Graceful stop (SIGTERM, then SIGKILL after {@link #stopGrace()}). The data survives. */
    public synchronized void stop() {
        ChildProcess p = process;
        if (p != null) {
            p.stop(stopGrace());
        }
    }

    /** SIGKILL, as a crash: no flush, no cleanup. The data survives; {@link #start()} recovers it. */
    public synchronized void kill() {
        ChildProcess p = process;
        if (p != null) {
            p.kill();
        }
    }

    @Override
    public void close() {
        stop();
    }
}
