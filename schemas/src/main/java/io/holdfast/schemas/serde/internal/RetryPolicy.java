package io.holdfast.schemas.serde.internal;

import io.holdfast.schemas.serde.SchemaRegistryConfig;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Bounded exponential backoff with "equal jitter": the n-th retry waits between half and all of
 * {@code min(max, initial * 2^n)}. The jitter keeps the stream threads of a fleet from retrying against a
 * recovering registry in lockstep; the lower half bound keeps the backoff meaningful.
 */
public final class RetryPolicy {

    /** Waits between attempts; tests substitute one that records instead of sleeping. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private static final Sleeper THREAD_SLEEP = duration -> Thread.sleep(duration.toMillis());

    private final int maxRetries;
    private final long initialBackoffMs;
    private final long maxBackoffMs;
    private final Sleeper sleeper;

    public RetryPolicy(int maxRetries, Duration initialBackoff, Duration maxBackoff, Sleeper sleeper) {
        if (maxRetries < 0 || initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("Invalid retry policy: " + maxRetries + " retries, backoff "
                    + initialBackoff + " to " + maxBackoff);
        }
        this.maxRetries = maxRetries;
        this.initialBackoffMs = initialBackoff.toMillis();
        this.maxBackoffMs = maxBackoff.toMillis();
        this.sleeper = sleeper;
    }

    public static RetryPolicy from(SchemaRegistryConfig config) {
        return from(config, THREAD_SLEEP);
    }

    public static RetryPolicy from(SchemaRegistryConfig config, Sleeper sleeper) {
        return new RetryPolicy(
                config.getInt(SchemaRegistryConfig.RETRIES),
                Duration.ofMillis(config.getLong(SchemaRegistryConfig.RETRY_BACKOFF_MS)),
                Duration.ofMillis(config.getLong(SchemaRegistryConfig.RETRY_BACKOFF_MAX_MS)),
                sleeper);
    }

    public int maxRetries() {
        return maxRetries;
    }

    /** Upper bound of the wait before retry number {@code retry} (0 for the first retry). */
    public long ceilingMs(int retry) {
        long ceiling = initialBackoffMs;
        for (int doubled = 0; doubled < retry && ceiling < maxBackoffMs; doubled++) {
            ceiling = ceiling > maxBackoffMs / 2 ? maxBackoffMs : ceiling * 2;
        }
        return Math.min(ceiling, maxBackoffMs);
    }

    /** The wait before retry number {@code retry}: uniformly in [ceiling / 2, ceiling]. */
    public Duration backoff(int retry) {
        long ceiling = ceilingMs(retry);
        long floor = ceiling / 2;
        return Duration.ofMillis(floor + ThreadLocalRandom.current().nextLong(ceiling - floor + 1));
    }

    public void sleep(Duration duration) throws InterruptedException {
        sleeper.sleep(duration);
    }
}
