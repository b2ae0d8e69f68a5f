package io.holdfast.topology.catalog;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;

/**
 * How a topic is created: partitions, replication factor and the topic-level configs holdfast
 * cares about (cleanup policy, retention). {@code replicationFactor} -1 means the broker's default.
 */
public record TopicSettings(int partitions, short replicationFactor, Map<String, String> configs) {

    public TopicSettings {
        configs = Map.copyOf(configs);
    }

    /** Log compaction: the latest value per key is kept (state and topology topics). */
    public static TopicSettings compacted(int partitions, short replicationFactor) {
        return new TopicSettings(partitions, replicationFactor, Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
    }

    /** Time-based retention (event, command and audit topics). */
    public static TopicSettings retained(int partitions, short replicationFactor, Duration retention) {
        return new TopicSettings(partitions, replicationFactor, Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.RETENTION_MS_CONFIG, Long.toString(retention.toMillis())));
    }

    /** Nothing ever deleted (a history that must be replayed from its start, like Debezium's schema history). */
    public static TopicSettings retainedForever(int partitions, short replicationFactor) {
        return new TopicSettings(partitions, replicationFactor, Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.RETENTION_MS_CONFIG, "-1",
                TopicConfig.RETENTION_BYTES_CONFIG, "-1"));
    }

    public TopicSettings with(String key, String value) {
        Map<String, String> copy = new LinkedHashMap<>(configs);
        copy.put(key, value);
        return new TopicSettings(partitions, replicationFactor, copy);
    }
}
