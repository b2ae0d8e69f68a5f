package io.holdfast.connectors.binlog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads topics from their beginning to their current end, as a consumer of the binlog source's output would. */
final class CdcTopicsReader {

    static final ObjectMapper JSON = new ObjectMapper();

    /** One record as read; {@code value} null for a tombstone. */
    record Read(String topic, String key, String value) {
        JsonNode valueJson() {
            return parse(value);
        }

        JsonNode keyJson() {
            return parse(key);
        }

        /** The envelope: {@code payload} under the JsonConverter schema wrapper, else the value itself. */
        JsonNode payload() {
            JsonNode v = valueJson();
            return v.has("payload") && v.has("schema") ? v.get("payload") : v;
        }

        String op() {
            return value == null ? "" : payload().path("op").asText("");
        }
    }

    private final String bootstrapServers;

    CdcTopicsReader(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    List<Read> readAll(Collection<String> topics) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<Read> all = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                consumer.partitionsFor(topic, Duration.ofSeconds(30))
                        .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topics + " to its end");
                }
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    all.add(new Read(r.topic(), r.key(), r.value()));
                }
            }
        }
        return all;
    }

    /** Reads again and again until {@code done} holds for what was read; fails after {@code timeout}. */
    List<Read> awaitUntil(Collection<String> topics, Duration timeout, Predicate<List<Read>> done, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Read> read = readAll(topics);
        while (!done.test(read)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + "; read " + read.size() + " records");
            }
            Thread.sleep(250);
            read = readAll(topics);
        }
        return read;
    }

    static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
