package io.holdfast.connectors.metrics.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import io.holdfast.connectors.metrics.internal.CloudWatchMetricsClient.MetricQuery;

/**
 * The GetMetricData queries for a set of volumes: every {@link EbsMetric} of every volume, split
 * into batches of at most {@code maxMetricsPerRequest} queries (the API allows 500), never
 * splitting one volume's metrics across batches. Query ids are {@code v<index>_<metric>}, unique
 * within a batch, and map back to their volume and metric.
 */
public final class MetricQueryPlan {

    /** What a query id stands for. */
    public record Target(EbsVolume volume, EbsMetric metric) {}

    /** One request's queries. */
    public record Batch(List<MetricQuery> queries, Map<String, Target> targets) {}

    private MetricQueryPlan() {}

    public static List<Batch> plan(List<EbsVolume> volumes, int periodSeconds, int maxMetricsPerRequest) {
        int volumesPerBatch = Math.max(1, maxMetricsPerRequest / EbsMetric.COUNT);
        List<Batch> batches = new ArrayList<>();
        for (int from = 0; from < volumes.size(); from += volumesPerBatch) {
            List<EbsVolume> chunk = volumes.subList(from, Math.min(volumes.size(), from + volumesPerBatch));
            List<MetricQuery> queries = new ArrayList<>(chunk.size() * EbsMetric.COUNT);
            Map<String, Target> targets = new HashMap<>();
            for (int i = 0; i < chunk.size(); i++) {
                EbsVolume volume = chunk.get(i);
                for (EbsMetric metric : EbsMetric.values()) {
                    String id = "v" + i + "_" + metric.shortId();
                    queries.add(new MetricQuery(id, EbsMetric.NAMESPACE, metric.metricName(), EbsMetric.DIMENSION,
                            volume.volumeId(), periodSeconds, metric.statistic()));
                    targets.put(id, new Target(volume, metric));
                }
            }
            batches.add(new Batch(List.copyOf(queries), Map.copyOf(targets)));
        }
        return batches;
    }
}
