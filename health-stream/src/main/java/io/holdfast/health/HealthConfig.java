package io.holdfast.health;

import io.holdfast.health.classifier.HealthSettings;
import io.holdfast.topology.config.ConfigSources;
import io.holdfast.topology.config.HoldfastConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * Settings of the volume-health classifier ({@code holdfast.health.*}) on top of holdfast's base
 * settings. Every threshold is here with its default and meaning; {@link #settings()} turns them into
 * the immutable {@link HealthSettings} the classifier runs with. Durations are in milliseconds of
 * event time, so the same settings hold for any sampling period from 1 s to 60 s.
 */
public final class HealthConfig extends HoldfastConfig {

    private static final String P = "holdfast.health.";

    public static final String SLO_LATENCY_US = P + "slo.latency.us";
    public static final String ACUTE_SUSTAIN_MS = P + "acute.sustain.ms";
    public static final String ACUTE_MIN_LATENCY_US = P + "acute.min.latency.us";
    public static final String BASELINE_RATIO = P + "baseline.ratio";
    public static final String BASELINE_MIN_SAMPLES = P + "baseline.min.samples";
    public static final String BASELINE_HALF_LIFE_MS = P + "baseline.half.life.ms";
    public static final String PEER_OUTLIER_RATIO = P + "peer.outlier.ratio";
    public static final String PEER_MIN_PEERS = P + "peer.min.peers";
    public static final String PEER_MIN_WEIGHT = P + "peer.min.weight";
    public static final String PEER_HALF_LIFE_PERIODS = P + "peer.half.life.periods";
    public static final String WINDOW_HALF_LIFE_MS = P + "window.half.life.ms";
    public static final String WINDOW_MIN_SAMPLES = P + "window.min.samples";
    public static final String FAILSLOW_MEDIAN_RATIO = P + "failslow.median.ratio";
    public static final String FAILSLOW_MEDIAN_RATIO_EXIT = P + "failslow.median.ratio.exit";
    public static final String FAILSLOW_TAIL_EXCESS = P + "failslow.tail.excess";
    public static final String FAILSLOW_TAIL_EXCESS_EXIT = P + "failslow.tail.excess.exit";
    public static final String FAILSLOW_BLATANT_RATIO = P + "failslow.blatant.ratio";
    public static final String FAILSLOW_BLATANT_RATIO_EXIT = P + "failslow.blatant.ratio.exit";
    public static final String FAILSLOW_SUSTAIN_MS = P + "failslow.sustain.ms";
    public static final String STALL_SUSTAIN_MS = P + "stall.sustain.ms";
    public static final String COLLAPSE_THROUGHPUT_RATIO = P + "collapse.throughput.ratio";
    public static final String COLLAPSE_MIN_QUEUE = P + "collapse.min.queue";
    public static final String SUSPECT_CLEAR_MS = P + "suspect.clear.ms";
    public static final String RECOVER_MS = P + "recover.ms";
    public static final String GAP_PERIODS = P + "gap.periods";
    public static final String GAP_MIN_MS = P + "gap.min.ms";
    public static final String FUTURE_TOLERANCE_MS = P + "future.tolerance.ms";

    private static final String R = "holdfast.recovery.";
    public static final String DURABILITY_POLICY = R + "durability.policy";
    public static final String CANDIDATE_MAX_LAG_MS = R + "candidate.max.lag.ms";
    public static final String CORRELATED_CELL_SHARE = R + "correlated.cell.share";
    public static final String ANTI_FLAP_BLOCK_MS = R + "anti.flap.block.ms";
    public static final String MAX_ATTEMPTS = R + "max.attempts";
    public static final String REPARENT_TIMEOUT_MS = R + "reparent.timeout.ms";
    public static final String FENCE_TIMEOUT_MS = R + "fence.timeout.ms";
    public static final String PROVISION_TIMEOUT_MS = R + "provision.timeout.ms";
    public static final String REPLACEMENT_TIMEOUT_MS = R + "replacement.timeout.ms";
    public static final String RETIRE_TIMEOUT_MS = R + "retire.timeout.ms";
    public static final String MAX_CONCURRENT_REPARENTS = R + "max.concurrent.reparents";
    public static final String MAX_CONCURRENT_REPARENTS_PER_CELL = R + "max.concurrent.reparents.per.cell";
    public static final String LOCK_RETRY_MS = R + "lock.retry.ms";
    public static final String LOCK_LEASE_MS = R + "lock.lease.ms";
    public static final String NO_CANDIDATE_RETRY_MS = R + "no.candidate.retry.ms";

    private static final ConfigDef DEFINITION = define(HoldfastConfig.baseDefinition());

    public HealthConfig(Map<?, ?> props) {
        super(DEFINITION, props);
    }

    private HealthConfig(Map<?, ?> props, boolean refuseUnknownHoldfastKeys) {
        super(DEFINITION, props, refuseUnknownHoldfastKeys);
    }

    /** The health settings out of {@code props} already validated against every component's keys. */
    public static HealthConfig ofValidated(Map<?, ?> props) {
        return new HealthConfig(props, false);
    }

    public static HealthConfig load(Optional<Path> file, Map<String, String> env, Map<String, String> overrides) {
        return new HealthConfig(ConfigSources.merge(file, env, overrides, DEFINITION));
    }

    /** Adds the classifier's keys to {@code d} and returns it. */
    public static ConfigDef define(ConfigDef d) {
        HealthSettings x = HealthSettings.DEFAULTS;
        d.define(SLO_LATENCY_US, Type.DOUBLE, x.sloLatencyUs(), Range.atLeast(1), Importance.HIGH,
                "Rule latency_slo: a sample whose average latency (µs) is at or above this breaches the absolute SLO. "
                        + "Sustained for " + ACUTE_SUSTAIN_MS + ", the volume is DEGRADED.");
        d.define(ACUTE_SUSTAIN_MS, Type.LONG, x.acuteSustainMs(), Range.atLeast(0), Importance.HIGH,
                "How much consecutive sample time an acute rule (latency_slo, baseline_deviation, peer_outlier, "
                        + "throughput_collapse) must cover before the volume is DEGRADED. A sample covers its period, so at "
                        + "1 s sampling the default needs two samples; one 15 s or 60 s sample suffices.");
        d.define(ACUTE_MIN_LATENCY_US, Type.DOUBLE, x.acuteMinLatencyUs(), Range.atLeast(0), Importance.MEDIUM,
                "Relative acute rules (baseline_deviation, peer_outlier) only fire at or above this latency (µs): "
                        + "a 10x jump from 100 µs to 1 ms is noise, not an outage.");
        d.define(BASELINE_RATIO, Type.DOUBLE, x.baselineRatio(), Range.atLeast(1), Importance.HIGH,
                "Rule baseline_deviation: latency at or above this multiple of the volume's own healthy median at the "
                        + "same load fires.");
        d.define(BASELINE_MIN_SAMPLES, Type.INT, x.baselineMinSamples(), Range.atLeast(1), Importance.MEDIUM,
                "Healthy samples a load bucket needs before its baseline is used.");
        d.define(BASELINE_HALF_LIFE_MS, Type.LONG, x.baselineHalfLifeMs(), Range.atLeast(1_000), Importance.LOW,
                "Half-life of the healthy baseline: how fast it follows slow drift.");
        d.define(PEER_OUTLIER_RATIO, Type.DOUBLE, x.peerOutlierRatio(), Range.atLeast(1), Importance.HIGH,
                "Rule peer_outlier: latency at or above this multiple of the peer group's median at similar throughput fires.");
        d.define(PEER_MIN_PEERS, Type.INT, x.minPeers(), Range.atLeast(1), Importance.MEDIUM,
                "Peer rules need at least this many volumes reporting in the peer group (the volume included).");
        d.define(PEER_MIN_WEIGHT, Type.DOUBLE, x.peerMinWeight(), Range.atLeast(1), Importance.MEDIUM,
                "Peer samples (decayed weight) a throughput bucket needs before the peers' latency there is trusted.");
        d.define(PEER_HALF_LIFE_PERIODS, Type.DOUBLE, x.peerHalfLifePeriods(), Range.atLeast(0.5), Importance.MEDIUM,
                "Half-life of the peer group's latency distribution per throughput bucket, in sample periods. Short, so that "
                        + "a sample is compared with what its peers did at about the same time: host-wide swings cancel out.");
        d.define(WINDOW_HALF_LIFE_MS, Type.LONG, x.windowHalfLifeMs(), Range.atLeast(1_000), Importance.MEDIUM,
                "Half-life of the volume's rolling window (exponentially weighted), over which peer_deviation and the "
                        + "evidence statistics are computed.");
        d.define(WINDOW_MIN_SAMPLES, Type.DOUBLE, x.windowMinSamples(), Range.atLeast(1), Importance.MEDIUM,
                "Peer-compared samples (decayed weight) the window needs before peer_deviation can fire.");
        d.define(FAILSLOW_MEDIAN_RATIO, Type.DOUBLE, x.failSlowMedianRatio(), Range.atLeast(1), Importance.HIGH,
                "Rule peer_deviation (fail-slow). Each sample's latency is divided by its peers' median at the same "
                        + "throughput; the rule holds when the window's median of that ratio is at least this, and the tail "
                        + "is heavier than the peers' (see " + "holdfast.health.failslow.tail.excess" + ").");
        d.define(FAILSLOW_MEDIAN_RATIO_EXIT, Type.DOUBLE, x.failSlowMedianRatioExit(), Range.atLeast(1), Importance.MEDIUM,
                "While DEGRADED or RECOVERING, the median ratio keeps peer_deviation holding down to this (hysteresis).");
        d.define(FAILSLOW_TAIL_EXCESS, Type.DOUBLE, x.failSlowTailExcess(), Range.atLeast(1), Importance.HIGH,
                "Heavier tail: the window's 90th percentile ratio must be at least the median ratio times the peers' own "
                        + "p90/p50 spread times this. A volume that is merely busier shifts without stretching and does not qualify.");
        d.define(FAILSLOW_TAIL_EXCESS_EXIT, Type.DOUBLE, x.failSlowTailExcessExit(), Range.atLeast(1), Importance.MEDIUM,
                "Tail condition while DEGRADED or RECOVERING (hysteresis).");
        d.define(FAILSLOW_BLATANT_RATIO, Type.DOUBLE, x.failSlowBlatantRatio(), Range.atLeast(1), Importance.HIGH,
                "peer_deviation also holds, whatever the tail, when the window's median ratio is at least this.");
        d.define(FAILSLOW_BLATANT_RATIO_EXIT, Type.DOUBLE, x.failSlowBlatantRatioExit(), Range.atLeast(1), Importance.MEDIUM,
                "The blatant condition while DEGRADED or RECOVERING (hysteresis).");
        d.define(FAILSLOW_SUSTAIN_MS, Type.LONG, x.failSlowSustainMs(), Range.atLeast(0), Importance.MEDIUM,
                "How long peer_deviation must hold before the volume is DEGRADED.");
        d.define(STALL_SUSTAIN_MS, Type.LONG, x.stallSustainMs(), Range.atLeast(0), Importance.HIGH,
                "Rule stall (I/O queued with no completions, or the source's stall flag): sample time it must cover "
                        + "before the volume is STALLED.");
        d.define(COLLAPSE_THROUGHPUT_RATIO, Type.DOUBLE, x.collapseThroughputRatio(), Range.between(0, 1), Importance.MEDIUM,
                "Rule throughput_collapse: throughput at or below this fraction of the healthy baseline while the queue "
                        + "is at least " + COLLAPSE_MIN_QUEUE + " and not shrinking.");
        d.define(COLLAPSE_MIN_QUEUE, Type.DOUBLE, x.collapseMinQueue(), Range.atLeast(0), Importance.MEDIUM,
                "Queue depth from which a throughput collapse counts (and twice the healthy queue depth, if larger).");
        d.define(SUSPECT_CLEAR_MS, Type.LONG, x.suspectClearMs(), Range.atLeast(0), Importance.MEDIUM,
                "A SUSPECT volume returns to HEALTHY after this much sample time with no rule firing.");
        d.define(RECOVER_MS, Type.LONG, x.recoverMs(), Range.atLeast(0), Importance.MEDIUM,
                "A RECOVERING volume returns to HEALTHY after this much sample time with no rule firing (hysteresis on leaving).");
        d.define(GAP_PERIODS, Type.DOUBLE, x.gapPeriods(), Range.atLeast(1), Importance.MEDIUM,
                "No sample for this many of the volume's sample periods is a telemetry gap: the volume becomes UNKNOWN (never DEGRADED).");
        d.define(GAP_MIN_MS, Type.LONG, x.gapMinMs(), Range.atLeast(1), Importance.LOW,
                "Shortest silence that counts as a telemetry gap, whatever the sample period.");
        d.define(FUTURE_TOLERANCE_MS, Type.LONG, x.futureToleranceMs(), Range.atLeast(0), Importance.LOW,
                "A sample dated more than this after the processing wall clock is invalid (dead-letter topic).");
        return defineRecovery(d);
    }

    private static ConfigDef defineRecovery(ConfigDef d) {
        io.holdfast.health.recovery.RecoverySettings r = io.holdfast.health.recovery.RecoverySettings.DEFAULTS;
        return d
                .define(DURABILITY_POLICY, Type.STRING, r.durabilityPolicy().name().toLowerCase(java.util.Locale.ROOT),
                        ConfigDef.CaseInsensitiveValidString.in("none", "semi_sync", "cross_cell"), Importance.HIGH,
                        "Which replicas may be promoted: none (any cell), semi_sync (another healthy serving replica must "
                                + "remain to acknowledge the new primary), cross_cell (that replica must be in another cell).")
                .define(CANDIDATE_MAX_LAG_MS, Type.LONG, r.candidateMaxLagMs(), Range.atLeast(0), Importance.HIGH,
                        "A replica is a candidate only if its replication lag is at most this (the lag SLO).")
                .define(CORRELATED_CELL_SHARE, Type.DOUBLE, r.correlatedCellShare(), Range.between(0, 1), Importance.MEDIUM,
                        "When at least this share of a cell's volumes is DEGRADED or STALLED, the degradation looks "
                                + "correlated and candidates in other cells are preferred.")
                .define(ANTI_FLAP_BLOCK_MS, Type.LONG, r.antiFlapBlockMs(), Range.atLeast(0), Importance.HIGH,
                        "After a reparent, the shard is not reparented again for this long, unless its new primary is STALLED.")
                .define(MAX_ATTEMPTS, Type.INT, r.maxAttempts(), Range.atLeast(1), Importance.MEDIUM,
                        "Attempts per workflow step (a retry picks the next candidate) before an Alert ends the workflow.")
                .define(REPARENT_TIMEOUT_MS, Type.LONG, r.reparentTimeoutMs(), Range.atLeast(1_000), Importance.MEDIUM,
                        "A Reparent without a result for this long has timed out.")
                .define(FENCE_TIMEOUT_MS, Type.LONG, r.fenceTimeoutMs(), Range.atLeast(1_000), Importance.MEDIUM,
                        "A Fence without a result for this long has timed out.")
                .define(PROVISION_TIMEOUT_MS, Type.LONG, r.provisionTimeoutMs(), Range.atLeast(1_000), Importance.MEDIUM,
                        "A ProvisionVolume without a result for this long has timed out.")
                .define(REPLACEMENT_TIMEOUT_MS, Type.LONG, r.replacementTimeoutMs(), Range.atLeast(1_000), Importance.MEDIUM,
                        "A provisioned replacement must be serving and caught up within this, or the step is retried.")
                .define(RETIRE_TIMEOUT_MS, Type.LONG, r.retireTimeoutMs(), Range.atLeast(1_000), Importance.MEDIUM,
                        "A RetireVolume without a result for this long has timed out.")
                .define(MAX_CONCURRENT_REPARENTS, Type.INT, r.maxConcurrentReparents(), Range.atLeast(1), Importance.HIGH,
                        "Fleet-wide cap on reparents in progress at once.")
                .define(MAX_CONCURRENT_REPARENTS_PER_CELL, Type.INT, r.maxConcurrentReparentsPerCell(), Range.atLeast(1),
                        Importance.HIGH, "Cap on reparents in progress at once whose failing primary is in one cell.")
                .define(LOCK_RETRY_MS, Type.LONG, r.lockRetryMs(), Range.atLeast(100), Importance.LOW,
                        "A shard whose reparent was refused by the caps asks again after this.")
                .define(LOCK_LEASE_MS, Type.LONG, r.lockLeaseMs(), Range.atLeast(1_000), Importance.LOW,
                        "A reparent slot not released within this is taken back (its shard lost track of it).")
                .define(NO_CANDIDATE_RETRY_MS, Type.LONG, r.noCandidateRetryMs(), Range.atLeast(1_000), Importance.LOW,
                        "After 'no safe candidate', the shard looks again after this (or as soon as its tablets change).");
    }

    /** The recovery workflow's policy. */
    public io.holdfast.health.recovery.RecoverySettings recoverySettings() {
        return new io.holdfast.health.recovery.RecoverySettings(
                io.holdfast.health.recovery.RecoverySettings.DurabilityPolicy.parse(getString(DURABILITY_POLICY)),
                getLong(CANDIDATE_MAX_LAG_MS), getDouble(CORRELATED_CELL_SHARE), getLong(ANTI_FLAP_BLOCK_MS),
                getInt(MAX_ATTEMPTS), getLong(REPARENT_TIMEOUT_MS), getLong(FENCE_TIMEOUT_MS), getLong(PROVISION_TIMEOUT_MS),
                getLong(REPLACEMENT_TIMEOUT_MS), getLong(RETIRE_TIMEOUT_MS), getInt(MAX_CONCURRENT_REPARENTS),
                getInt(MAX_CONCURRENT_REPARENTS_PER_CELL), getLong(LOCK_RETRY_MS), getLong(LOCK_LEASE_MS),
                getLong(NO_CANDIDATE_RETRY_MS));
    }

    /** The classifier's thresholds. */
    public HealthSettings settings() {
        return new HealthSettings(
                getDouble(SLO_LATENCY_US), getLong(ACUTE_SUSTAIN_MS), getDouble(ACUTE_MIN_LATENCY_US),
                getDouble(BASELINE_RATIO), getInt(BASELINE_MIN_SAMPLES), getLong(BASELINE_HALF_LIFE_MS),
                getDouble(PEER_OUTLIER_RATIO), getInt(PEER_MIN_PEERS), getDouble(PEER_MIN_WEIGHT), getDouble(PEER_HALF_LIFE_PERIODS),
                getLong(WINDOW_HALF_LIFE_MS), getDouble(WINDOW_MIN_SAMPLES),
                getDouble(FAILSLOW_MEDIAN_RATIO), getDouble(FAILSLOW_MEDIAN_RATIO_EXIT),
                getDouble(FAILSLOW_TAIL_EXCESS), getDouble(FAILSLOW_TAIL_EXCESS_EXIT),
                getDouble(FAILSLOW_BLATANT_RATIO), getDouble(FAILSLOW_BLATANT_RATIO_EXIT),
                getLong(FAILSLOW_SUSTAIN_MS), getLong(STALL_SUSTAIN_MS), getDouble(COLLAPSE_THROUGHPUT_RATIO),
                getDouble(COLLAPSE_MIN_QUEUE), getLong(SUSPECT_CLEAR_MS), getLong(RECOVER_MS), getDouble(GAP_PERIODS),
                getLong(GAP_MIN_MS), getLong(FUTURE_TOLERANCE_MS));
    }
}
