package io.holdfast.topology.synthetic;

import io.holdfast.schemas.MetricSource;
import io.holdfast.schemas.VolumeMetric;
import io.holdfast.topology.synthetic.internal.PeriodTotals;
import io.holdfast.topology.synthetic.internal.SampleNoise;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A deterministic synthetic EBS volume: one {@link VolumeMetric} per sample period, shaped by a
 * {@link VolumeProfile} (gp3-like by default), a fluctuating workload and any scheduled
 * {@link Episode}s.
 *
 * <p>The workload's demand (IOPS) follows a daily cycle times a mean-reverting random walk
 * (log-normal, two-minute correlation time). Latency is log-normal around the profile's load curve;
 * operations, bytes, queue depth and idle time are derived from it consistently: the queue depth is
 * Little's law over the operations that completed ({@code sum(latency) / period}) and the idle
 * fraction is the chance that no operation was in flight ({@code exp(-queue)}, as for a volume
 * serving many independent requests), except while degraded or stalled, when the volume is never idle.
 *
 * <p>The same builder settings, episodes and sequence of calls give the same samples, bit for bit.
 * An episode changes only the samples whose period it overlaps. A period that straddles an
 * episode's start or end is the sum of its parts, so longer sample periods blend the two
 * conditions as a real volume's counters would.
 *
 * <p>Not thread-safe: one volume is sampled by one thread.
 */
public final class SyntheticVolume {

    private static final double DAY_MS = 86_400_000d;
    private static final double DIURNAL_AMPLITUDE = 0.3;
    private static final double LOAD_CORRELATION_SECONDS = 120;
    private static final double LOAD_VOLATILITY = 0.25;
    private static final double READ_SHARE_NOISE = 0.03;
    private static final double IO_SIZE_SIGMA = 0.1;
    /** Reads and writes of one period share most of their fluctuation (the device's), not all of it. */
    private static final double OWN_LATENCY_NOISE = 0.3;
    /** Averaging over a long period smooths latency, but never completely. */
    private static final double MIN_LATENCY_SIGMA = 0.02;
    private static final double DEGRADED_SIGMA = 0.15;
    private static final double SUBTLE_SIGMA = 0.35;
    private static final double SUBTLE_TAIL_CHANCE = 0.05;
    private static final double SUBTLE_TAIL_MIN = 3;
    private static final double SUBTLE_TAIL_MAX = 8;
    /** Operations stuck on a stalled device (the block layer's queue, generously). */
    private static final double STALL_QUEUE_CAP = 1024;

    private final String volumeId;
    private final String peerGroup;
    private final String node;
    private final String cell;
    private final String device;
    private final long periodMs;
    private final double periodSeconds;
    private final VolumeProfile profile;
    private final double baseLoadIops;
    private final double readFraction;
    private final boolean reportsStall;
    private final MetricSource source;
    private final double diurnalPhase;
    private final SplittableRandom loadRandom;
    private final SplittableRandom noiseRandom;
    private final List<Episode> episodes = new ArrayList<>();
    private final PeriodTotals totals = new PeriodTotals();
    private final SampleNoise noise = new SampleNoise();

    private long lastEventMillis;
    private double loadDeviation;
    /** Episodes before this index ended before the current sample period began. */
    private int firstLiveEpisode;

