package io.holdfast.topology.app;

import io.holdfast.schemas.MetricSource;
import io.holdfast.schemas.VolumeMetric;
import io.holdfast.topology.catalog.TopicCatalog;
import io.holdfast.topology.catalog.TopicEnsurer;
import io.holdfast.topology.config.HoldfastConfig;
import io.holdfast.embedded.EmbeddedKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;

/** Config and data for integration tests of the runtime against the embedded broker. */
final class RuntimeTestSupport {

    private RuntimeTestSupport() {}

    static HoldfastConfig config(EmbeddedKafka kafka, String topicPrefix, Path stateDir, Map<String, String> extra) {
        Map<String, String> overrides = new HashMap<>(Map.of(
                "bootstrap.servers", kafka.bootstrapServers(),
                "state.dir", stateDir.toString(),
                HoldfastConfig.TOPIC_PREFIX, topicPrefix,
                HoldfastConfig.TOPIC_PARTITIONS, "2",
                HoldfastConfig.HTTP_PORT, "0",
                HoldfastConfig.HTTP_BIND_ADDRESS, "127.0.0.1",
                HoldfastConfig.SHUTDOWN_TIMEOUT_MS, "20000",
                // Faster commits and rebalances than production: the tests wait on them.
                "commit.interval.ms", "100"));
        overrides.putAll(extra);
        return HoldfastConfig.load(Optional.empty(), Map.of(), overrides);
    }

    static void ensureTopics(EmbeddedKafka kafka, HoldfastConfig config, String... deadLetterOwners) throws InterruptedException {
        TopicCatalog catalog = new TopicCatalog(config);
        try (Admin admin = kafka.admin()) {
            var topics = new java.util.ArrayList<>(catalog.all());
            for (String owner : deadLetterOwners) {
                topics.add(catalog.deadLetter(owner));
            }
            new TopicEnsurer(admin, Duration.ofSeconds(30)).ensure(topics);
        }
    }

    static VolumeMetric metric(String volume, double readLatencyUs, long eventMillis) {
        return VolumeMetric.newBuilder()
                .setVolumeId(volume)
                .setPeerGroup("node-1")
                .setEventTime(Instant.ofEpochMilli(eventMillis))
                .setSamplePeriodMs(1_000)
                .setReadLatencyUs(readLatencyUs)
                .setSource(MetricSource.SIMULATOR)
                .build();
    }
}
