package io.holdfast.health.classifier;

import static io.holdfast.schemas.VolumeHealthState.DEGRADED;
import static io.holdfast.schemas.VolumeHealthState.HEALTHY;
import static io.holdfast.schemas.VolumeHealthState.RECOVERING;
import static io.holdfast.schemas.VolumeHealthState.STALLED;
import static io.holdfast.schemas.VolumeHealthState.SUSPECT;
import static io.holdfast.schemas.VolumeHealthState.UNKNOWN;

import io.holdfast.schemas.VolumeHealthState;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Decides, sample by sample, whether a volume is HEALTHY, SUSPECT, DEGRADED, STALLED, RECOVERING or
 * UNKNOWN. The same code runs in the Streams processor and in the offline backtest.
 *
 * <p>Rules (each named, see {@link Rule}): acute ones judge each sample (latency_slo,
 * baseline_deviation, peer_outlier, throughput_collapse, stall) and must be sustained over
 * {@code acuteSustainMs} / {@code stallSustainMs} of sample time; peer_deviation judges the rolling
 * window: too many samples above the peers' median at similar throughput (times a ratio) together
 * with a heavier tail than the peers', or a blatant excess alone, held for {@code failSlowSustainMs}.
 * Hysteresis: SUSPECT on the first firing sample, DEGRADED/STALLED once sustained, RECOVERING on the
 * first clean sample, HEALTHY after {@code recoverMs} clean; peer_deviation keeps holding down to its
 * lower exit thresholds. A telemetry gap makes the volume UNKNOWN, never DEGRADED.
 *
 * <p>Not thread-safe (one per stream thread): it reuses a scratch array for quantiles.
 */
public final class VolumeHealthClassifier {

    private static final double LN2 = Math.log(2);
    private static final double Z99 = 2.326;
    private static final double RESCALE_EXPONENT = 40;

    /** Receives transitions as they are decided. */
    public interface Sink {
        void accept(VolumeState volume, Transition transition);
    }

    private final HealthSettings s;
    private final double[] scratch = new double[2];

    // What the evidence of a transition is computed from: the sample being judged (single-threaded).
    private boolean evidenceOfSample;
    private long evidenceTimeMs;
    private double evidencePeerP50;
    private double evidencePeerP90;
    private DecayingHistogram evidencePeers;
    private int evidenceBaselineIndex;
    private PeerGroupState evidenceGroup;

    public VolumeHealthClassifier(HealthSettings settings) {
        this.s = settings;
    }

    public HealthSettings settings() {
        return s;
    }

    /** A fresh state for a volume never seen before. */
    public VolumeState newVolume(String volumeId) {
        return new VolumeState(volumeId, s.windowHalfLifeMs());
    }

    public PeerGroupState newPeerGroup() {
        return new PeerGroupState(s);
    }

    /** When this volume becomes UNKNOWN if no sample arrives; Long.MAX_VALUE if it already is. */
    public long gapDeadline(VolumeState v) {
        if (v.state == UNKNOWN || v.lastEventMs == Long.MIN_VALUE) {
            return Long.MAX_VALUE;
        }
        return v.lastEventMs + s.gapTimeoutMs(v.lastPeriodMs);
    }

    /** Declares a telemetry gap if the volume has been silent past its deadline at {@code nowMs}. */
    public void checkGap(VolumeState v, long nowMs, Sink sink) {
        long deadline = gapDeadline(v);
        if (nowMs < deadline) {
            return;
        }
        resetStreaks(v);
        evidenceOfSample = false;
        // Dated at the last sample heard, not at the deadline: a gap declared on the wall clock while samples
        // were only delayed is followed by a sample older than the deadline, and a volume's transitions
        // must never go back in event time (consumers keep the newest by event time).
        transition(v, UNKNOWN, Rule.TELEMETRY_GAP, v.lastEventMs, v.lastEventMs,
                String.format(Locale.ROOT, "no sample for %d s", (deadline - v.lastEventMs) / 1000), sink);
    }

