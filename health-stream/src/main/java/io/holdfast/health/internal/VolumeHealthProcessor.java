package io.holdfast.health.internal;

import io.holdfast.health.classifier.HealthSettings;
import io.holdfast.health.classifier.PeerGroupState;
import io.holdfast.health.classifier.Sample;
import io.holdfast.health.classifier.Transition;
import io.holdfast.health.classifier.VolumeHealthClassifier;
import io.holdfast.health.classifier.VolumeState;
import io.holdfast.schemas.VolumeHealth;
import io.holdfast.schemas.VolumeMetric;
import io.holdfast.topology.timer.TimerIndex;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Classifies every volume sample as it arrives, for the volumes of the peer groups this task owns
 * (the input is keyed by peer group). Per sample: validate, drop late or duplicate samples, run the
 * classifier against the volume's and its group's state, store both, forward any transition keyed by
 * volume id, and move the volume's telemetry-gap deadline in the timer index.
 *
 * <p>Gaps are found by punctuation without scanning volumes: on event time (a volume falls silent
 * while others report; the time every live input partition has reached, {@link SourceClocks}) and on
 * wall-clock time corrected by the observed event-time lag (everything falls silent, see
 * {@link #onWallClock}), both reading only the due prefix of the timer index.
 */
public final class VolumeHealthProcessor implements Processor<String, VolumeMetric, String, VolumeHealth> {

    public static final String VOLUMES_STORE = "volume-health-volumes";
    public static final String PEER_GROUPS_STORE = "volume-health-peer-groups";
    public static final String GAP_TIMERS = "volume-health-gaps";

    private static final Logger log = LoggerFactory.getLogger(VolumeHealthProcessor.class);
    private static final int GAP_BATCH = 1_000;
    private static final int CACHED_VOLUMES = 200_000;
    private static final int CACHED_GROUPS = 50_000;
    private static final Duration PUNCTUATE_EVERY = Duration.ofSeconds(1);
    /**
     * How long an input partition may deliver nothing before it stops holding back the gap clock. While
     * catching up, one partition can go unread for seconds while the thread works through another's
     * fetch (5 s was too short: volumes still flapped); a partition whose producers all stopped delays
     * its volumes' UNKNOWN by this much.
     */
    private static final Duration SOURCE_LIVE_WINDOW = Duration.ofSeconds(30);
    /**
     * How far behind the wall clock the samples a task processes may be dated for the task to count as caught
     * up: delivery (the agent's batching, the producer's linger, the re-keying hop under transactions) takes
     * about a second. Sources that deliver later than this lose only the wall-clock check's speed: their
     * volumes' gaps are still found as other samples move event time on, or after {@link #SOURCE_LIVE_WINDOW}
     * of total silence.
     */
    private static final Duration CAUGHT_UP_LAG = Duration.ofSeconds(10);

    private final HealthSettings settings;
    private final HealthMetrics metrics;
    private ProcessorContext<String, VolumeHealth> context;
    private KeyValueStore<String, byte[]> volumes;
    private KeyValueStore<String, byte[]> groups;
    private TimerIndex gaps;
    private VolumeHealthClassifier classifier;
    private SampleReader reader;
    private StateCodec codec;
    private final Sample sample = new Sample();
    // Write-through caches of decoded state: the store stays the truth (every change is put), these
    // only spare decoding what this task wrote a moment ago. Only this processor writes its stores.
    private final Map<String, VolumeState> volumeCache = lru(CACHED_VOLUMES);
    private final Map<String, PeerGroupState> groupCache = lru(CACHED_GROUPS);
    private long lastWallClockAtRecord = Long.MIN_VALUE;
    private SourceClocks sources;
    /** The gap clock ({@link SourceClocks}) at the last accepted sample: not a running maximum (see process). */
    private long gapClockAtRecord = Long.MIN_VALUE;

    public VolumeHealthProcessor(HealthSettings settings, HealthMetrics metrics) {
        this.settings = settings;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, VolumeHealth> context) {
        this.context = context;
        this.volumes = context.getStateStore(VOLUMES_STORE);
        this.groups = context.getStateStore(PEER_GROUPS_STORE);
        this.gaps = TimerIndex.from(context, GAP_TIMERS);
        this.classifier = new VolumeHealthClassifier(settings);
        this.reader = new SampleReader(settings.futureToleranceMs());
        this.codec = new StateCodec(settings);
        this.sources = new SourceClocks(SOURCE_LIVE_WINDOW.toMillis());
        // Gaps follow the event time of accepted samples (checked as it advances, in process) and the wall
        // clock (when nothing arrives at all). Not Kafka's stream time: an invalid record dated in the future
        // would advance it and make every volume look silent.
        context.schedule(PUNCTUATE_EVERY, PunctuationType.WALL_CLOCK_TIME, this::onWallClock);
    }

    /**
     * When nothing arrives: event time now, as far as we can tell, is the last event time plus the wall time
     * since. That holds only for a task that was caught up; one working through a backlog also pauses while
     * its next batch is fetched or a commit or a collection runs, and estimating its event time from the wall
     * clock then declared whole rounds of volumes silent (seen at 100,000 volumes in bench/: a 4.6 s pause
     * at 132 s behind). Behind, only a silence as long as {@link #SOURCE_LIVE_WINDOW} counts.
     */
    private void onWallClock(long wall) {
        if (lastWallClockAtRecord == Long.MIN_VALUE) {
            return;
        }
        long silentMs = wall - lastWallClockAtRecord;
        long behindMs = lastWallClockAtRecord - gapClockAtRecord;
        if (behindMs <= CAUGHT_UP_LAG.toMillis() || silentMs >= SOURCE_LIVE_WINDOW.toMillis()) {
            expireGaps(gapClockAtRecord + silentMs);
        }
    }

    @Override
    public void process(Record<String, VolumeMetric> record) {
        VolumeMetric metric = record.value();
        if (metric == null) {
            metrics.skipped("tombstone");
            return;
        }
        long wallClock = context.currentSystemTimeMs();
        try {
            reader.read(metric, wallClock, sample);
        } catch (SampleReader.InvalidSampleException e) {
            // Rethrown before any state is touched: the processing handler sends the record to the DLQ.
            metrics.invalid(e.reason());
            throw e;
        }
        String volumeId = metric.getVolumeId();
        VolumeState volume = volume(volumeId);
        if (volume == null) {
            volume = classifier.newVolume(volumeId);
        }
        if (sample.eventTimeMs <= volume.lastEventMs()) {
            metrics.skipped(sample.eventTimeMs == volume.lastEventMs() ? "duplicate" : "out_of_order");
            return;
        }
        String groupId = record.key() != null ? record.key() : volumeId;
        PeerGroupState group = groupCache.get(groupId);
        if (group == null) {
            byte[] storedGroup = groups.get(groupId);
            group = storedGroup == null ? classifier.newPeerGroup() : codec.decodeGroup(storedGroup);
        }
        volume.identify(metric.getPeerGroup(), metric.getNode(), metric.getCell());

        if (classifier.onSample(volume, group, sample, this::forward)) {
            metrics.judged();
        } else {
            metrics.skipped("no_evidence");
        }

        armGapTimer(volume);
        volumes.put(volumeId, codec.encode(volume));
        volumeCache.put(volumeId, volume);
        groups.put(groupId, codec.encode(group));
        groupCache.put(groupId, group);
        lastWallClockAtRecord = wallClock;
        sources.advance(PeerGroupKeyer.sourcePartition(record.headers()), sample.eventTimeMs, wallClock);
        long now = sources.eventTimeMs(wallClock);
        // Once per second of event time: one seek into the timer index. The clock may step back when a
        // partition's first samples arrive behind the others; expiring again as it comes back is harmless.
        if (now / 1_000 > gapClockAtRecord / 1_000) {
            expireGaps(now);
        }
        gapClockAtRecord = now;
    }

    /** Volumes whose gap deadline has passed at {@code nowMs} become UNKNOWN; reads only due timers. */
    private void expireGaps(long nowMs) {
        List<KeyValue<String, Long>> due;
        do {
            due = gaps.pollDue(nowMs, GAP_BATCH);
            for (KeyValue<String, Long> timer : due) {
                VolumeState volume = volume(timer.key);
                if (volume == null) {
                    continue;
                }
                volume.gapTimerMs(Long.MIN_VALUE); // this timer has fired
                classifier.checkGap(volume, nowMs, this::forward);
                armGapTimer(volume);
                volumes.put(timer.key, codec.encode(volume));
                volumeCache.put(timer.key, volume);
            }
        } while (due.size() == GAP_BATCH);
    }

    private VolumeState volume(String volumeId) {
        VolumeState cached = volumeCache.get(volumeId);
        if (cached != null) {
            return cached;
        }
        byte[] stored = volumes.get(volumeId);
        return stored == null ? null : codec.decodeVolume(stored);
    }

    private static <V> Map<String, V> lru(int capacity) {
        return new java.util.LinkedHashMap<>(1_024, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > capacity;
            }
        };
    }

    /**
     * Timers are armed lazily: a volume reporting every second would otherwise move its timer (two
     * index writes) on every sample. An armed timer is left alone; when it fires before the volume's
     * real deadline (it kept reporting), the volume is simply re-armed at the later deadline.
     */
    private void armGapTimer(VolumeState volume) {
        long deadline = classifier.gapDeadline(volume);
        if (deadline == Long.MAX_VALUE) {
            if (volume.gapTimerMs() != Long.MIN_VALUE) {
                gaps.cancel(volume.volumeId());
                volume.gapTimerMs(Long.MIN_VALUE);
            }
        } else if (volume.gapTimerMs() == Long.MIN_VALUE) {
            gaps.schedule(volume.volumeId(), deadline);
            volume.gapTimerMs(deadline);
        }
    }

    private void forward(VolumeState volume, Transition transition) {
        VolumeHealth health = HealthRecords.toVolumeHealth(volume.volumeId(), volume.peerGroup(), volume.node(),
                volume.cell(), transition);
        metrics.transition(transition);
        log.info("volume {} {} -> {} ({}, since {})", volume.volumeId(), transition.from(), transition.to(),
                transition.rule().code(), health.getSinceTime());
        context.forward(new Record<>(volume.volumeId(), health, transition.eventMs()));
    }

    /** Counters of what the classifier saw and decided, in Prometheus as holdfast_health_*. */
    public static final class HealthMetrics {
        private final MeterRegistry registry;
        private final Counter judged;
        private final Map<String, Counter> counters = new ConcurrentHashMap<>();

        public HealthMetrics(MeterRegistry registry) {
            this.registry = registry;
            this.judged = Counter.builder("holdfast.health.samples").tag("outcome", "judged")
                    .description("Volume samples by outcome").register(registry);
        }

        void judged() {
            judged.increment();
        }

        void skipped(String reason) {
            counter("holdfast.health.samples", "outcome", "skipped_" + reason).increment();
        }

        void transition(Transition t) {
            counters.computeIfAbsent("t" + t.to() + t.rule(), k -> Counter.builder("holdfast.health.transitions")
                    .description("Volume health transitions by new state and rule")
                    .tag("state", t.to().name()).tag("rule", t.rule().code()).register(registry)).increment();
        }

        /** Samples refused as invalid (sent to the dead-letter topic), by reason. */
        public void invalid(String reason) {
            counter("holdfast.health.samples", "outcome", "invalid_" + reason).increment();
        }

        public double count(String outcome) {
            Counter c = outcome.equals("judged") ? judged : counters.get("holdfast.health.samples" + "outcome" + outcome);
            return c == null ? 0 : c.count();
        }

        private Counter counter(String name, String tag, String value) {
            return counters.computeIfAbsent(name + tag + value, k -> Counter.builder(name).tag(tag, value)
                    .description("Volume samples by outcome").register(registry));
        }
    }
}
