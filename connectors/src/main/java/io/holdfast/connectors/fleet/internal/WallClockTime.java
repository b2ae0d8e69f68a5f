package io.holdfast.connectors.fleet.internal;

import io.holdfast.connectors.fleet.SimulationTime;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link SimulationTime} on the wall clock: one daemon thread runs the tasks at their time. */
public final class WallClockTime implements SimulationTime {

    private static final Logger log = LoggerFactory.getLogger(WallClockTime.class);

    private final ScheduledThreadPoolExecutor scheduler;
    private volatile Throwable failure;

    public WallClockTime() {
        scheduler = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "holdfast-sim-time");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        scheduler.setRemoveOnCancelPolicy(true);
    }

    @Override
    public long nowMillis() {
        return System.currentTimeMillis();
    }

    @Override
    public void schedule(long atMillis, Runnable task) {
        if (scheduler.isShutdown()) {
            return;
        }
        long delay = Math.max(0, atMillis - nowMillis());
        try {
            scheduler.schedule(() -> runGuarded(task), delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // Closed meanwhile: tasks not yet due are dropped, as close() promises.
        }
    }

    private void runGuarded(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException | Error e) {
            // A failing task would otherwise vanish into its future: keep it for the owner to report.
            if (failure == null) {
                failure = e;
            }
            log.error("simulation task failed: {}", e.toString(), e);
        }
    }

    /** The first task that failed, if one did. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
