package io.holdfast.bench.micro;

import io.holdfast.health.classifier.HealthSettings;
import io.holdfast.health.classifier.PeerGroupState;
import io.holdfast.health.classifier.Sample;
import io.holdfast.health.classifier.VolumeHealthClassifier;
import io.holdfast.health.classifier.VolumeState;
import io.holdfast.health.internal.SampleReader;
import io.holdfast.health.internal.StateCodec;
import io.holdfast.schemas.VolumeMetric;
import io.holdfast.topology.synthetic.SyntheticVolume;
import java.util.LinkedHashMap;
import java.util.Map;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The health classifier's per-sample work, as {@code VolumeHealthProcessor.process} does it for every
 * sample once the record has left Kafka, on a steady fleet of {@value #VOLUMES} synthetic gp3 volumes in
 * peer groups of {@value #GROUP_SIZE} (about 1 ms latency with the synthetic model's noise, one sample per
 * volume per second of event time). The encoding is health-stream's own {@link StateCodec}.
 *
 * <ul>
 *   <li>{@link #processSample}: the whole of {@code process} for a volume in the write-through caches
 *       (always, in production, for a task's active volumes): {@link SampleReader#read}, the lookups of the
 *       volume and its peer group in access-ordered maps like the processor's LRU caches, the late and
 *       duplicate check, {@code identify}, {@link VolumeHealthClassifier#onSample}, encoding both states
 *       and putting them back in the caches.</li>
 *   <li>{@link #classify}: {@code onSample} alone, on a sample already read.</li>
 *   <li>{@link #encodeVolume} and {@link #encodeGroup}: the two encodings {@code process} does per sample,
 *       each alone; {@code processSample} is about {@code classify} plus both.</li>
 *   <li>{@link #decodeVolume}: what a cache miss adds (a volume read back from its store after a restart
 *       or a rebalance).</li>
 * </ul>
 *
 * <p>Not covered, because they are Kafka's or Micrometer's: the stores' puts and gets (record cache,
 * RocksDB, changelog), the gap timer index, the outcome counters, and forwarding transitions (here they
 * are only counted: a primed steady fleet has a few per million samples, 12 in 2.1 million in a check
 * run, so building them weighs in the figures about as much as it does in production). The keys here are
 * the same String objects sample after sample, so their hash codes are cached, where a deserialized
 * record's are not.
 */
@State(Scope.Thread)
public class ClassifierSampleBench {

    static final int VOLUMES = 10_000;
    static final int GROUP_SIZE = 10;
    /** Rounds of samples generated; the benchmark loops over them with event time moved on by a lap each time. */
    static final int ROUNDS = 30;
    /**
     * Rounds fed before measuring: past the baseline's 60 samples and the rolling window's 40, so that
     * every rule is evaluated as for a volume that has been reporting for a while.
     */
    static final int PRIMING_ROUNDS = 90;
    static final long PERIOD_MS = 1_000;
    static final long START_MS = 1_893_456_000_000L; // 2030-01-01T00:00:00Z

    private final HealthSettings settings = HealthSettings.DEFAULTS;
    private final VolumeHealthClassifier classifier = new VolumeHealthClassifier(settings);
    private final SampleReader reader = new SampleReader(settings.futureToleranceMs());
    private final StateCodec codec = new StateCodec(settings);
    private final Sample sample = new Sample();
    /** Counted rather than dropped, so that building a transition cannot be optimized away. */
    private long transitions;
    private final VolumeHealthClassifier.Sink countTransitions = (volume, transition) -> transitions++;

    /** Round-major: sample {@code i} is of volume {@code i % VOLUMES}, in round {@code i / VOLUMES}. */
    private VolumeMetric[] metrics;
    /** The same samples already read, for the benchmarks that leave reading out. */
    private Sample[] read;
    private VolumeState[] volumes;
    private PeerGroupState[] groups;
    private final Map<String, VolumeState> volumeCache = accessOrdered();
    private final Map<String, PeerGroupState> groupCache = accessOrdered();
    private byte[][] encodedVolumes;
    /** After the generated samples and within the reader's future tolerance of all of them. */
    private final long wallClockMs = START_MS + (ROUNDS + 1) * PERIOD_MS;

    private int nextSample;
    /** Added to generated event times: each pass over the samples is a later stretch of time. */
    private long lapShiftMs;
    private int nextVolume;

    @Setup
    public void generateAndPrime() {
        metrics = new VolumeMetric[VOLUMES * ROUNDS];
        read = new Sample[metrics.length];
        volumes = new VolumeState[VOLUMES];
        groups = new PeerGroupState[VOLUMES / GROUP_SIZE];
        for (int v = 0; v < VOLUMES; v++) {
            int g = v / GROUP_SIZE;
            String peerGroup = "node-" + g;
            SyntheticVolume synthetic = SyntheticVolume.builder().volumeId("vol-" + v).peerGroup(peerGroup).node(peerGroup)
                    .cell("cell-" + g % 3).device("nvme" + (1 + v % GROUP_SIZE) + "n1").seed(v).startMillis(START_MS)
                    .baseLoadIops(200 + 100 * (g % 5)).build();
            for (int r = 0; r < ROUNDS; r++) {
                int i = r * VOLUMES + v;
                metrics[i] = synthetic.next().metric();
                read[i] = reader.read(metrics[i], wallClockMs, new Sample());
            }
            volumes[v] = classifier.newVolume("vol-" + v);
            volumeCache.put(volumes[v].volumeId(), volumes[v]);
            if (v % GROUP_SIZE == 0) {
                groups[g] = classifier.newPeerGroup();
                groupCache.put(peerGroup, groups[g]);
            }
            volumes[v].identify(peerGroup, peerGroup, metrics[v].getCell());
        }
        for (long s = 0; s < (long) PRIMING_ROUNDS * VOLUMES; s++) {
            classify();
        }
        encodedVolumes = new byte[VOLUMES][];
        for (int v = 0; v < VOLUMES; v++) {
            encodedVolumes[v] = codec.encode(volumes[v]);
        }
    }

    @Benchmark
    public void processSample(Blackhole blackhole) {
        VolumeMetric metric = metrics[nextSample()];
        reader.read(metric, wallClockMs, sample);
        sample.eventTimeMs += lapShiftMs;
        String volumeId = metric.getVolumeId();
        VolumeState volume = volumeCache.get(volumeId);
        if (volume == null) {
            volume = classifier.newVolume(volumeId);
        }
        if (sample.eventTimeMs <= volume.lastEventMs()) {
            return;
        }
        String groupId = metric.getPeerGroup();
        PeerGroupState group = groupCache.get(groupId);
        if (group == null) {
            group = classifier.newPeerGroup();
        }
        volume.identify(metric.getPeerGroup(), metric.getNode(), metric.getCell());
        blackhole.consume(classifier.onSample(volume, group, sample, countTransitions));
        blackhole.consume(codec.encode(volume));
        volumeCache.put(volumeId, volume);
        blackhole.consume(codec.encode(group));
        groupCache.put(groupId, group);
    }

    @Benchmark
    public boolean classify() {
        int i = nextSample();
        Sample s = read[i];
        sample.set(s.eventTimeMs + lapShiftMs, s.periodMs, s.latencyUs, s.bytesPerSecond, s.opsPerSecond, s.queueDepth,
                s.idleRatio, s.stalledFlag);
        int v = i % VOLUMES;
        return classifier.onSample(volumes[v], groups[v / GROUP_SIZE], sample, countTransitions);
    }

    @Benchmark
    public byte[] encodeVolume() {
        return codec.encode(volumes[nextVolume()]);
    }

    @Benchmark
    public byte[] encodeGroup() {
        return codec.encode(groups[nextVolume() / GROUP_SIZE]);
    }

    @Benchmark
    public VolumeState decodeVolume() {
        return codec.decodeVolume(encodedVolumes[nextVolume()]);
    }

    private int nextSample() {
        int i = nextSample;
        if (++nextSample == metrics.length) {
            nextSample = 0;
            lapShiftMs += ROUNDS * PERIOD_MS;
        }
        return i;
    }

    private int nextVolume() {
        int v = nextVolume;
        nextVolume = v + 1 == VOLUMES ? 0 : v + 1;
        return v;
    }

    private static <V> Map<String, V> accessOrdered() {
        return new LinkedHashMap<>(1_024, 0.75f, true);
    }
}
