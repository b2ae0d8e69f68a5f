package io.holdfast.connectors.fleet.internal;

import java.util.SplittableRandom;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/** A range of durations in milliseconds, written {@code MIN-MAX} (e.g. {@code 1000-3000}); a single number is a fixed duration. */
public record MillisRange(long minMillis, long maxMillis) {

    public MillisRange {
        if (minMillis < 0 || maxMillis < minMillis) {
            throw new IllegalArgumentException("a range of milliseconds needs 0 <= min <= max, was " + minMillis + "-" + maxMillis);
        }
    }

    public static MillisRange parse(String text) {
        String trimmed = text.trim();
        int dash = trimmed.indexOf('-');
        try {
            if (dash < 0) {
                long fixed = Long.parseLong(trimmed);
                return new MillisRange(fixed, fixed);
            }
            return new MillisRange(Long.parseLong(trimmed.substring(0, dash).trim()), Long.parseLong(trimmed.substring(dash + 1).trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a range of milliseconds (MIN-MAX): '" + text + "'");
        }
    }

    /** A uniformly drawn duration within the range, multiplied by {@code scale}. */
    public long sample(SplittableRandom random, double scale) {
        long drawn = minMillis == maxMillis ? minMillis : random.nextLong(minMillis, maxMillis + 1);
        return Math.round(drawn * scale);
    }

    @Override
    public String toString() {
        return minMillis + "-" + maxMillis;
    }

    /** Validator of a {@code MIN-MAX} setting. */
    public static ConfigDef.Validator validator() {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                try {
                    parse(String.valueOf(value));
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(name, value, e.getMessage());
                }
            }

            @Override
            public String toString() {
                return "MIN-MAX milliseconds, 0 <= MIN <= MAX";
            }
        };
    }
}
