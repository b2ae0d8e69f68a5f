package io.holdfast.bench;

import java.util.Locale;

/**
 * One timed run of a benchmark: how many input events it processed in how many seconds (from the app
 * being RUNNING until its input was committed), and, where the app ran in a JVM of its own, what it
 * cost: seconds from launch to RUNNING, CPU seconds of the app and of the broker over the timed part,
 * the app's peak RSS and peak heap in use (-1 where not measured).
 */
public record Run(long events, double seconds, double startSeconds, double appCpuSeconds, double brokerCpuSeconds,
                  long peakRssBytes, long peakHeapBytes) {

    public Run(long events, double seconds) {
        this(events, seconds, Double.NaN, Double.NaN, Double.NaN, -1, -1);
    }

    public double perSecond() {
        return events / seconds;
    }

    /** CPU seconds (app + broker) per million events. */
    public double cpuSecondsPerMillion() {
        return (appCpuSeconds + brokerCpuSeconds) * 1e6 / events;
    }

    /** e.g. {@code 123,456 samples/s (1,000,000 in 8.1 s)}. */
    public String format(String unit) {
        String s = String.format(Locale.ROOT, "%,.0f %s/s (%,d in %.1f s)", perSecond(), unit, events, seconds);
        if (!Double.isNaN(appCpuSeconds)) {
            s += String.format(Locale.ROOT, "; started in %.1f s; CPU app %.1f s + broker %.1f s; peak RSS %d MiB, heap %d MiB",
                    startSeconds, appCpuSeconds, brokerCpuSeconds, peakRssBytes >> 20, peakHeapBytes >> 20);
        }
        return s;
    }
}