    /**
     * Judges one sample (in event-time order for the volume: the caller drops late and duplicate
     * samples) and feeds it to the peer group afterwards. Declares a gap first if there was one.
     *
     * <p>A sample that carries no evidence (no latency, not stalled, not idle: e.g. a value the source
     * reported as NA) still shows the volume is reporting, so it holds off a telemetry gap, but it
     * changes nothing else: no rule fires, no streak is broken or extended, no state changes.
     */
    /** @return false when the sample carried no evidence and only counted as presence */
    public boolean onSample(VolumeState v, PeerGroupState group, Sample x, Sink sink) {
        long t = x.eventTimeMs;
        long period = x.periodMs;
        checkGap(v, t, sink);
        v.samples++;
        double lat = x.latencyUs;
        boolean hasLatency = !Double.isNaN(lat);
        boolean stalledNow = x.isStalled();
        boolean idle = x.opsPerSecond == 0 && x.queueDepth == 0;
        if (!hasLatency && !stalledNow && !idle) {
            v.wMissing += windowWeight(v, t);
            group.observe(v.volumeId, x, false);
            v.lastEventMs = t;
            v.lastPeriodMs = period;
            return false;
        }
        int bucket = x.loadBucket();

        // Peers at similar throughput, before this sample joins them.
        double peerP50 = Double.NaN;
        double peerP90 = Double.NaN;
        DecayingHistogram peers = null;
        if (hasLatency && !stalledNow && group.memberCount() >= s.minPeers()) {
            peers = group.histogram(bucket);
            if (peers != null && peers.weight(t) >= s.peerMinWeight()) {
                peers.quantiles(0.5, 0.9, scratch);
                peerP50 = scratch[0];
                peerP90 = scratch[1];
            }
        }
        boolean peerKnown = !Double.isNaN(peerP50);
        int baselineIndex = comparableBaseline(v, bucket);
        double baselineP50 = baselineIndex >= 0
                ? Math.exp(v.baselineSumLog[baselineIndex] / v.baselineWeight[baselineIndex]) : Double.NaN;
        double load = !Double.isNaN(x.bytesPerSecond) ? x.bytesPerSecond : x.opsPerSecond;
        boolean throughputBaselineKnown = v.baselineThroughputCount >= s.baselineMinSamples() && v.baselineThroughputWeight > 0;

        // Acute rules on this sample.
        boolean slo = hasLatency && lat >= s.sloLatencyUs();
        boolean baseline = hasLatency && !Double.isNaN(baselineP50) && lat >= s.baselineRatio() * baselineP50
                && lat >= s.acuteMinLatencyUs();
        boolean outlier = peerKnown && lat >= s.peerOutlierRatio() * peerP50 && lat >= s.acuteMinLatencyUs();
        boolean collapse = false;
        if (throughputBaselineKnown && !Double.isNaN(load) && !Double.isNaN(x.queueDepth)) {
            double baseLoad = v.baselineThroughputSum / v.baselineThroughputWeight;
            double baseQueue = v.baselineQueueSum / v.baselineThroughputWeight;
            collapse = !stalledNow && load <= s.collapseThroughputRatio() * baseLoad
                    && x.queueDepth >= Math.max(s.collapseMinQueue(), 2 * baseQueue)
                    && (Double.isNaN(v.lastQueueDepth) || x.queueDepth >= v.lastQueueDepth);
        }
        streak(v, VolumeState.RULE_SLO, slo, t, period);
        // A slow sample at a load the volume has no comparable baseline for is no evidence either way:
        // a baseline deviation in progress holds (neither extended nor broken) instead of clearing.
        boolean baselineHeld = hasLatency && Double.isNaN(baselineP50) && lat >= s.acuteMinLatencyUs()
                && v.streakCoverMs[VolumeState.RULE_BASELINE] > 0;
        if (!baselineHeld) {
            streak(v, VolumeState.RULE_BASELINE, baseline, t, period);
        }
        streak(v, VolumeState.RULE_PEER_OUTLIER, outlier, t, period);
        streak(v, VolumeState.RULE_COLLAPSE, collapse, t, period);
        streak(v, VolumeState.RULE_STALL, stalledNow, t, period);

        // The rolling window.
        double w = windowWeight(v, t);
        if (v.firstWindowSampleMs == Long.MIN_VALUE || decayed(v.wAll, v, t) < 1e-3) {
            v.firstWindowSampleMs = t;
        }
        v.wAll += w;
        if (stalledNow) {
            v.wStalled += w;
        }
        if (!Double.isNaN(x.bytesPerSecond)) {
            v.wBytes += w;
            v.sBytes += w * x.bytesPerSecond;
        }
        if (!Double.isNaN(x.opsPerSecond)) {
            v.wOps += w;
            v.sOps += w * x.opsPerSecond;
        }
        if (!Double.isNaN(x.queueDepth)) {
            v.wQueue += w;
            v.sQueue += w * x.queueDepth;
        }
        if (!Double.isNaN(x.idleRatio)) {
            v.wIdle += w;
            v.sIdle += w * x.idleRatio;
        }
        if (hasLatency) {
            v.latency.add(lat, t);
            double carried = v.maxLatencyAtMs == Long.MIN_VALUE ? 0
                    : v.decayedMaxLatencyUs * Math.pow(2, -(double) (t - v.maxLatencyAtMs) / s.windowHalfLifeMs());
            if (lat >= carried) {
                v.decayedMaxLatencyUs = lat;
                v.maxLatencyAtMs = t;
            }
        }
        if (peerKnown) {
            v.wPeer += w;
            v.sPeerLogSpread += w * Math.log(Math.max(1, peerP90 / peerP50));
            v.ratio.add(VolumeState.RATIO_SCALE * lat / peerP50, t);
        }

        // Fail-slow over the window, with hysteresis.
        boolean lenient = v.state == DEGRADED || v.state == STALLED || v.state == RECOVERING;
        // Without peers to compare this sample with, the window has no new evidence: the verdict holds.
        boolean failSlow = peerKnown || v.failSlowSinceMs == Long.MIN_VALUE
                ? failSlowHolds(v, t, lenient)
                : failSlowHolds(v, t, true);
        if (failSlow) {
            if (v.failSlowSinceMs == Long.MIN_VALUE) {
                v.failSlowSinceMs = t;
            }
        } else {
            v.failSlowSinceMs = Long.MIN_VALUE;
        }

        boolean firing = slo || baseline || baselineHeld || outlier || collapse || stalledNow || failSlow;
        v.cleanCoverMs = firing ? 0 : v.cleanCoverMs + period;
        boolean stallSustained = v.streakCoverMs[VolumeState.RULE_STALL] >= s.stallSustainMs();
        int acute = sustainedAcuteRule(v);
        boolean failSlowSustained = failSlow && t - v.failSlowSinceMs + period >= s.failSlowSustainMs();

        evidenceOfSample = true;
        evidenceTimeMs = t;
        evidencePeerP50 = peerP50;
        evidencePeerP90 = peerP90;
        evidencePeers = peers;
        evidenceBaselineIndex = baselineIndex;
        evidenceGroup = group;
        decide(v, t, period, firing, stallSustained, acute, failSlow, failSlowSustained, sink);

        if (v.state == DEGRADED || v.state == STALLED) {
            v.degradedCoverMs += period;
        }
        if (v.state == HEALTHY && !firing) {
            learn(v, bucket, lat, load, x.queueDepth, t);
        }
        group.observe(v.volumeId, x, v.state != DEGRADED && v.state != STALLED);
        v.lastEventMs = t;
        v.lastPeriodMs = period;
        v.lastQueueDepth = x.queueDepth;
        return true;
    }

