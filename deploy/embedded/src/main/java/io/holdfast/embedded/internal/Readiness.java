package io.holdfast.embedded.internal;

import io.holdfast.embedded.EmbeddedStartException;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a started server to become usable, failing early and clearly if its process dies. */
public final class Readiness {

    private Readiness() {}

    /**
     * Polls {@code ready} until it holds, the deadline passes, or {@code process} exits. The
     * exception names the component and carries the tail of its log, which is where the cause is.
     */
    public static void await(ChildProcess process, Duration timeout, BooleanSupplier ready) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pauseMillis = 50;
        while (true) {
            if (ready.getAsBoolean()) {
                return;
            }
            if (process != null && !process.isAlive()) {
                throw new EmbeddedStartException(process.name() + " exited with code " + process.exitCode()
                        + " before it was ready; last lines of " + process.logFile() + ":\n" + process.logTail(30));
            }
            if (System.nanoTime() > deadline) {
                String tail = process == null ? "" : "; last lines of " + process.logFile() + ":\n" + process.logTail(30);
                throw new EmbeddedStartException((process == null ? "component" : process.name())
                        + " not ready within " + timeout.toSeconds() + " s" + tail);
            }
            try {
                Thread.sleep(pauseMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EmbeddedStartException("interrupted while waiting for "
                        + (process == null ? "component" : process.name()));
            }
            pauseMillis = Math.min(500, pauseMillis * 2);
        }
    }
}
