package io.holdfast.topology.synthetic;

import java.time.Duration;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * One injected episode of a synthetic volume: its type, onset (event time, epoch milliseconds),
 * duration and magnitude. What the magnitude means depends on the type:
 * <ul>
 *   <li>{@link EpisodeType#DEGRADED}: the median per-operation latency during the episode, in ms;</li>
 *   <li>{@link EpisodeType#STALL}: how fast the queue of stuck operations grows, in operations per second;</li>
 *   <li>{@link EpisodeType#LOAD_SPIKE}: the factor by which the workload's demand is multiplied;</li>
 *   <li>{@link EpisodeType#SUBTLE_SLOW}: the factor by which the median latency is multiplied.</li>
 * </ul>
 * The episode covers event times in {@code [startMillis, endMillis())}.
 */
public record Episode(EpisodeType type, long startMillis, long durationMillis, double magnitude) {

    /** Typical ranges of {@link #random}: what field reports and the issue describe. */
    public static final double DEGRADED_MIN_LATENCY_MS = 200;
    public static final double DEGRADED_MAX_LATENCY_MS = 500;
    public static final double SUBTLE_MIN_FACTOR = 1.2;
    public static final double SUBTLE_MAX_FACTOR = 1.5;
    public static final double SPIKE_MIN_FACTOR = 3;
    public static final double SPIKE_MAX_FACTOR = 8;
    public static final double STALL_QUEUE_GROWTH_PER_SECOND = 4;

    public Episode {
        Objects.requireNonNull(type, "type");
        if (durationMillis <= 0) {
            throw new IllegalArgumentException("episode duration must be positive, was " + durationMillis + " ms");
        }
        if (!(magnitude > 0) || Double.isInfinite(magnitude)) {
            throw new IllegalArgumentException(type + " magnitude must be a positive number, was " + magnitude);
        }
        if ((type == EpisodeType.LOAD_SPIKE || type == EpisodeType.SUBTLE_SLOW) && magnitude <= 1) {
            throw new IllegalArgumentException(type + " magnitude is a factor above 1, was " + magnitude);
        }
    }

    /** Latency jumps to about {@code latencyMs} per operation (the range is 200-500 ms). */
    public static Episode degraded(long startMillis, Duration duration, double latencyMs) {
        return new Episode(EpisodeType.DEGRADED, startMillis, duration.toMillis(), latencyMs);
    }

    /** Nothing completes; the queue grows by {@value #STALL_QUEUE_GROWTH_PER_SECOND} operations per second. */
    public static Episode stall(long startMillis, Duration duration) {
        return new Episode(EpisodeType.STALL, startMillis, duration.toMillis(), STALL_QUEUE_GROWTH_PER_SECOND);
    }

    /** The workload's demand is multiplied by {@code factor}. */
    public static Episode loadSpike(long startMillis, Duration duration, double factor) {
        return new Episode(EpisodeType.LOAD_SPIKE, startMillis, duration.toMillis(), factor);
    }

    /** The median latency is multiplied by {@code factor} (1.2-1.5 in the field) and the tail grows heavier. */
    public static Episode subtleSlow(long startMillis, Duration duration, double factor) {
        return new Episode(EpisodeType.SUBTLE_SLOW, startMillis, duration.toMillis(), factor);
    }

    /**
     * An episode of {@code type} at {@code startMillis} with a duration and magnitude drawn from the
     * typical ranges: degraded 200-500 ms for 1-10 min; stall for 30 s-5 min; load spike 3-8x for
     * 1-10 min; subtle slowness 1.2-1.5x for 10-60 min.
     */
    public static Episode random(EpisodeType type, long startMillis, SplittableRandom random) {
        return switch (type) {
            case DEGRADED -> degraded(startMillis, minutes(random, 1, 10),
                    random.nextDouble(DEGRADED_MIN_LATENCY_MS, DEGRADED_MAX_LATENCY_MS));
            case STALL -> stall(startMillis, Duration.ofSeconds(random.nextLong(30, 301)));
            case LOAD_SPIKE -> loadSpike(startMillis, minutes(random, 1, 10),
                    random.nextDouble(SPIKE_MIN_FACTOR, SPIKE_MAX_FACTOR));
            case SUBTLE_SLOW -> subtleSlow(startMillis, minutes(random, 10, 60),
                    random.nextDouble(SUBTLE_MIN_FACTOR, SUBTLE_MAX_FACTOR));
        };
    }

    private static Duration minutes(SplittableRandom random, int min, int max) {
        return Duration.ofSeconds(random.nextLong(min * 60L, max * 60L + 1));
    }

    public long endMillis() {
        return startMillis + durationMillis;
    }

    /** Whether the episode covers any part of {@code [fromMillis, toMillis)}. */
    public boolean overlaps(long fromMillis, long toMillis) {
        return startMillis < toMillis && fromMillis < endMillis();
    }
}
