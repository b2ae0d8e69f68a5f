package io.holdfast.connectors.metrics.internal;

import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The values GetMetricData returned in one poll, arranged per volume and period start: for each,
 * one value per {@link EbsMetric} (NaN where CloudWatch had none).
 */
public final class EbsDatapoints {

    private final Map<String, NavigableMap<Long, double[]>> byVolume = new HashMap<>();

    public void add(String volumeId, EbsMetric metric, List<Instant> timestamps, List<Double> values) {
        if (timestamps.size() != values.size()) {
            throw new IllegalArgumentException("GetMetricData returned " + timestamps.size() + " timestamps and "
                    + values.size() + " values for " + metric.metricName() + " of " + volumeId);
        }
        NavigableMap<Long, double[]> series = byVolume.computeIfAbsent(volumeId, v -> new TreeMap<>());
        for (int i = 0; i < timestamps.size(); i++) {
            double[] row = series.computeIfAbsent(timestamps.get(i).toEpochMilli(), t -> {
                double[] empty = new double[EbsMetric.COUNT];
                Arrays.fill(empty, Double.NaN);
                return empty;
            });
            row[metric.ordinal()] = values.get(i);
        }
    }

    /** Period start (epoch ms) to values by {@link EbsMetric#ordinal()}, oldest first; empty if none came. */
    public NavigableMap<Long, double[]> series(String volumeId) {
        return byVolume.getOrDefault(volumeId, new TreeMap<>());
    }

    /** Whether every required metric has a value. */
    public static boolean complete(double[] values) {
        for (EbsMetric metric : EbsMetric.values()) {
            if (metric.required() && Double.isNaN(values[metric.ordinal()])) {
                return false;
            }
        }
        return true;
    }
}
