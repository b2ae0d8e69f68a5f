package io.holdfast.health.internal;

import java.util.HashMap;
import java.util.Map;

/**
 * Event time as far as every input partition has got. A volume is silent only when the samples of its
 * own partition have moved on without it; the highest event time seen across partitions is no measure
 * while partitions are consumed unevenly (catching up after a pause, one partition's fetch ahead of
 * another's), and using it made every volume of a lagging partition flap UNKNOWN and back.
 *
 * <p>The clock is the lowest of the partitions' highest event times, over the partitions that delivered
 * within {@code liveWindowMs} of wall-clock time: a partition whose producers stopped altogether stops
 * holding the clock back after that window, and its volumes are then found silent by the others' time.
 */
final class SourceClocks {

    private static final class Clock {
        long eventMs = Long.MIN_VALUE;
        long wallMs;
    }

    private final long liveWindowMs;
    private final Map<Integer, Clock> clocks = new HashMap<>();

    SourceClocks(long liveWindowMs) {
        this.liveWindowMs = liveWindowMs;
    }

    /** A sample of {@code eventMs} arrived from {@code partition} (-1: not known) at {@code wallMs}. */
    void advance(int partition, long eventMs, long wallMs) {
        Clock c = clocks.computeIfAbsent(partition, p -> new Clock());
        c.eventMs = Math.max(c.eventMs, eventMs);
        c.wallMs = wallMs;
    }

    /** The event time every live partition has reached; Long.MIN_VALUE before any sample. */
    long eventTimeMs(long wallMs) {
        long lowest = Long.MAX_VALUE;
        long highest = Long.MIN_VALUE;
        for (Clock c : clocks.values()) {
            highest = Math.max(highest, c.eventMs);
            if (wallMs - c.wallMs <= liveWindowMs) {
                lowest = Math.min(lowest, c.eventMs);
            }
        }
        return lowest == Long.MAX_VALUE ? highest : lowest;
    }
}
