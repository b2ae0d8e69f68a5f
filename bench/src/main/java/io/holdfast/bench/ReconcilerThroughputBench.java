package io.holdfast.bench;

import io.holdfast.embedded.EmbeddedKafka;
import io.holdfast.reconciler.ReconcilerApp;
import io.holdfast.reconciler.ReconcilerConfig;
import io.holdfast.reconciler.ReconcilerTopology;
import io.holdfast.schemas.SnapshotObject;
import io.holdfast.topology.app.AppContext;
import io.holdfast.topology.app.RunningApp;
import io.holdfast.topology.app.StreamsApp;
import io.holdfast.topology.catalog.Topic;
import io.holdfast.topology.catalog.TopicCatalog;
import io.holdfast.topology.catalog.TopicEnsurer;
import io.holdfast.topology.catalog.TopicSettings;
import io.holdfast.topology.config.HoldfastConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;

/**
 * Reconciler throughput on one stream thread under exactly_once_v2, on the embedded broker, next to a
 * pass-through Streams app (same three input topics, same guarantee, one thread) measured in the same
 * run. The input ({@link ReconcilerInput}) is written once; each run starts from the beginning with its
 * own application id and state dir, and its clock stops when its group has committed the whole of every
 * input topic and, for the reconciler, the end of its re-keying topic (the entity processor's input).
 */
public final class ReconcilerThroughputBench {

    /** Size of one RocksDB store on disk: its SST files, and everything in its directories. */
    public record StoreSize(long sstBytes, long allBytes, int directories) {
    }

    private final EmbeddedKafka kafka;
    private final int entities;
    private final int revisions;
    private final int partitions;
    private final Path stateRoot;
    private String prefix;
    private ReconcilerInput input;

    public ReconcilerThroughputBench(EmbeddedKafka kafka, int entities, int revisions, int partitions, Path stateRoot) {
        this.kafka = kafka;
        this.entities = entities;
        this.revisions = revisions;
        this.partitions = partitions;
        this.stateRoot = stateRoot;
    }

    public long events() {
        return input.events();
    }

    public String describeInput() {
        return String.format(Locale.ROOT, "%,d revision rows + %,d heads + %,d snapshot objects = %,d events",
                input.rows(), input.heads(), input.snapshots(), input.events());
    }

