package io.holdfast.launcher.internal;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The foreground of a long-running command: waits for Ctrl-C or SIGTERM, prints one status line
 * every {@code every}, and ends the run when the component it watches fails on its own.
 */
public final class StatusLoop {

    private StatusLoop() {}

    /**
     * Returns when {@code stop} is requested; throws the component's failure (for the one-line error
     * and exit code 1) if it fails first.
     */
    public static void run(String command, StopSignal stop, Duration every, PrintWriter out, Supplier<String> status,
                           Supplier<Optional<Throwable>> failure) throws InterruptedException {
        long nextStatus = System.nanoTime() + every.toNanos();
        while (!stop.await(1, TimeUnit.SECONDS)) {
            Optional<Throwable> failed = failure.get();
            if (failed.isPresent()) {
                stop.request(command + " failed");
                throw new IllegalStateException(command + " stopped: " + Failures.oneLine(failed.get()), failed.get());
            }
            if (System.nanoTime() - nextStatus >= 0) {
                nextStatus += every.toNanos();
                out.printf("holdfast %s: %s%n", command, status.get());
                out.flush();
            }
        }
    }
}
