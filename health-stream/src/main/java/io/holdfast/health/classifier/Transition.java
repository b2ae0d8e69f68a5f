package io.holdfast.health.classifier;

import io.holdfast.schemas.VolumeHealthState;
import java.util.Map;

/**
 * A change of a volume's health state, with the evidence it was decided on.
 *
 * @param sinceMs event time at which the condition behind the new state began (detection latency is
 *                {@code eventMs - sinceMs} plus the time to the command)
 * @param eventMs event time of the sample (or the gap deadline) that caused the transition
 */
public record Transition(VolumeHealthState from, VolumeHealthState to, Rule rule, long sinceMs, long eventMs,
                         String summary, Window window, Baseline baseline, Peers peers, Map<String, String> evidence) {

    /** Rolling-window statistics (NaN where not measured). */
    public record Window(long startMs, long endMs, int sampleCount, int missingSampleCount, int stalledSampleCount,
                         double latencyP50Us, double latencyP99Us, double latencyMaxUs, double opsPerSecond,
                         double bytesPerSecond, double queueDepthAvg, double idleRatioAvg) {
    }

    /** The volume's healthy baseline at the sample's load bucket. */
    public record Baseline(int loadBucket, double latencyP50Us, double latencyP99Us, long sampleCount, double latencyRatio) {
    }

    /** The peer group at the sample's load bucket. */
    public record Peers(int peerCount, double peerLatencyP50Us, double peerLatencyP99Us, double latencyRatio,
                        double tailLatencyRatio) {
    }
}
