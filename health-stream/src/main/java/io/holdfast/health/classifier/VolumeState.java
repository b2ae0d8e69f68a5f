package io.holdfast.health.classifier;

import io.holdfast.schemas.VolumeHealthState;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Everything the classifier remembers about one volume, bounded whatever the sample rate: the
 * state machine, the streaks of firing rules, an exponentially weighted rolling window (fractions of
 * samples above peer thresholds, means, a latency histogram for evidence) and the healthy baseline
 * per load bucket (at most {@link #MAX_BASELINE_BUCKETS}). Weighted sums decay forward from a
 * reference time, rescaled together when they grow large.
 */
public final class VolumeState {

    static final int MAX_BASELINE_BUCKETS = 8;
    static final int RULE_SLO = 0;
    static final int RULE_BASELINE = 1;
    static final int RULE_PEER_OUTLIER = 2;
    static final int RULE_COLLAPSE = 3;
    static final int RULE_STALL = 4;
    static final int STREAKS = 5;

    // identity, from the latest sample
    String volumeId;
    String peerGroup;
    String node;
    String cell;

    // state machine
    VolumeHealthState state = VolumeHealthState.UNKNOWN;
    VolumeHealthState previousState = VolumeHealthState.UNKNOWN;
    long stateSinceMs = Long.MIN_VALUE;
    long lastEventMs = Long.MIN_VALUE;
    long lastPeriodMs;
    double lastQueueDepth = Double.NaN;
    /** Why the volume is DEGRADED/STALLED, for recovery messages. */
    Rule degradedBy;

    // streaks of acute rules: start time and sample time covered (0 = not firing)
    final long[] streakStartMs = new long[STREAKS];
    final long[] streakCoverMs = new long[STREAKS];
    long failSlowSinceMs = Long.MIN_VALUE;
    long cleanCoverMs;

    // rolling window (forward-decayed with the window half-life from windowRefMs)
    long windowRefMs = Long.MIN_VALUE;
    double wAll;
    double wPeer;
    /** Sum of ln(peer p90 / peer p50) over peer-compared samples: the peers' spread. */
    double sPeerLogSpread;
    double wMissing;
    double wStalled;
    double wBytes;
    double sBytes;
    double wOps;
    double sOps;
    double wQueue;
    double sQueue;
    double wIdle;
    double sIdle;
    double decayedMaxLatencyUs;
    long maxLatencyAtMs = Long.MIN_VALUE;
    long firstWindowSampleMs = Long.MIN_VALUE;
    DecayingHistogram latency;
    /** Each peer-compared sample's latency / peers' median, scaled by {@link #RATIO_SCALE}. */
    DecayingHistogram ratio;
    static final double RATIO_SCALE = 1024;

    // healthy baseline per load bucket (forward-decayed with the baseline half-life from baselineRefMs)
    long baselineRefMs = Long.MIN_VALUE;
    int baselineBuckets;
    final int[] baselineBucket = new int[MAX_BASELINE_BUCKETS];
    final double[] baselineWeight = new double[MAX_BASELINE_BUCKETS];
    final double[] baselineSumLog = new double[MAX_BASELINE_BUCKETS];
    final double[] baselineSumLog2 = new double[MAX_BASELINE_BUCKETS];
    final long[] baselineCount = new long[MAX_BASELINE_BUCKETS];
    double baselineThroughputWeight;
    double baselineThroughputSum;
    double baselineQueueSum;
    long baselineThroughputCount;

    /** Deadline of the gap timer armed for this volume, or Long.MIN_VALUE (kept here so arming costs no read). */
    long gapTimerMs = Long.MIN_VALUE;

    // counters (for the backtest and metrics)
    long samples;
    long degradedCoverMs;
    int episodes;
    long firstDegradedMs = Long.MIN_VALUE;

    public VolumeState(String volumeId, long windowHalfLifeMs) {
        this(volumeId, new DecayingHistogram(windowHalfLifeMs), new DecayingHistogram(windowHalfLifeMs));
    }

    private VolumeState(String volumeId, DecayingHistogram latency, DecayingHistogram ratio) {
        this.volumeId = volumeId;
        this.latency = latency;
        this.ratio = ratio;
    }

    public String volumeId() {
        return volumeId;
    }

    /** Where the volume is, from its latest sample (kept for the transitions' records). */
    public void identify(String peerGroup, String node, String cell) {
        this.peerGroup = peerGroup;
        this.node = node;
        this.cell = cell;
    }

    public String peerGroup() {
        return peerGroup;
    }

    public String node() {
        return node;
    }

    public String cell() {
        return cell;
    }

    public VolumeHealthState state() {
        return state;
    }

    public long lastEventMs() {
        return lastEventMs;
    }

    public long lastPeriodMs() {
        return lastPeriodMs;
    }

    public long samples() {
        return samples;
    }

    /** Sample time spent DEGRADED or STALLED. */
    public long degradedCoverMs() {
        return degradedCoverMs;
    }

    /** Entries into DEGRADED or STALLED (from a non-degraded state). */
    public int episodes() {
        return episodes;
    }

    /** Event time of the first entry into DEGRADED or STALLED, or Long.MIN_VALUE. */
    public long firstDegradedMs() {
        return firstDegradedMs;
    }

    public long gapTimerMs() {
        return gapTimerMs;
    }

    /** Event time of the sample that entered the current state, or Long.MIN_VALUE. */
    public long stateSinceMs() {
        return stateSinceMs;
    }

    /** The rule that made the volume DEGRADED or STALLED, or null. */
    public Rule degradedBy() {
        return degradedBy;
    }

    /** Latency quantiles of the rolling window in µs into {@code out} (NaN when empty); see {@link DecayingHistogram#quantiles}. */
    public void windowLatencyQuantiles(double q1, double q2, double[] out) {
        latency.quantiles(q1, q2, out);
    }

    public void gapTimerMs(long deadline) {
        this.gapTimerMs = deadline;
    }

    public void writeTo(DataOutput out, long windowHalfLifeMs) throws IOException {
        out.writeByte(1); // format version
        out.writeUTF(volumeId);
        writeNullable(out, peerGroup);
        writeNullable(out, node);
        writeNullable(out, cell);
        out.writeByte(state.ordinal());
        out.writeByte(previousState.ordinal());
        out.writeLong(stateSinceMs);
        out.writeLong(lastEventMs);
        out.writeLong(lastPeriodMs);
        out.writeDouble(lastQueueDepth);
        out.writeByte(degradedBy == null ? -1 : degradedBy.ordinal());
        for (int i = 0; i < STREAKS; i++) {
            out.writeLong(streakStartMs[i]);
            out.writeLong(streakCoverMs[i]);
        }
        out.writeLong(failSlowSinceMs);
        out.writeLong(cleanCoverMs);
        out.writeLong(windowRefMs);
        out.writeDouble(wAll);
        out.writeDouble(wPeer);
        out.writeDouble(sPeerLogSpread);
        out.writeDouble(wMissing);
        out.writeDouble(wStalled);
        out.writeDouble(wBytes);
        out.writeDouble(sBytes);
        out.writeDouble(wOps);
        out.writeDouble(sOps);
        out.writeDouble(wQueue);
        out.writeDouble(sQueue);
        out.writeDouble(wIdle);
        out.writeDouble(sIdle);
        out.writeDouble(decayedMaxLatencyUs);
        out.writeLong(maxLatencyAtMs);
        out.writeLong(firstWindowSampleMs);
        latency.writeTo(out);
        ratio.writeTo(out);
        out.writeLong(baselineRefMs);
        out.writeByte(baselineBuckets);
        for (int i = 0; i < baselineBuckets; i++) {
            out.writeShort(baselineBucket[i]);
            out.writeDouble(baselineWeight[i]);
            out.writeDouble(baselineSumLog[i]);
            out.writeDouble(baselineSumLog2[i]);
            out.writeLong(baselineCount[i]);
        }
        out.writeDouble(baselineThroughputWeight);
        out.writeDouble(baselineThroughputSum);
        out.writeDouble(baselineQueueSum);
        out.writeLong(baselineThroughputCount);
        out.writeLong(samples);
        out.writeLong(degradedCoverMs);
        out.writeInt(episodes);
        out.writeLong(firstDegradedMs);
        out.writeLong(gapTimerMs);
    }

    public static VolumeState readFrom(DataInput in, long windowHalfLifeMs) throws IOException {
        int version = in.readByte();
        if (version != 1) {
            throw new IOException("unknown volume state format " + version);
        }
        // The histograms are read below: none allocated here only to be replaced (2 KB each).
        VolumeState v = new VolumeState(in.readUTF(), null, null);
        v.peerGroup = readNullable(in);
        v.node = readNullable(in);
        v.cell = readNullable(in);
        VolumeHealthState[] states = VolumeHealthState.values();
        v.state = states[in.readByte()];
        v.previousState = states[in.readByte()];
        v.stateSinceMs = in.readLong();
        v.lastEventMs = in.readLong();
        v.lastPeriodMs = in.readLong();
        v.lastQueueDepth = in.readDouble();
        int rule = in.readByte();
        v.degradedBy = rule < 0 ? null : Rule.values()[rule];
        for (int i = 0; i < STREAKS; i++) {
            v.streakStartMs[i] = in.readLong();
            v.streakCoverMs[i] = in.readLong();
        }
        v.failSlowSinceMs = in.readLong();
        v.cleanCoverMs = in.readLong();
        v.windowRefMs = in.readLong();
        v.wAll = in.readDouble();
        v.wPeer = in.readDouble();
        v.sPeerLogSpread = in.readDouble();
        v.wMissing = in.readDouble();
        v.wStalled = in.readDouble();
        v.wBytes = in.readDouble();
        v.sBytes = in.readDouble();
        v.wOps = in.readDouble();
        v.sOps = in.readDouble();
        v.wQueue = in.readDouble();
        v.sQueue = in.readDouble();
        v.wIdle = in.readDouble();
        v.sIdle = in.readDouble();
        v.decayedMaxLatencyUs = in.readDouble();
        v.maxLatencyAtMs = in.readLong();
        v.firstWindowSampleMs = in.readLong();
        v.latency = DecayingHistogram.readFrom(in);
        v.ratio = DecayingHistogram.readFrom(in);
        v.baselineRefMs = in.readLong();
        v.baselineBuckets = in.readByte();
        if (v.baselineBuckets < 0 || v.baselineBuckets > MAX_BASELINE_BUCKETS) {
            throw new IOException("corrupt volume state: " + v.baselineBuckets + " baseline buckets");
        }
        for (int i = 0; i < v.baselineBuckets; i++) {
            v.baselineBucket[i] = in.readShort();
            v.baselineWeight[i] = in.readDouble();
            v.baselineSumLog[i] = in.readDouble();
            v.baselineSumLog2[i] = in.readDouble();
            v.baselineCount[i] = in.readLong();
        }
        v.baselineThroughputWeight = in.readDouble();
        v.baselineThroughputSum = in.readDouble();
        v.baselineQueueSum = in.readDouble();
        v.baselineThroughputCount = in.readLong();
        v.samples = in.readLong();
        v.degradedCoverMs = in.readLong();
        v.episodes = in.readInt();
        v.firstDegradedMs = in.readLong();
        v.gapTimerMs = in.readLong();
        return v;
    }

    private static void writeNullable(DataOutput out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            out.writeUTF(s);
        }
    }

    private static String readNullable(DataInput in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }
}
