package io.holdfast.topology.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/** Producing and reading back in tests, with every send acknowledged and reads read_committed. */
public final class KafkaTestClients {

    private KafkaTestClients() {}

    /** Sends each record and waits for its acknowledgement: a lost record fails the test, never passes it. */
    public static <K, V> void produce(String bootstrap, List<ProducerRecord<K, V>> records,
                                      Serializer<K> keySerializer, Serializer<V> valueSerializer) {
        produce(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), records, keySerializer, valueSerializer);
    }

    /** {@link #produce(String, List, Serializer, Serializer)} with client settings, e.g. a secured listener's. */
    public static <K, V> void produce(Map<String, Object> client, List<ProducerRecord<K, V>> records,
                                      Serializer<K> keySerializer, Serializer<V> valueSerializer) {
        Map<String, Object> props = new HashMap<>(client);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        try (KafkaProducer<K, V> producer = new KafkaProducer<>(props, keySerializer, valueSerializer)) {
            for (ProducerRecord<K, V> record : records) {
                producer.send(record).get(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("send not acknowledged: " + e, e);
        }
    }

    /**
     * Reads {@code topic} from the beginning with {@code read_committed} until {@code expected}
     * records arrived or {@code timeout} passed, and returns what arrived.
     */
    public static <K, V> List<ConsumerRecord<K, V>> readCommitted(String bootstrap, String topic, int expected,
                                                                 Duration timeout, Deserializer<K> keyDeserializer,
                                                                 Deserializer<V> valueDeserializer) {
        return readCommitted(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), topic, expected, timeout,
                keyDeserializer, valueDeserializer);
    }

    /** {@link #readCommitted(String, String, int, Duration, Deserializer, Deserializer)} with client settings. */
    public static <K, V> List<ConsumerRecord<K, V>> readCommitted(Map<String, Object> client, String topic, int expected,
                                                                 Duration timeout, Deserializer<K> keyDeserializer,
                                                                 Deserializer<V> valueDeserializer) {
        List<ConsumerRecord<K, V>> records = new ArrayList<>();
        Map<String, Object> props = new HashMap<>(client);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(props, keyDeserializer, valueDeserializer)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    /** Assigns every partition of {@code topics} to {@code consumer}, from the beginning; returns them. */
    public static List<TopicPartition> assignAllFromBeginning(Consumer<?, ?> consumer, String... topics) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return partitions;
    }

    /**
     * Hands every record of {@code topic} to {@code each}, read_committed, from the beginning to the end offsets
     * as they were when it started; fails if that takes longer than a minute.
     */
    public static <K, V> void readToEnd(String bootstrap, String topic, Deserializer<K> keyDeserializer,
                                        Deserializer<V> valueDeserializer, java.util.function.Consumer<ConsumerRecord<K, V>> each) {
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), keyDeserializer, valueDeserializer)) {
            List<TopicPartition> partitions = assignAllFromBeginning(consumer, topic);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end " + end + " within a minute");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(each);
            }
        }
    }
}
