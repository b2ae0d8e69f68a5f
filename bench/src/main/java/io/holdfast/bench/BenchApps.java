package io.holdfast.bench;

import io.holdfast.health.HealthApp;
import io.holdfast.health.HealthConfig;
import io.holdfast.reconciler.ReconcilerApp;
import io.holdfast.reconciler.ReconcilerConfig;
import io.holdfast.topology.app.AppContext;
import io.holdfast.topology.app.StreamsApp;
import io.holdfast.topology.catalog.Topic;
import io.holdfast.topology.catalog.TopicCatalog;
import io.holdfast.topology.catalog.TopicSettings;
import io.holdfast.topology.config.HoldfastConfig;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;

/**
 * The apps a benchmark runs, by name, each from a settings map (so that a child JVM can build the same
 * app): holdfast's two stream apps and their baselines, pass-through topologies reading the same input
 * topics with the same guarantee and writing the bytes unchanged to {@code <prefix>bench.passthrough}.
 */
public final class BenchApps {

    public static final String HEALTH = "health";
    public static final String HEALTH_PASS_THROUGH = "health-passthrough";
    public static final String RECONCILER = "reconciler";
    public static final String RECONCILER_PASS_THROUGH = "reconciler-passthrough";

    /** An app and the config it runs with. */
    public record Built(StreamsApp app, HoldfastConfig config) {
    }

    private BenchApps() {
    }

    public static Built build(String name, Map<String, String> settings) {
        return switch (name) {
            case HEALTH -> {
                HealthConfig config = HealthConfig.load(Optional.empty(), Map.of(), settings);
                yield new Built(new HealthApp(config), config);
            }
            case HEALTH_PASS_THROUGH -> {
                HealthConfig config = HealthConfig.load(Optional.empty(), Map.of(), settings);
                yield new Built(new PassThrough(config, c -> new String[] {c.volumeMetrics.name()}), config);
            }
            case RECONCILER -> {
                ReconcilerConfig config = ReconcilerConfig.load(Optional.empty(), Map.of(), settings);
                yield new Built(new ReconcilerApp(config), config);
            }
            case RECONCILER_PASS_THROUGH -> {
                ReconcilerConfig config = ReconcilerConfig.load(Optional.empty(), Map.of(), settings);
                yield new Built(new PassThrough(config, c -> new String[] {c.cdcRevisions.name(), c.cdcEntityHeads.name(),
                        c.snapshots.name()}), config);
            }
            default -> throw new IllegalArgumentException("no bench app named " + name);
        };
    }

    /** The baseline's output topic, created with the rest of the catalog. */
    public static Topic<byte[], byte[]> passThroughOutput(HoldfastConfig config) {
        return new Topic<>(config.getString(HoldfastConfig.TOPIC_PREFIX) + "bench.passthrough", Serdes.ByteArray(),
                Serdes.ByteArray(), TopicSettings.retained(config.getInt(HoldfastConfig.TOPIC_PARTITIONS), (short) -1,
                        Duration.ofDays(1)));
    }

    private interface Inputs {
        String[] of(TopicCatalog catalog);
    }

    /** The baseline: the inputs copied to one topic, bytes untouched. */
    private static final class PassThrough implements StreamsApp {
        private final HoldfastConfig config;
        private final Inputs inputs;

        PassThrough(HoldfastConfig config, Inputs inputs) {
            this.config = config;
            this.inputs = inputs;
        }

        @Override
        public String name() {
            return "passthrough";
        }

        @Override
        public Topology buildTopology(AppContext context) {
            Topology t = new Topology();
            t.addSource("bench-source", Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(),
                    inputs.of(context.catalog()));
            t.addSink("bench-sink", passThroughOutput(config).name(), Serdes.ByteArray().serializer(),
                    Serdes.ByteArray().serializer(), "bench-source");
            return t;
        }
    }
}
