package io.holdfast.connectors.binlog.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Whether the engine has stored offsets yet, read straight from the offsets topic. Kafka Connect keys an
 * offset by {@code [<engine name>, <source partition>]} (JSON), so a live value under a key that starts
 * with the engine's name means the engine ran before: its copy has been requested and is resumed from
 * those offsets, not requested again.
 */
public final class StoredOffsets {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private StoredOffsets() {}

    public static boolean exist(Map<String, String> clientSettings, String topic, String engineName) {
        Map<String, Object> props = new HashMap<>(clientSettings);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "holdfast-binlog-offsets-check");
        String keyStart = "[\"" + engineName + "\"";
        Map<String, Boolean> live = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, TIMEOUT).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp, TIMEOUT) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read the offsets topic " + topic + " to its end in "
                            + TIMEOUT.toSeconds() + " s");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    String key = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
                    if (key.startsWith(keyStart)) {
                        live.put(key, r.value() != null);
                    }
                }
            }
        }
        return live.containsValue(true);
    }
}