    private SyntheticVolume(Builder b) {
        this.volumeId = b.volumeId;
        this.node = b.node;
        this.peerGroup = b.peerGroup != null ? b.peerGroup : b.node != null ? b.node : b.volumeId;
        this.cell = b.cell;
        this.device = b.device;
        this.periodMs = b.periodMs;
        this.periodSeconds = b.periodMs / 1000d;
        this.profile = b.profile;
        this.baseLoadIops = b.baseLoadIops;
        this.readFraction = b.readFraction;
        this.reportsStall = b.reportsStall;
        this.source = b.source;
        this.lastEventMillis = b.startMillis;
        SplittableRandom root = new SplittableRandom(b.seed);
        this.loadRandom = root.split();
        this.noiseRandom = root.split();
        this.diurnalPhase = 2 * Math.PI * root.nextDouble();
        this.loadDeviation = LOAD_VOLATILITY * loadRandom.nextGaussian();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Adds an episode. It may not overlap another episode of this volume, and it must end after the
     * last sample produced so far (an episode entirely in the past would change nothing).
     */
    public void schedule(Episode episode) {
        Objects.requireNonNull(episode, "episode");
        if (episode.endMillis() <= lastEventMillis) {
            throw new IllegalArgumentException("episode " + episode + " ends before the next sample period of "
                    + volumeId + " (samples up to " + lastEventMillis + " were produced already)");
        }
        int at = 0;
        while (at < episodes.size() && episodes.get(at).startMillis() < episode.startMillis()) {
            at++;
        }
        for (int neighbour = Math.max(0, at - 1); neighbour <= Math.min(episodes.size() - 1, at); neighbour++) {
            Episode other = episodes.get(neighbour);
            if (other.overlaps(episode.startMillis(), episode.endMillis())) {
                throw new IllegalArgumentException("episode " + episode + " overlaps " + other + " on " + volumeId);
            }
        }
        episodes.add(at, episode);
    }

    /** Every episode scheduled on this volume, by onset. */
    public List<Episode> episodes() {
        return Collections.unmodifiableList(episodes);
    }

    /** The sample of the period that follows the previous one. */
    public SyntheticSample next() {
        return sampleAt(lastEventMillis + periodMs);
    }

    /**
     * The sample of the period that ends at {@code eventMillis}. Periods never overlap: the end must
     * be at least one period after the previous sample's; a larger step leaves a gap in the telemetry,
     * as a stopped agent would.
     */
    public SyntheticSample sampleAt(long eventMillis) {
        if (eventMillis < lastEventMillis + periodMs) {
            throw new IllegalArgumentException("sample of " + volumeId + " at " + eventMillis + " would overlap the previous one, which ended at "
                    + lastEventMillis + " (period " + periodMs + " ms)");
        }
        long from = eventMillis - periodMs;
        double demandIops = advanceLoad(eventMillis);
        noise.draw(noiseRandom);
        totals.clear();

        while (firstLiveEpisode < episodes.size() && episodes.get(firstLiveEpisode).endMillis() <= from) {
            firstLiveEpisode++;
        }
        Episode dominant = null;
        long dominantOverlap = 0;
        long position = from;
        for (int i = firstLiveEpisode; i < episodes.size(); i++) {
            Episode episode = episodes.get(i);
            if (episode.startMillis() >= eventMillis) {
                break;
            }
            long start = Math.max(position, episode.startMillis());
            long end = Math.min(eventMillis, episode.endMillis());
            if (start > position) {
                addPart(null, position, start, demandIops);
            }
            addPart(episode, start, end, demandIops);
            if (end - start > dominantOverlap) {
                dominant = episode;
                dominantOverlap = end - start;
            }
            position = end;
        }
        if (position < eventMillis) {
            addPart(null, position, eventMillis, demandIops);
        }
        lastEventMillis = eventMillis;
        return new SyntheticSample(toMetric(eventMillis), dominant);
    }

    /** End of the next period {@link #next()} produces, epoch milliseconds. */
    public long nextEventMillis() {
        return lastEventMillis + periodMs;
    }

    public String volumeId() {
        return volumeId;
    }

    public String peerGroup() {
        return peerGroup;
    }

    public long periodMs() {
        return periodMs;
    }

    public VolumeProfile profile() {
        return profile;
    }

    /** The workload's demand for the period ending at {@code eventMillis}, in IOPS. */
    private double advanceLoad(long eventMillis) {
        double stepSeconds = (eventMillis - lastEventMillis) / 1000d;
        double decay = Math.exp(-stepSeconds / LOAD_CORRELATION_SECONDS);
        loadDeviation = loadDeviation * decay + LOAD_VOLATILITY * Math.sqrt(1 - decay * decay) * loadRandom.nextGaussian();
        double middle = eventMillis - periodMs / 2d;
        double diurnal = 1 + DIURNAL_AMPLITUDE * Math.sin(2 * Math.PI * middle / DAY_MS + diurnalPhase);
        // The log-normal's mean is exp(sigma^2 / 2): subtract it so that the mean demand is the base load.
        return baseLoadIops * diurnal * Math.exp(loadDeviation - LOAD_VOLATILITY * LOAD_VOLATILITY / 2);
    }

    /** Adds what the volume did during {@code [fromMillis, toMillis)} in the condition {@code episode} (null: normal). */
    private void addPart(Episode episode, long fromMillis, long toMillis, double demandIops) {
        double seconds = (toMillis - fromMillis) / 1000d;
        EpisodeType type = episode == null ? null : episode.type();
        if (type == EpisodeType.STALL) {
            // Nothing completes; requests keep arriving and pile up behind the stuck ones.
            double sinceOnset = ((fromMillis + toMillis) / 2d - episode.startMillis()) / 1000d;
            double queue = Math.min(STALL_QUEUE_CAP, profile.clientConcurrency() + episode.magnitude() * sinceOnset);
            totals.queueIntegral += queue * seconds;
            totals.stalled = true;
            return;
        }
        double demand = type == EpisodeType.LOAD_SPIKE ? demandIops * episode.magnitude() : demandIops;
        double readMs;
        double writeMs;
        if (type == EpisodeType.DEGRADED) {
            double factor = Math.exp(DEGRADED_SIGMA * noise.shared);
            readMs = episode.magnitude() * factor * Math.exp(OWN_LATENCY_NOISE * DEGRADED_SIGMA * noise.read);
            writeMs = episode.magnitude() * factor * Math.exp(OWN_LATENCY_NOISE * DEGRADED_SIGMA * noise.write);
        } else {
            double sigma = Math.max(MIN_LATENCY_SIGMA,
                    (type == EpisodeType.SUBTLE_SLOW ? SUBTLE_SIGMA : profile.latencySigma()) / Math.sqrt(periodSeconds));
            double factor = profile.latencyFactorAt(profile.utilizationAt(demand, readFraction)) * Math.exp(sigma * noise.shared);
            if (type == EpisodeType.SUBTLE_SLOW) {
                factor *= episode.magnitude();
                if (noise.tailChance < SUBTLE_TAIL_CHANCE) {
                    factor *= SUBTLE_TAIL_MIN + (SUBTLE_TAIL_MAX - SUBTLE_TAIL_MIN) * noise.tailSize;
                }
            }
            readMs = profile.readLatencyMs() * factor * Math.exp(OWN_LATENCY_NOISE * sigma * noise.read);
            writeMs = profile.writeLatencyMs() * factor * Math.exp(OWN_LATENCY_NOISE * sigma * noise.write);
        }
        double meanLatencySeconds = (readFraction * readMs + (1 - readFraction) * writeMs) / 1000;
        double throughput = Math.min(Math.min(demand, profile.provisionedIops()), profile.clientConcurrency() / meanLatencySeconds);
        double expectedOps = throughput * seconds;
        long ops = Math.max(0, Math.round(expectedOps + Math.sqrt(expectedOps) * noise.ops));
        double readShare = Math.min(1, Math.max(0, readFraction + READ_SHARE_NOISE * noise.split));
        long reads = Math.round(ops * readShare);
        long writes = ops - reads;
        double ioSize = Math.exp(IO_SIZE_SIGMA * noise.size);

        totals.readOps += reads;
        totals.writeOps += writes;
        totals.readLatencyMsSum += reads * readMs;
        totals.writeLatencyMsSum += writes * writeMs;
        totals.readBytes += Math.round(reads * profile.readIoBytes() * ioSize);
        totals.writeBytes += Math.round(writes * profile.writeIoBytes() * ioSize);
        double queueIntegral = (reads * readMs + writes * writeMs) / 1000;
        totals.queueIntegral += queueIntegral;
        if (type != EpisodeType.DEGRADED && seconds > 0) {
            totals.idleSeconds += seconds * Math.exp(-queueIntegral / seconds);
        }
    }

    private VolumeMetric toMetric(long eventMillis) {
        long ops = totals.readOps + totals.writeOps;
        Double readLatencyUs = totals.readOps > 0 ? totals.readLatencyMsSum * 1000 / totals.readOps : null;
        Double writeLatencyUs = totals.writeOps > 0 ? totals.writeLatencyMsSum * 1000 / totals.writeOps : null;
        Double latencyUs = ops > 0 ? (totals.readLatencyMsSum + totals.writeLatencyMsSum) * 1000 / ops : null;
        double idle = Math.min(1, Math.max(0, totals.idleSeconds / periodSeconds));
        return new VolumeMetric(volumeId, peerGroup, node, cell, device, Instant.ofEpochMilli(eventMillis), periodMs,
                readLatencyUs, writeLatencyUs, latencyUs, totals.readOps, totals.writeOps, totals.readBytes,
                totals.writeBytes, totals.readBytes + totals.writeBytes, totals.queueIntegral / periodSeconds, idle,
                reportsStall ? totals.stalled : null, source);
    }

    @Override
    public String toString() {
        return "SyntheticVolume[" + volumeId + ", peer group " + peerGroup + ", period " + periodMs + " ms, "
                + episodes.size() + " episodes]";
    }

    /** Settings of a {@link SyntheticVolume}; only the volume id is required. */
    public static final class Builder {
        private String volumeId;
        private String peerGroup;
        private String node;
        private String cell;
        private String device;
        private long seed;
        private long periodMs = 1_000;
        private long startMillis;
        private VolumeProfile profile = VolumeProfile.gp3();
        private double baseLoadIops = 400;
        private double readFraction = 0.6;
        private boolean reportsStall = true;
        private MetricSource source = MetricSource.SIMULATOR;

        private Builder() {}

        public Builder volumeId(String volumeId) {
            this.volumeId = volumeId;
            return this;
        }

        /** Volumes compared with each other; default: the node, else the volume itself. */
        public Builder peerGroup(String peerGroup) {
            this.peerGroup = peerGroup;
            return this;
        }

        public Builder node(String node) {
            this.node = node;
            return this;
        }

        public Builder cell(String cell) {
            this.cell = cell;
            return this;
        }

        public Builder device(String device) {
            this.device = device;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Sample period, 1,000 to 60,000 ms (default 1,000). */
        public Builder periodMs(long periodMs) {
            this.periodMs = periodMs;
            return this;
        }

        /** Start of the first sample period, epoch milliseconds (default 0). */
        public Builder startMillis(long startMillis) {
            this.startMillis = startMillis;
            return this;
        }

        public Builder profile(VolumeProfile profile) {
            this.profile = profile;
            return this;
        }

        /** Mean demand of the workload in IOPS (default 400), before the daily cycle and fluctuation. */
        public Builder baseLoadIops(double baseLoadIops) {
            this.baseLoadIops = baseLoadIops;
            return this;
        }

        /** Share of the operations that are reads, 0 to 1 (default 0.6). */
        public Builder readFraction(double readFraction) {
            this.readFraction = readFraction;
            return this;
        }

        /**
         * Whether samples carry a stall flag, as EBS's VolumeStalledIOCheck does (default true);
         * false leaves {@code stalled} null, like a source without that signal.
         */
        public Builder reportsStall(boolean reportsStall) {
            this.reportsStall = reportsStall;
            return this;
        }

        /** The {@code source} field of the samples (default SIMULATOR). */
        public Builder source(MetricSource source) {
            this.source = source;
            return this;
        }

        public SyntheticVolume build() {
            if (volumeId == null || volumeId.isBlank()) {
                throw new IllegalArgumentException("a synthetic volume needs a volume id");
            }
            if (periodMs < 1_000 || periodMs > 60_000) {
                throw new IllegalArgumentException("sample period must be 1000 to 60000 ms, was " + periodMs);
            }
            if (!(baseLoadIops >= 0) || Double.isInfinite(baseLoadIops)) {
                throw new IllegalArgumentException("base load must be a non-negative number of IOPS, was " + baseLoadIops);
            }
            if (!(readFraction >= 0 && readFraction <= 1)) {
                throw new IllegalArgumentException("read fraction must be in [0, 1], was " + readFraction);
            }
            Objects.requireNonNull(profile, "profile");
            Objects.requireNonNull(source, "source");
            return new SyntheticVolume(this);
        }
    }
}
