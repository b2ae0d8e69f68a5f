package io.holdfast.connectors.metrics.internal;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a task over and over on its own thread, each run starting at least {@code period} after the
 * previous run started (a late run makes the next one later; runs never bunch up to catch up). A
 * task that throws ends the runs; the failure is kept for the owner to report.
 */
public final class PeriodicRunner implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PeriodicRunner.class);

    private final String name;
    private final long periodNanos;
    private final Runnable task;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final Thread thread;
    private volatile Throwable failure;

    private PeriodicRunner(String name, Duration period, Runnable task, boolean runAtOnce) {
        this.name = name;
        this.periodNanos = period.toNanos();
        this.task = task;
        this.thread = new Thread(() -> loop(runAtOnce), name);
        this.thread.setDaemon(true);
    }

    /** Starts the runs: the first at once when {@code runAtOnce}, else one period from now. */
    public static PeriodicRunner start(String name, Duration period, boolean runAtOnce, Runnable task) {
        PeriodicRunner runner = new PeriodicRunner(name, period, task, runAtOnce);
        runner.thread.start();
        return runner;
    }

    private void loop(boolean runAtOnce) {
        long next = System.nanoTime() + (runAtOnce ? 0 : periodNanos);
        try {
            while (true) {
                long wait = next - System.nanoTime();
                if (wait > 0 && stopRequested.await(wait, TimeUnit.NANOSECONDS)) {
                    return;
                }
                if (stopRequested.getCount() == 0) {
                    return;
                }
                long began = System.nanoTime();
                task.run();
                next = began + periodNanos;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            failure = e;
            log.error("{} stopped: {}", name, e.toString(), e);
        }
    }

    /** Why the runs ended, if a task failed. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    public boolean isRunning() {
        return thread.isAlive();
    }

    /** Stops the runs and waits for a run in progress to finish, up to {@code timeout}. */
    public void stop(Duration timeout) {
        stopRequested.countDown();
        try {
            thread.join(Math.max(1, timeout.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            log.warn("{} did not finish its current run within {} ms", name, timeout.toMillis());
        }
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(30));
    }
}
