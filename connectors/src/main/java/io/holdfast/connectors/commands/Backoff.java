package io.holdfast.connectors.commands;

import java.time.Duration;

/**
 * Exponential backoff between attempts at a command that failed transiently: {@code initial} before the
 * first retry, doubling at each further one, never more than {@code max}.
 */
public record Backoff(Duration initial, Duration max) {

    public Backoff {
        if (initial.isNegative() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff " + initial + " to " + max + ": the first wait must not be negative nor above the longest");
        }
    }

    /** The wait before retry number {@code retry} (1 is the first retry, after the first attempt failed). */
    public Duration beforeRetry(int retry) {
        if (retry < 1) {
            throw new IllegalArgumentException("retries count from 1, not " + retry);
        }
        long wait = initial.toMillis();
        for (int i = 1; i < retry && wait < max.toMillis(); i++) {
            wait *= 2;
        }
        return Duration.ofMillis(Math.min(wait, max.toMillis()));
    }
}
