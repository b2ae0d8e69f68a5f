package io.holdfast.health.classifier;

/** The named rules of the classifier, with the code that appears in {@code VolumeHealth.rule}. */
public enum Rule {
    /** Absolute latency at or above the SLO, sustained. */
    LATENCY_SLO("latency_slo"),
    /** Latency far above the volume's own healthy median at the same load, sustained. */
    BASELINE_DEVIATION("baseline_deviation"),
    /** Latency far above the peer group's median at similar throughput, sustained: an acute outlier. */
    PEER_OUTLIER("peer_outlier"),
    /** Over the rolling window, latency too high for the throughput while the peers are fine: fail-slow. */
    PEER_DEVIATION("peer_deviation"),
    /** I/O queued with no completions, or the source's stall flag. */
    STALL("stall"),
    /** Throughput collapsed while the queue grows. */
    THROUGHPUT_COLLAPSE("throughput_collapse"),
    /** No sample for longer than the gap timeout. */
    TELEMETRY_GAP("telemetry_gap"),
    /** Samples again after a gap, or the first samples of a volume, and nothing fires. */
    TELEMETRY_OK("telemetry_ok"),
    /** A SUSPECT volume stopped firing before anything was sustained. */
    CLEARED("cleared"),
    /** A RECOVERING volume stayed clean long enough. */
    RECOVERED("recovered"),
    /** The rules that had fired stopped firing: recovery begins. */
    RECOVERING("recovering");

    private final String code;

    Rule(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
