package io.holdfast.health.classifier;

/**
 * The classifier's thresholds, immutable. Documented one by one in
 * {@link io.holdfast.health.HealthConfig}, which builds them from configuration; {@link #DEFAULTS}
 * are the documented defaults. Durations are milliseconds of event time.
 */
public record HealthSettings(
        double sloLatencyUs,
        long acuteSustainMs,
        double acuteMinLatencyUs,
        double baselineRatio,
        int baselineMinSamples,
        long baselineHalfLifeMs,
        double peerOutlierRatio,
        int minPeers,
        double peerMinWeight,
        double peerHalfLifePeriods,
        long windowHalfLifeMs,
        double windowMinSamples,
        double failSlowMedianRatio,
        double failSlowMedianRatioExit,
        double failSlowTailExcess,
        double failSlowTailExcessExit,
        double failSlowBlatantRatio,
        double failSlowBlatantRatioExit,
        long failSlowSustainMs,
        long stallSustainMs,
        double collapseThroughputRatio,
        double collapseMinQueue,
        long suspectClearMs,
        long recoverMs,
        double gapPeriods,
        long gapMinMs,
        long futureToleranceMs) {

    public static final HealthSettings DEFAULTS = new HealthSettings(
            100_000, 2_000, 5_000,
            8, 60, 6 * 3_600_000L,
            8, 3, 6, 2,
            3_600_000L, 40,
            1.15, 1.08,
            1.1, 1.05,
            1.35, 1.2,
            10 * 60_000L, 2_000, 0.2,
            1.0, 10_000, 30_000, 3,
            5_000, 5 * 60_000L);

    /** Half-life of the peers' latency distribution for samples every {@code periodMs}: contemporaneous peers. */
    public long peerHalfLifeMs(long periodMs) {
        return Math.max(1_000, (long) (peerHalfLifePeriods * periodMs));
    }

    /** Silence after which a volume whose samples come every {@code periodMs} is UNKNOWN. */
    public long gapTimeoutMs(long periodMs) {
        return Math.max(gapMinMs, (long) Math.ceil(gapPeriods * periodMs));
    }
}
