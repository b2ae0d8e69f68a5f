package io.holdfast.connectors.metrics.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import io.holdfast.connectors.metrics.internal.CloudWatchMetricsClient.MetricQuery;

class MetricQueryPlanTest {

    private static List<EbsVolume> volumes(int count) {
        return IntStream.range(0, count).mapToObj(i -> EbsVolume.unknown(String.format("vol-%017x", i))).toList();
    }

    @Test
    void everyMetricIsQueriedOnce() {
        assertEquals(EbsMetric.values().length, EbsMetric.COUNT);
    }

    @Test
    void batchesStayWithinTheFiveHundredMetricLimitWithoutSplittingAVolume() {
        List<MetricQueryPlan.Batch> batches = MetricQueryPlan.plan(volumes(112), 60, 500);

        assertEquals(List.of(495, 495, 18), batches.stream().map(b -> b.queries().size()).toList());
        Set<String> covered = new HashSet<>();
        for (MetricQueryPlan.Batch batch : batches) {
            assertEquals(batch.queries().size(), batch.targets().size());
            for (MetricQuery query : batch.queries()) {
                MetricQueryPlan.Target target = batch.targets().get(query.id());
                assertEquals("AWS/EBS", query.namespace());
                assertEquals("VolumeId", query.dimensionName());
                assertEquals(target.volume().volumeId(), query.dimensionValue());
                assertEquals(target.metric().metricName(), query.metricName());
                assertEquals(target.metric().statistic(), query.statistic());
                assertEquals(60, query.periodSeconds());
                assertTrue(covered.add(target.volume().volumeId() + "/" + target.metric()), "queried once: " + target);
            }
        }
        assertEquals(112 * EbsMetric.COUNT, covered.size());
    }

    @Test
    void noVolumesNoRequests() {
        assertEquals(List.of(), MetricQueryPlan.plan(List.of(), 60, 500));
    }
}
