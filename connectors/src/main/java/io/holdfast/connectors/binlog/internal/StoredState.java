package io.holdfast.connectors.binlog.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What a previous run left in Kafka, read at start to decide whether a copy must be requested: the
 * engine's stored offsets, and the copies it reported on the notifications topic.
 */
public final class StoredState {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, String> clientSettings;

    public StoredState(Map<String, String> clientSettings) {
        this.clientSettings = Map.copyOf(clientSettings);
    }

    /**
     * Kafka Connect keys an offset by {@code [<engine name>, <source partition>]} (JSON): a live value under
     * a key that starts with the engine's name means the engine ran before.
     */
    public boolean offsetsExist(String offsetsTopic, String engineName) {
        String keyStart = "[\"" + engineName + "\"";
        Map<String, Boolean> live = new HashMap<>();
        readToEnd(offsetsTopic, (key, value) -> {
            String k = key == null ? "" : new String(key, StandardCharsets.UTF_8);
            if (k.startsWith(keyStart)) {
                live.put(k, value != null);
            }
        });
        return live.containsValue(true);
    }

    /**
     * True when Debezium reported the start of an incremental snapshot (a copy) on the notifications topic:
     * the copy was requested and is either done or held in the offsets, to be resumed.
     */
    public boolean copyStarted(String notificationsTopic) {
        boolean[] started = {false};
        readToEnd(notificationsTopic, (key, value) -> {
            if (value != null && !started[0]) {
                JsonNode n = payload(value);
                started[0] = "Incremental Snapshot".equals(n.path("aggregate_type").asText())
                        && "STARTED".equals(n.path("type").asText());
            }
        });
        return started[0];
    }

    private static JsonNode payload(byte[] value) {
        try {
            JsonNode v = JSON.readTree(value);
            return v.has("schema") && v.has("payload") ? v.get("payload") : v;
        } catch (IOException e) {
            return JSON.missingNode();
        }
    }

    /** Every record of {@code topic} from its beginning to its end at the time of the call. */
    private void readToEnd(String topic, BiConsumer<byte[], byte[]> each) {
        Map<String, Object> props = new HashMap<>(clientSettings);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "holdfast-binlog-state-check");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, TIMEOUT).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp, TIMEOUT) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end in " + TIMEOUT.toSeconds() + " s");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    each.accept(r.key(), r.value());
                }
            }
        }
    }
}