    /** Creates the topics and writes the input once. */
    public void prepare() throws Exception {
        prefix = "bench-" + System.nanoTime() + ".";
        ReconcilerConfig config = config("prepare");
        TopicCatalog catalog = new TopicCatalog(config);
        input = new ReconcilerInput(entities, revisions, catalog, config.getString(HoldfastConfig.SNAPSHOTS_BUCKET),
                config.getString(HoldfastConfig.SNAPSHOTS_PREFIX));
        try (Admin admin = kafka.admin()) {
            List<Topic<?, ?>> topics = new ArrayList<>(catalog.all());
            topics.add(catalog.deadLetter("passthrough"));
            topics.add(BenchApps.passThroughOutput(config));
            new TopicEnsurer(admin, Duration.ofSeconds(60)).ensure(topics);
        }
        var snapshotSerializer = catalog.snapshots.valueSerde().serializer();
        StringSerializer strings = new StringSerializer();
        AtomicLong failed = new AtomicLong();
        AtomicReference<Exception> firstFailure = new AtomicReference<>();
        Callback check = (meta, e) -> {
            if (e != null) {
                failed.incrementAndGet();
                firstFailure.compareAndSet(null, e);
            }
        };
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"), new ByteArraySerializer(), new ByteArraySerializer())) {
            // No partition given: the default partitioner hashes the key bytes, as it does for Debezium's records.
            String revisionsTopic = catalog.cdcRevisions.name();
            String headsTopic = catalog.cdcEntityHeads.name();
            String snapshotsTopic = catalog.snapshots.name();
            // Record times in the recent past, 1 ms apart: within retention, and not in the future.
            long start = System.currentTimeMillis() - input.events() - 60_000;
            input.generate(start, new ReconcilerInput.Sink() {
                @Override
                public void revision(String key, String envelope, long timestamp) {
                    send(revisionsTopic, strings.serialize(revisionsTopic, key), strings.serialize(revisionsTopic, envelope), timestamp);
                }

                @Override
                public void head(String key, String envelope, long timestamp) {
                    send(headsTopic, strings.serialize(headsTopic, key), strings.serialize(headsTopic, envelope), timestamp);
                }

                @Override
                public void snapshot(String key, SnapshotObject object, long timestamp) {
                    send(snapshotsTopic, strings.serialize(snapshotsTopic, key),
                            snapshotSerializer.serialize(snapshotsTopic, object), timestamp);
                }

                private void send(String topic, byte[] key, byte[] value, long timestamp) {
                    producer.send(new ProducerRecord<>(topic, null, timestamp, key, value), check);
                }
            });
            producer.flush();
        }
        if (failed.get() > 0) {
            throw new IllegalStateException(failed.get() + " input records were not acknowledged", firstFailure.get());
        }
        try (Admin admin = kafka.admin()) {
            long written = 0;
            for (String topic : inputTopics(catalog)) {
                written += GroupOffsets.end(admin, topic);
            }
            if (written != input.events()) {
                throw new IllegalStateException("the input topics hold " + written + " records, not " + input.events());
            }
        }
    }

    public Run runReconciler(int run) throws Exception {
        Map<String, String> settings = settings("reconciler-" + run);
        TopicCatalog catalog = new TopicCatalog(ReconcilerConfig.load(Optional.empty(), Map.of(), settings));
        String byEntity = catalog.reconcilerByEntity.name();
        try (Admin admin = kafka.admin()) {
            // The re-keying topics are the catalog's, shared by every run: drop what earlier runs wrote there,
            // or this run's entity processor would read it again. (state.workflow is compacted and keeps the
            // few workflow records of the previous run; they only say that the copy is done.)
            forget(admin, byEntity);
            forget(admin, catalog.reconcilerProgress.name());
        }
        return TimedApp.run(kafka, BenchApps.RECONCILER, settings, input.events(),
                (admin, group) -> inputCommitted(admin, group, catalog)
                        && GroupOffsets.committed(admin, group, byEntity) >= GroupOffsets.end(admin, byEntity),
                catalog.deadLetter("reconciler").name(), stateRoot.resolve("reconciler-" + run + ".log"));
    }

    public Run runPassThrough(int run) throws Exception {
        Map<String, String> settings = settings("passthrough-" + run);
        TopicCatalog catalog = new TopicCatalog(ReconcilerConfig.load(Optional.empty(), Map.of(), settings));
        return TimedApp.run(kafka, BenchApps.RECONCILER_PASS_THROUGH, settings, input.events(),
                (admin, group) -> inputCommitted(admin, group, catalog), catalog.deadLetter("passthrough").name(),
                stateRoot.resolve("passthrough-" + run + ".log"));
    }

    /**
     * The {@code reconciler-entities} store of reconciler run {@code run}, measured on disk after the app
     * closed (its memtables flushed): every {@code <state dir>/<application id>/<task>/rocksdb/reconciler-entities}.
     */
    public StoreSize entityStore(int run) throws IOException {
        long sst = 0;
        long all = 0;
        int dirs = 0;
        try (Stream<Path> paths = Files.walk(stateRoot.resolve("reconciler-" + run))) {
            for (Path dir : paths.filter(p -> Files.isDirectory(p) && p.getFileName().toString().equals(ReconcilerTopology.ENTITIES_STORE)
                    && p.getParent().getFileName().toString().equals("rocksdb")).toList()) {
                dirs++;
                try (Stream<Path> files = Files.walk(dir)) {
                    for (Path f : files.filter(Files::isRegularFile).toList()) {
                        long size = Files.size(f);
                        all += size;
                        sst += f.getFileName().toString().endsWith(".sst") ? size : 0;
                    }
                }
            }
        }
        return new StoreSize(sst, all, dirs);
    }

    private static boolean inputCommitted(Admin admin, String group, TopicCatalog catalog) throws Exception {
        for (String topic : inputTopics(catalog)) {
            if (GroupOffsets.committed(admin, group, topic) < GroupOffsets.end(admin, topic)) {
                return false;
            }
        }
        return true;
    }

    private static List<String> inputTopics(TopicCatalog catalog) {
        return List.of(catalog.cdcRevisions.name(), catalog.cdcEntityHeads.name(), catalog.snapshots.name());
    }

    private static void forget(Admin admin, String topic) throws Exception {
        Map<TopicPartition, RecordsToDelete> request = new HashMap<>();
        GroupOffsets.ends(admin, topic).forEach((partition, end) -> request.put(partition, RecordsToDelete.beforeOffset(end)));
        admin.deleteRecords(request).all().get();
    }

    private ReconcilerConfig config(String instance) throws IOException {
        return ReconcilerConfig.load(Optional.empty(), Map.of(), settings(instance));
    }

    private Map<String, String> settings(String instance) throws IOException {
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
