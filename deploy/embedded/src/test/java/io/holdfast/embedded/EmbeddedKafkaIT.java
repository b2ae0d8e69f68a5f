package io.holdfast.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.embedded.junit.EmbeddedStackExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.nio.file.Path;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(EmbeddedStackExtension.class)
class EmbeddedKafkaIT {

    @Test
    void brokerStoresAndServesRecordsOnLoopbackOnly(EmbeddedKafka kafka) throws Exception {
        kafka.createTopic("embedded-kafka-it", 3);
        List<String> sent = produce(kafka, "embedded-kafka-it", 30);

        assertEquals(sent, consumeValues(kafka, "embedded-kafka-it", 3, sent.size()));
        List<String> listening = ListeningSockets.addressesListeningOn(kafka.brokerPort());
        assertFalse(listening.isEmpty(), "nothing listens on the broker port");
        assertTrue(listening.stream().allMatch(ListeningSockets::isLoopback), "broker listens beyond loopback: " + listening);
    }

    @Test
    void brokerKilledAndRestartedKeepsItsData(@TempDir Path dir) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafka.Options.in(dir))) {
            kafka.createTopic("survives-kill", 1);
            List<String> sent = produce(kafka, "survives-kill", 10);
            long firstPid = kafka.pid();

            kafka.kill();
            assertFalse(ProcessHandle.of(firstPid).map(ProcessHandle::isAlive).orElse(false), "broker still alive after kill");
            kafka.start();

            assertTrue(kafka.pid() > 0 && kafka.pid() != firstPid);
            assertEquals(sent, consumeValues(kafka, "survives-kill", 1, sent.size()));
        }
    }

    private static List<String> produce(EmbeddedKafka kafka, String topic, int count) throws Exception {
        List<String> sent = new ArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < count; i++) {
                String value = "value-" + i;
                // Every send is checked: a record the broker did not acknowledge fails the test.
                producer.send(new ProducerRecord<>(topic, 0, "key-" + i, value)).get();
                sent.add(value);
            }
        }
        return sent;
    }

    private static List<String> consumeValues(EmbeddedKafka kafka, String topic, int partitions, int expected) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> assigned = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                assigned.add(new TopicPartition(topic, p));
            }
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
        }
        return values;
    }
}