    private void decide(VolumeState v, long t, long period, boolean firing, boolean stallSustained, int acute,
                        boolean failSlow, boolean failSlowSustained, Sink sink) {
        switch (v.state) {
            case UNKNOWN -> {
                if (!escalate(v, t, stallSustained, acute, failSlowSustained, sink)) {
                    if (firing) {
                        transition(v, SUSPECT, firingRule(v, failSlow), firingSince(v, t), t, null, sink);
                    } else {
                        transition(v, HEALTHY, Rule.TELEMETRY_OK, t, t, null, sink);
                    }
                }
            }
            case HEALTHY -> {
                if (!escalate(v, t, stallSustained, acute, failSlowSustained, sink) && firing) {
                    transition(v, SUSPECT, firingRule(v, failSlow), firingSince(v, t), t, null, sink);
                }
            }
            case SUSPECT -> {
                if (!escalate(v, t, stallSustained, acute, failSlowSustained, sink)
                        && !firing && v.cleanCoverMs >= s.suspectClearMs()) {
                    transition(v, HEALTHY, Rule.CLEARED, t - v.cleanCoverMs + period, t, null, sink);
                }
            }
            case DEGRADED -> {
                if (stallSustained) {
                    transition(v, STALLED, Rule.STALL, v.streakStartMs[VolumeState.RULE_STALL], t, null, sink);
                } else if (!firing) {
                    transition(v, RECOVERING, Rule.RECOVERING, t, t, null, sink);
                }
            }
            case STALLED -> {
                if (v.streakCoverMs[VolumeState.RULE_STALL] == 0) {
                    if (acute >= 0 || failSlow) {
                        Rule rule = acute >= 0 ? acuteRule(acute) : Rule.PEER_DEVIATION;
                        transition(v, DEGRADED, rule, t, t, null, sink);
                    } else {
                        transition(v, RECOVERING, Rule.RECOVERING, t, t, null, sink);
                    }
                }
            }
            case RECOVERING -> {
                if (!escalate(v, t, stallSustained, acute, failSlow, sink)
                        && !firing && v.cleanCoverMs >= s.recoverMs()) {
                    transition(v, HEALTHY, Rule.RECOVERED, t - v.cleanCoverMs + period, t, null, sink);
                }
            }
            default -> throw new IllegalStateException("unexpected state " + v.state);
        }
    }

