package io.holdfast.bench;

import java.util.Locale;

/** One timed run of a benchmark: how many input events it processed and in how many seconds. */
public record Run(long events, double seconds) {

    public double perSecond() {
        return events / seconds;
    }

    /** e.g. {@code 123,456 samples/s (1,000,000 in 8.1 s)}. */
    public String format(String unit) {
        return String.format(Locale.ROOT, "%,.0f %s/s (%,d in %.1f s)", perSecond(), unit, events, seconds);
    }
}
