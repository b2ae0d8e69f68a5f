package io.holdfast.connectors.fleet;

import io.holdfast.schemas.TabletRecord;
import io.holdfast.schemas.VolumeMetric;

/**
 * Where the {@link FleetSimulator} puts what a real fleet would show: tablet records for
 * {@code fleet.tablets} and volume samples for {@code fleet.volume-metrics}. On a cluster this is a
 * Kafka producer; in tests, a list. Called with the simulator's lock held, so it must not call back
 * into the simulator.
 */
public interface FleetSink {

    void tablet(TabletRecord record);

    void metric(VolumeMetric metric);
}