    /** Moves to STALLED or DEGRADED when a rule is sustained; returns true if it did. */
    private boolean escalate(VolumeState v, long t, boolean stallSustained, int acute, boolean failSlowSustained, Sink sink) {
        if (stallSustained) {
            transition(v, STALLED, Rule.STALL, v.streakStartMs[VolumeState.RULE_STALL], t, null, sink);
            return true;
        }
        if (acute >= 0) {
            transition(v, DEGRADED, acuteRule(acute), v.streakStartMs[acute], t, null, sink);
            return true;
        }
        if (failSlowSustained) {
            transition(v, DEGRADED, Rule.PEER_DEVIATION, v.failSlowSinceMs, t, null, sink);
            return true;
        }
        return false;
    }

    /**
     * Fail-slow over the window: the median of latency/peer-median is high, and either its tail is
     * stretched beyond the peers' own spread (a subtle fail-slow drive) or the median alone is
     * blatant. Lenient thresholds apply while the volume is already degraded (hysteresis).
     */
    private boolean failSlowHolds(VolumeState v, long t, boolean lenient) {
        // Coverage has hysteresis too: a volume that qualified keeps qualifying down to half the samples.
        double coverage = lenient ? s.windowMinSamples() / 2 : s.windowMinSamples();
        if (v.wPeer <= 0 || decayed(v.wPeer, v, t) < coverage) {
            return false;
        }
        v.ratio.quantiles(0.5, 0.9, scratch);
        double median = scratch[0] / VolumeState.RATIO_SCALE;
        double p90 = scratch[1] / VolumeState.RATIO_SCALE;
        double peerSpread = Math.exp(v.sPeerLogSpread / v.wPeer);
        double medianThreshold = lenient ? s.failSlowMedianRatioExit() : s.failSlowMedianRatio();
        double tailExcess = lenient ? s.failSlowTailExcessExit() : s.failSlowTailExcess();
        double blatant = lenient ? s.failSlowBlatantRatioExit() : s.failSlowBlatantRatio();
        return median >= blatant || (median >= medianThreshold && p90 >= median * peerSpread * tailExcess);
    }

    private static final int[] ACUTE_RULES = {VolumeState.RULE_SLO, VolumeState.RULE_BASELINE, VolumeState.RULE_PEER_OUTLIER,
            VolumeState.RULE_COLLAPSE};

