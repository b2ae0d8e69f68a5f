package io.holdfast.bench;

import io.holdfast.reconciler.ReconcilerApp;
import io.holdfast.reconciler.ReconcilerConfig;
import io.holdfast.schemas.SnapshotObject;
import io.holdfast.topology.app.AppContext;
import io.holdfast.topology.app.StreamsDefaults;
import io.holdfast.topology.catalog.TopicCatalog;
import io.holdfast.topology.config.HoldfastConfig;
import io.holdfast.topology.errors.DeadLetterMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * The reconciler benchmark's input ({@link ReconcilerInput}) piped through Kafka's
 * {@link TopologyTestDriver}, timed.
 *
 * <p><b>TopologyTestDriver checks logic; it is no throughput gauge</b> (DESIGN section 2: the same
 * stateful processor ran at about 56k records/s there against 103-130k on the broker). It runs every
 * record synchronously in the caller's thread, through the re-keying topic one record at a time, with
 * no broker, no batching, no transactions and wall-clock time standing still (so no grace ever ends and
 * the orphans are never replayed). Its figure is printed next to {@link ReconcilerThroughputBench}'s
 * so that nobody quotes it as the app's throughput; it is useful to profile the processors without a
 * broker. The timed pass includes generating the input; {@link #generationSeconds} is that cost alone.
 */
public final class ReconcilerDriverThroughput {

    /** Records re-keyed through the driver are also kept as its output: read them off every so often. */
    private static final int DRAIN_EVERY = 50_000;

    private final int entities;
    private final int revisions;
    private final Path stateRoot;

    public ReconcilerDriverThroughput(int entities, int revisions, Path stateRoot) {
        this.entities = entities;
        this.revisions = revisions;
        this.stateRoot = stateRoot;
    }

    /** Seconds it takes to generate the input into a sink that drops it. */
    public double generationSeconds() {
        ReconcilerInput input = input(config());
        long began = System.nanoTime();
        input.generate(0, new ReconcilerInput.Sink() {
            @Override
            public void revision(String key, String envelope, long timestamp) {
            }

            @Override
            public void head(String key, String envelope, long timestamp) {
            }

            @Override
            public void snapshot(String key, SnapshotObject object, long timestamp) {
            }
        });
        return (System.nanoTime() - began) / 1e9;
    }

    public Run run(int run) throws IOException {
        ReconcilerConfig config = config();
        TopicCatalog catalog = new TopicCatalog(config);
        ReconcilerInput input = input(config);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Topology topology = new ReconcilerApp(config).buildTopology(new AppContext("holdfast-reconciler", config, catalog, registry));
        Properties props = new Properties();
        props.putAll(StreamsDefaults.productionDefaults("reconciler", config, catalog));
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createDirectories(stateRoot.resolve("driver-" + run)).toString());
        props.put(DeadLetterMetrics.CONFIG_KEY, new DeadLetterMetrics(registry, "reconciler"));
        // Wall-clock time after the last record time: the app refuses nothing, and it stands still.
        long start = System.currentTimeMillis() - input.events() - 60_000;
        long began = System.nanoTime();
        try (TopologyTestDriver driver = new TopologyTestDriver(topology, props, Instant.ofEpochMilli(start + input.events() + 1))) {
            StringSerializer strings = new StringSerializer();
            TestInputTopic<String, String> revisionsIn = driver.createInputTopic(catalog.cdcRevisions.name(), strings, strings);
            TestInputTopic<String, String> headsIn = driver.createInputTopic(catalog.cdcEntityHeads.name(), strings, strings);
            TestInputTopic<String, SnapshotObject> snapshotsIn = driver.createInputTopic(catalog.snapshots.name(), strings,
                    catalog.snapshots.valueSerde().serializer());
            ByteArrayDeserializer bytes = new ByteArrayDeserializer();
            TestOutputTopic<byte[], byte[]> byEntity = driver.createOutputTopic(catalog.reconcilerByEntity.name(), bytes, bytes);
            TestOutputTopic<byte[], byte[]> deadLetters = driver.createOutputTopic(catalog.deadLetter("reconciler").name(),
                    bytes, bytes);
            long[] piped = {0};
            input.generate(start, new ReconcilerInput.Sink() {
                @Override
                public void revision(String key, String envelope, long timestamp) {
                    revisionsIn.pipeInput(key, envelope, timestamp);
                    piped();
                }

                @Override
                public void head(String key, String envelope, long timestamp) {
                    headsIn.pipeInput(key, envelope, timestamp);
                    piped();
                }

                @Override
                public void snapshot(String key, SnapshotObject object, long timestamp) {
                    snapshotsIn.pipeInput(key, object, timestamp);
                    piped();
                }

                private void piped() {
                    if (++piped[0] % DRAIN_EVERY == 0) {
                        byEntity.readRecordsToList();
                    }
                }
            });
            double seconds = (System.nanoTime() - began) / 1e9;
            if (!deadLetters.isEmpty()) {
                throw new IllegalStateException(deadLetters.getQueueSize() + " input records went to the dead-letter topic");
            }
            return new Run(input.events(), seconds);
        }
    }

    private ReconcilerConfig config() {
        return ReconcilerConfig.load(Optional.empty(), Map.of(), Map.of(HoldfastConfig.HTTP_PORT, "0"));
    }

    private ReconcilerInput input(ReconcilerConfig config) {
        return new ReconcilerInput(entities, revisions, new TopicCatalog(config), config.getString(HoldfastConfig.SNAPSHOTS_BUCKET),
                config.getString(HoldfastConfig.SNAPSHOTS_PREFIX));
    }
}
