package io.holdfast.bench;

import io.holdfast.embedded.EmbeddedKafka;
import io.holdfast.health.HealthApp;
import io.holdfast.health.HealthConfig;
import io.holdfast.health.VolumeHealthTopology;
import io.holdfast.schemas.MetricSource;
import io.holdfast.schemas.VolumeMetric;
import io.holdfast.topology.app.AppContext;
import io.holdfast.topology.app.RunningApp;
import io.holdfast.topology.app.StreamsApp;
import io.holdfast.topology.catalog.TopicCatalog;
import io.holdfast.topology.catalog.TopicEnsurer;
import io.holdfast.topology.config.HoldfastConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/**
 * Health classifier throughput on one stream thread under exactly_once_v2, on the embedded broker,
 * next to a pass-through Streams app (same input, same guarantee, one thread) measured in the same
 * run: each app starts from the beginning of a topic holding {@code volumes x samples} VolumeMetrics
 * and the clock stops when its group has committed the whole input of its last sub-topology.
 */
public final class HealthThroughputBench {

    private final EmbeddedKafka kafka;
    private final int volumes;
    private final int samplesPerVolume;
    private final int volumesPerGroup;
    private final int partitions;
    private final Path stateRoot;
    private Map<String, Long> lastTransitions = Map.of();

    public HealthThroughputBench(EmbeddedKafka kafka, int volumes, int samplesPerVolume, int volumesPerGroup, int partitions,
                                 Path stateRoot) {
        this.kafka = kafka;
        this.volumes = volumes;
        this.samplesPerVolume = samplesPerVolume;
        this.volumesPerGroup = volumesPerGroup;
        this.partitions = partitions;
        this.stateRoot = stateRoot;
    }

    public long samples() {
        return (long) volumes * samplesPerVolume;
    }