    private int sustainedAcuteRule(VolumeState v) {
        int best = -1;
        for (int r : ACUTE_RULES) {
            if (v.streakCoverMs[r] >= s.acuteSustainMs() && (best < 0 || v.streakStartMs[r] < v.streakStartMs[best])) {
                best = r;
            }
        }
        return best;
    }

    private static Rule acuteRule(int index) {
        return switch (index) {
            case VolumeState.RULE_SLO -> Rule.LATENCY_SLO;
            case VolumeState.RULE_BASELINE -> Rule.BASELINE_DEVIATION;
            case VolumeState.RULE_PEER_OUTLIER -> Rule.PEER_OUTLIER;
            case VolumeState.RULE_COLLAPSE -> Rule.THROUGHPUT_COLLAPSE;
            default -> Rule.STALL;
        };
    }

    /** The rule behind a SUSPECT: the oldest firing streak, else fail-slow. */
    private static Rule firingRule(VolumeState v, boolean failSlow) {
        int best = -1;
        for (int r = 0; r < VolumeState.STREAKS; r++) {
            if (v.streakCoverMs[r] > 0 && (best < 0 || v.streakStartMs[r] < v.streakStartMs[best])) {
                best = r;
            }
        }
        return best >= 0 ? acuteRule(best) : failSlow ? Rule.PEER_DEVIATION : Rule.TELEMETRY_OK;
    }

    private static long firingSince(VolumeState v, long t) {
        long since = v.failSlowSinceMs == Long.MIN_VALUE ? t : v.failSlowSinceMs;
        for (int r = 0; r < VolumeState.STREAKS; r++) {
            if (v.streakCoverMs[r] > 0) {
                since = Math.min(since, v.streakStartMs[r]);
            }
        }
        return since;
    }

    private static void streak(VolumeState v, int rule, boolean firing, long t, long period) {
        if (firing) {
            if (v.streakCoverMs[rule] == 0) {
                v.streakStartMs[rule] = t - period;
            }
            v.streakCoverMs[rule] += period;
        } else {
            v.streakCoverMs[rule] = 0;
        }
    }

    /**
     * After a gap, acute streaks start over: they need contiguous samples. The fail-slow streak is
     * kept: it rests on the rolling window, which the gap decays by itself, so a short gap does not
     * erase evidence and a long one leaves too little for the rule to hold.
     */
    private static void resetStreaks(VolumeState v) {
        java.util.Arrays.fill(v.streakCoverMs, 0);
        v.cleanCoverMs = 0;
        v.lastQueueDepth = Double.NaN;
    }

    /** Healthy samples teach the volume's baseline at their load, and its normal throughput and queue. */
    private void learn(VolumeState v, int bucket, double lat, double load, double queue, long t) {
        double w = baselineWeight(v, t);
        if (!Double.isNaN(lat) && lat > 0) {
            int i = baselineIndex(v, bucket);
            if (i < 0) {
                i = claimBaselineSlot(v, bucket, t);
            }
            double l = Math.log(lat);
            v.baselineWeight[i] += w;
            v.baselineSumLog[i] += w * l;
            v.baselineSumLog2[i] += w * l * l;
            v.baselineCount[i]++;
        }
        if (!Double.isNaN(load) && !Double.isNaN(queue)) {
            v.baselineThroughputWeight += w;
            v.baselineThroughputSum += w * load;
            v.baselineQueueSum += w * queue;
            v.baselineThroughputCount++;
        }
    }

    /**
     * The learned baseline to judge a sample at {@code bucket} against: its own load's, else the
     * nearest one learned at a higher load. A volume that turns slow usually does less, so its load
     * falls into a bucket it has never been healthy in; latency at a higher load bounds what is normal
     * at a lower one, so the comparison stays conservative. At a load above any learned, none (more
     * load may rightly mean more latency). -1 if none.
     */
    private int comparableBaseline(VolumeState v, int bucket) {
        int own = baselineIndex(v, bucket);
        if (own >= 0 && v.baselineCount[own] >= s.baselineMinSamples()) {
            return own;
        }
        if (bucket == Sample.UNKNOWN_LOAD) {
            return -1;
        }
        int best = -1;
        for (int i = 0; i < v.baselineBuckets; i++) {
            if (v.baselineBucket[i] > bucket && v.baselineCount[i] >= s.baselineMinSamples()
                    && (best < 0 || v.baselineBucket[i] < v.baselineBucket[best])) {
                best = i;
            }
        }
        return best;
    }

