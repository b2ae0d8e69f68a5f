package io.holdfast.connectors.fleet;

import io.holdfast.connectors.fleet.internal.WallClockTime;

/**
 * The simulator's clock and scheduler. On a cluster it is the wall clock
 * ({@link #wallClock()}); in tests a {@link ManualTime} that only moves when told, so that minutes of
 * simulated reparents, provisioning and episodes run in milliseconds and in a fixed order.
 */
public interface SimulationTime extends AutoCloseable {

    /** Now, epoch milliseconds. */
    long nowMillis();

    /**
     * Runs {@code task} at {@code atMillis}, or as soon as possible if that is past. Tasks due at the
     * same time run in the order they were scheduled, one at a time.
     */
    void schedule(long atMillis, Runnable task);

    /** Stops running tasks; tasks not yet due are dropped. */
    @Override
    void close();

    /** Real time: tasks run on one thread of their own at their wall-clock time. */
    static SimulationTime wallClock() {
        return new WallClockTime();
    }
}