    /** Creates the topics and writes the input once; returns the prefix the apps must use. */
    public String prepare() throws Exception {
        String prefix = "bench-" + System.nanoTime() + ".";
        HealthConfig config = config(prefix, "prepare");
        TopicCatalog catalog = new TopicCatalog(config);
        try (Admin admin = kafka.admin()) {
            List<io.holdfast.topology.catalog.Topic<?, ?>> topics = new ArrayList<>(catalog.all());
            topics.add(catalog.deadLetter("health"));
            topics.add(catalog.deadLetter("passthrough"));
            topics.add(BenchApps.passThroughOutput(config));
            new TopicEnsurer(admin, Duration.ofSeconds(60)).ensure(topics);
        }
        var serializer = catalog.volumeMetrics.valueSerde().serializer();
        AtomicLong failed = new AtomicLong();
        AtomicReference<Exception> firstFailure = new AtomicReference<>();
        // Event times in the recent past: the broker refuses timestamps far in the future, and so does the app.
        long start = System.currentTimeMillis() - samplesPerVolume * 1_000L - 60_000;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"), new StringSerializer(), new ByteArraySerializer())) {
            VolumeMetric.Builder b = VolumeMetric.newBuilder().setSamplePeriodMs(1_000).setSource(MetricSource.SIMULATOR)
                    .setWriteOps(0L).setWriteBytes(0L).setIdleRatio(0.7).setStalled(false).setCell("cell-1");
            for (int s = 0; s < samplesPerVolume; s++) {
                long t = start + s * 1_000L;
                for (int v = 0; v < volumes; v++) {
                    String id = "vol-" + v;
                    String group = "node-" + (v / volumesPerGroup);
                    double latency = 900 + 200 * ((v * 31 + s * 17) % 11) / 10.0;
                    VolumeMetric m = b.setVolumeId(id).setPeerGroup(group).setNode(group)
                            .setEventTime(Instant.ofEpochMilli(t)).setLatencyUs(latency)
                            .setReadOps(300L).setReadBytes(300L * 16_384).setQueueDepth(0.3).build();
                    producer.send(new ProducerRecord<>(catalog.volumeMetrics.name(), null, t, id,
                            serializer.serialize(catalog.volumeMetrics.name(), m)), (meta, e) -> {
                        if (e != null) {
                            failed.incrementAndGet();
                            firstFailure.compareAndSet(null, e);
                        }
                    });
                }
            }
            producer.flush();
        }
        if (failed.get() > 0) {
            throw new IllegalStateException(failed.get() + " input records were not acknowledged", firstFailure.get());
        }
        return prefix;
    }

    public Run runHealth(String prefix, int run) throws Exception {
        Map<String, String> settings = settings(prefix, "health-" + run);
        HealthConfig config = HealthConfig.load(Optional.empty(), Map.of(), settings);
        String input = new TopicCatalog(config).volumeMetrics.name();
        String repartition = settings.get("application.id") + "-" + VolumeHealthTopology.REPARTITION + "-repartition";
        String transitions = new TopicCatalog(config).volumeHealth.name();
        Map<org.apache.kafka.common.TopicPartition, Long> transitionsBefore;
        try (Admin admin = kafka.admin()) {
            transitionsBefore = GroupOffsets.ends(admin, transitions);
        }
        // Done when the first sub-topology has consumed the whole input and the classifier has consumed
        // everything the first one wrote (the repartition topic's end, markers included).
        Run timed = TimedApp.run(kafka, BenchApps.HEALTH, settings, samples(),
                (admin, group) -> GroupOffsets.committed(admin, group, input) >= samples()
                        && GroupOffsets.committed(admin, group, repartition) >= GroupOffsets.end(admin, repartition),
                new TopicCatalog(config).deadLetter("health").name(), stateRoot.resolve("health-" + run + ".log"));
        lastTransitions = transitionsByKind(new TopicCatalog(config), transitionsBefore);
        return timed;
    }

    /** The transitions the last health run wrote, by kind ({@code FROM->TO:rule}). */
    public Map<String, Long> lastTransitions() {
        return lastTransitions;
    }

    private Map<String, Long> transitionsByKind(TopicCatalog catalog, Map<org.apache.kafka.common.TopicPartition, Long> from) {
        Map<String, Object> props = new HashMap<>(kafka.clientProperties());
        props.put(org.apache.kafka.clients.consumer.ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(org.apache.kafka.clients.consumer.ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        var deserializer = catalog.volumeHealth.valueSerde().deserializer();
        Map<String, Long> kinds = new java.util.TreeMap<>();
        try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<>(props,
                new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            consumer.assign(from.keySet());
            from.forEach(consumer::seek);
            Map<org.apache.kafka.common.TopicPartition, Long> end = consumer.endOffsets(from.keySet());
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (from.keySet().stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                for (var r : consumer.poll(Duration.ofMillis(200))) {
                    io.holdfast.schemas.VolumeHealth h = deserializer.deserialize(r.topic(), r.value());
                    kinds.merge(h.getPreviousState() + "->" + h.getState() + ":" + h.getRule(), 1L, Long::sum);
                }
            }
        }
        return kinds;
    }

    public Run runPassThrough(String prefix, int run) throws Exception {
        Map<String, String> settings = settings(prefix, "passthrough-" + run);
        HealthConfig config = HealthConfig.load(Optional.empty(), Map.of(), settings);
        String input = new TopicCatalog(config).volumeMetrics.name();
        return TimedApp.run(kafka, BenchApps.HEALTH_PASS_THROUGH, settings, samples(),
                (admin, group) -> GroupOffsets.committed(admin, group, input) >= samples(),
                new TopicCatalog(config).deadLetter("passthrough").name(), stateRoot.resolve("passthrough-" + run + ".log"));
    }

    private HealthConfig config(String prefix, String instance) throws Exception {
        return HealthConfig.load(Optional.empty(), Map.of(), settings(prefix, instance));
    }

    private Map<String, String> settings(String prefix, String instance) throws Exception {
        Path state = Files.createDirectories(stateRoot.resolve(instance));
        Map<String, String> p = new HashMap<>();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        p.put(HoldfastConfig.TOPIC_PREFIX, prefix);
        p.put(HoldfastConfig.TOPIC_PARTITIONS, Integer.toString(partitions));
        p.put(HoldfastConfig.HTTP_PORT, "0");
        p.put("state.dir", state.toString());
        p.put("num.stream.threads", "1");
        p.put("application.id", prefix + "holdfast-" + instance);
        return p;
    }
}