    private static int baselineIndex(VolumeState v, int bucket) {
        for (int i = 0; i < v.baselineBuckets; i++) {
            if (v.baselineBucket[i] == bucket) {
                return i;
            }
        }
        return -1;
    }

    /** A slot for a new load bucket: a free one, else the one with the least (decayed) weight. */
    private int claimBaselineSlot(VolumeState v, int bucket, long t) {
        int i;
        if (v.baselineBuckets < VolumeState.MAX_BASELINE_BUCKETS) {
            i = v.baselineBuckets++;
        } else {
            i = 0;
            for (int k = 1; k < v.baselineBuckets; k++) {
                if (v.baselineWeight[k] < v.baselineWeight[i]) {
                    i = k;
                }
            }
        }
        v.baselineBucket[i] = bucket;
        v.baselineWeight[i] = 0;
        v.baselineSumLog[i] = 0;
        v.baselineSumLog2[i] = 0;
        v.baselineCount[i] = 0;
        return i;
    }

    /** Forward-decay weight of a window sample at {@code t}, rescaling the window's sums when needed. */
    private double windowWeight(VolumeState v, long t) {
        if (v.windowRefMs == Long.MIN_VALUE) {
            v.windowRefMs = t;
        }
        double exponent = (double) (t - v.windowRefMs) / s.windowHalfLifeMs();
        if (exponent > RESCALE_EXPONENT) {
            double f = Math.pow(2, -exponent);
            v.wAll *= f;
            v.wPeer *= f;
            v.sPeerLogSpread *= f;
            v.wMissing *= f;
            v.wStalled *= f;
            v.wBytes *= f;
            v.sBytes *= f;
            v.wOps *= f;
            v.sOps *= f;
            v.wQueue *= f;
            v.sQueue *= f;
            v.wIdle *= f;
            v.sIdle *= f;
            v.windowRefMs = t;
            exponent = 0;
        }
        return Math.pow(2, exponent);
    }

    private double baselineWeight(VolumeState v, long t) {
        if (v.baselineRefMs == Long.MIN_VALUE) {
            v.baselineRefMs = t;
        }
        double exponent = (double) (t - v.baselineRefMs) / s.baselineHalfLifeMs();
        if (exponent > RESCALE_EXPONENT) {
            double f = Math.pow(2, -exponent);
            for (int i = 0; i < v.baselineBuckets; i++) {
                v.baselineWeight[i] *= f;
                v.baselineSumLog[i] *= f;
                v.baselineSumLog2[i] *= f;
            }
            v.baselineThroughputWeight *= f;
            v.baselineThroughputSum *= f;
            v.baselineQueueSum *= f;
            v.baselineRefMs = t;
            exponent = 0;
        }
        return Math.pow(2, exponent);
    }

    /** A window sum as a decayed count at {@code t}. */
    private double decayed(double forwardSum, VolumeState v, long t) {
        return forwardSum * Math.pow(2, -(double) (t - v.windowRefMs) / s.windowHalfLifeMs());
    }

    private void transition(VolumeState v, VolumeHealthState to, Rule rule, long sinceMs, long eventMs, String summary, Sink sink) {
        VolumeHealthState from = v.state;
        boolean withSample = evidenceOfSample;
        if ((to == DEGRADED || to == STALLED) && from != DEGRADED && from != STALLED && from != RECOVERING) {
            v.episodes++;
            if (v.firstDegradedMs == Long.MIN_VALUE) {
                v.firstDegradedMs = eventMs;
            }
        }
        if (to == DEGRADED || to == STALLED) {
            v.degradedBy = rule;
        }
        v.previousState = from;
        v.state = to;
        v.stateSinceMs = sinceMs;
        Transition transition = new Transition(from, to, rule, Math.min(sinceMs, eventMs), eventMs,
                summary != null ? summary : summarize(v, to, rule),
                withSample ? window(v, evidenceTimeMs) : null, withSample ? baseline(v) : null,
                withSample ? peers(v) : null, evidence(v, withSample));
        sink.accept(v, transition);
    }

