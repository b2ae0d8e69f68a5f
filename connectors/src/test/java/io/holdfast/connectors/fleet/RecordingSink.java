package io.holdfast.connectors.fleet;

import io.holdfast.schemas.TabletRecord;
import io.holdfast.schemas.VolumeMetric;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Keeps what the simulator publishes, as the topics would hold it. */
final class RecordingSink implements FleetSink {

    final List<TabletRecord> tablets = new ArrayList<>();
    final List<VolumeMetric> metrics = new ArrayList<>();

    @Override
    public synchronized void tablet(TabletRecord record) {
        tablets.add(record);
    }

    @Override
    public synchronized void metric(VolumeMetric metric) {
        metrics.add(metric);
    }

    /** The latest record per tablet: what a compacted fleet.tablets holds. */
    synchronized Map<String, TabletRecord> latest() {
        Map<String, TabletRecord> latest = new LinkedHashMap<>();
        for (TabletRecord record : tablets) {
            latest.put(record.getTabletAlias(), record);
        }
        return latest;
    }

    synchronized List<VolumeMetric> metricsOf(String volumeId) {
        return metrics.stream().filter(m -> m.getVolumeId().equals(volumeId)).toList();
    }
}
