package io.holdfast.connectors.writer;

/**
 * Spaces operations of several threads evenly to at most {@code perSecond}: each caller reserves the
 * next free slot and waits until it comes. Never bursts to catch up after a slow stretch, so that a
 * paused run does not hammer S3 when it resumes.
 */
final class Pacer {

    private final long intervalNanos;
    private long nextSlot;
    private boolean started;

    Pacer(double perSecond) {
        if (!(perSecond > 0)) {
            throw new IllegalArgumentException("a rate must be positive, not " + perSecond);
        }
        this.intervalNanos = Math.max(1, (long) (1_000_000_000L / perSecond));
    }

    /** Reserves the next slot at time {@code now} (System.nanoTime()) and returns how long to wait for it, in nanoseconds. */
    synchronized long reserve(long now) {
        if (!started || now - nextSlot > 0) {
            nextSlot = now;
            started = true;
        }
        long wait = nextSlot - now;
        nextSlot += intervalNanos;
        return wait;
    }

    /** Waits for this caller's slot. */
    void acquire() throws InterruptedException {
        long wait = reserve(System.nanoTime());
        if (wait > 0) {
            // Waiting in real time is the point: the rate is a real-time rate.
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }
}