    private String summarize(VolumeState v, VolumeHealthState to, Rule rule) {
        return switch (to) {
            case HEALTHY -> rule == Rule.TELEMETRY_OK ? "reporting, nothing firing" : "no rule firing";
            case RECOVERING -> "rules stopped firing after " + (v.degradedBy == null ? "degradation" : v.degradedBy.code());
            default -> rule.code() + " fired";
        };
    }

    private Transition.Window window(VolumeState v, long t) {
        double scale = Math.pow(2, -(double) (t - v.windowRefMs) / s.windowHalfLifeMs());
        v.latency.quantiles(0.5, 0.99, scratch);
        double carriedMax = v.maxLatencyAtMs == Long.MIN_VALUE ? Double.NaN
                : v.decayedMaxLatencyUs * Math.pow(2, -(double) (t - v.maxLatencyAtMs) / s.windowHalfLifeMs());
        long span = (long) (s.windowHalfLifeMs() / LN2);
        return new Transition.Window(Math.max(v.firstWindowSampleMs, t - span), t,
                (int) Math.round(v.wAll * scale), (int) Math.round(v.wMissing * scale), (int) Math.round(v.wStalled * scale),
                scratch[0], scratch[1], carriedMax,
                v.wOps > 0 ? v.sOps / v.wOps : Double.NaN, v.wBytes > 0 ? v.sBytes / v.wBytes : Double.NaN,
                v.wQueue > 0 ? v.sQueue / v.wQueue : Double.NaN, v.wIdle > 0 ? v.sIdle / v.wIdle : Double.NaN);
    }

    private Transition.Baseline baseline(VolumeState v) {
        int i = evidenceBaselineIndex;
        if (i < 0 || v.baselineWeight[i] <= 0) {
            return null;
        }
        double mean = v.baselineSumLog[i] / v.baselineWeight[i];
        double var = Math.max(0, v.baselineSumLog2[i] / v.baselineWeight[i] - mean * mean);
        double p50 = Math.exp(mean);
        double windowP50 = v.latency.quantile(0.5);
        return new Transition.Baseline(v.baselineBucket[i], p50, Math.exp(mean + Z99 * Math.sqrt(var)), v.baselineCount[i],
                Double.isNaN(windowP50) ? Double.NaN : windowP50 / p50);
    }

    private Transition.Peers peers(VolumeState v) {
        if (Double.isNaN(evidencePeerP50)) {
            return null;
        }
        v.latency.quantiles(0.5, 0.99, scratch);
        double windowP50 = scratch[0];
        double windowP99 = scratch[1];
        double peerP99 = evidencePeers.quantile(0.99);
        return new Transition.Peers(Math.max(0, evidenceGroup.memberCount() - 1), evidencePeerP50, peerP99,
                windowP50 / evidencePeerP50, windowP99 / peerP99);
    }

    private Map<String, String> evidence(VolumeState v, boolean withSample) {
        Map<String, String> e = new LinkedHashMap<>();
        if (v.wPeer > 0) {
            v.ratio.quantiles(0.5, 0.9, scratch);
            e.put("window_ratio_p50", format(scratch[0] / VolumeState.RATIO_SCALE));
            e.put("window_ratio_p90", format(scratch[1] / VolumeState.RATIO_SCALE));
            e.put("peer_spread_p90_p50", format(Math.exp(v.sPeerLogSpread / v.wPeer)));
        }
        if (withSample && !Double.isNaN(evidencePeerP90)) {
            e.put("peer_latency_p90_us", format(evidencePeerP90));
        }
        if (withSample) {
            e.put("group_members", Integer.toString(evidenceGroup.memberCount()));
        }
        return e;
    }

    private static String format(double d) {
        return String.format(Locale.ROOT, "%.3f", d);
    }
}
