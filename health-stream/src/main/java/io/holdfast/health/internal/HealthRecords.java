package io.holdfast.health.internal;

import io.holdfast.health.classifier.Transition;
import io.holdfast.schemas.PeerComparison;
import io.holdfast.schemas.VolumeBaseline;
import io.holdfast.schemas.VolumeHealth;
import io.holdfast.schemas.VolumeWindowStats;
import java.time.Instant;

/** A classifier {@link Transition} as the {@code VolumeHealth} contract (NaN becomes null). */
public final class HealthRecords {

    private HealthRecords() {}

    public static VolumeHealth toVolumeHealth(String volumeId, String peerGroup, String node, String cell, Transition t) {
        VolumeHealth.Builder b = VolumeHealth.newBuilder()
                .setVolumeId(volumeId)
                .setPeerGroup(peerGroup == null ? volumeId : peerGroup)
                .setNode(node)
                .setCell(cell)
                .setState(t.to())
                .setPreviousState(t.from())
                .setSinceTime(Instant.ofEpochMilli(t.sinceMs()))
                .setEventTime(Instant.ofEpochMilli(t.eventMs()))
                .setRule(t.rule().code())
                .setSummary(t.summary())
                .setEvidence(t.evidence());
        if (t.window() != null) {
            Transition.Window w = t.window();
            b.setWindow(VolumeWindowStats.newBuilder()
                    .setWindowStartTime(Instant.ofEpochMilli(w.startMs()))
                    .setWindowEndTime(Instant.ofEpochMilli(w.endMs()))
                    .setSampleCount(w.sampleCount())
                    .setMissingSampleCount(w.missingSampleCount())
                    .setStalledSampleCount(w.stalledSampleCount())
                    .setLatencyP50Us(orNull(w.latencyP50Us()))
                    .setLatencyP99Us(orNull(w.latencyP99Us()))
                    .setLatencyMaxUs(orNull(w.latencyMaxUs()))
                    .setOpsPerSecond(orNull(w.opsPerSecond()))
                    .setBytesPerSecond(orNull(w.bytesPerSecond()))
                    .setQueueDepthAvg(orNull(w.queueDepthAvg()))
                    .setIdleRatioAvg(orNull(w.idleRatioAvg()))
                    .build());
        }
        if (t.baseline() != null && !Double.isNaN(t.baseline().latencyP50Us())) {
            Transition.Baseline bl = t.baseline();
            b.setBaseline(VolumeBaseline.newBuilder()
                    .setLoadBucket(bl.loadBucket())
                    .setLatencyP50Us(bl.latencyP50Us())
                    .setLatencyP99Us(Double.isNaN(bl.latencyP99Us()) ? bl.latencyP50Us() : bl.latencyP99Us())
                    .setSampleCount(bl.sampleCount())
                    .setLatencyRatio(orNull(bl.latencyRatio()))
                    .build());
        }
        if (t.peers() != null && !Double.isNaN(t.peers().latencyRatio())) {
            Transition.Peers p = t.peers();
            b.setPeers(PeerComparison.newBuilder()
                    .setPeerCount(p.peerCount())
                    .setPeerLatencyP50Us(p.peerLatencyP50Us())
                    .setPeerLatencyP99Us(orNull(p.peerLatencyP99Us()))
                    .setLatencyRatio(p.latencyRatio())
                    .setTailLatencyRatio(orNull(p.tailLatencyRatio()))
                    .setThroughputRatio(null)
                    .build());
        }
        return b.build();
    }

    private static Double orNull(double d) {
        return Double.isNaN(d) || Double.isInfinite(d) ? null : d;
    }
}
