package io.holdfast.launcher.scenario;

import io.holdfast.connectors.scan.internal.CheckpointCodec;
import io.holdfast.connectors.scan.internal.ScanCheckpoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The durable checkpoints the components resume from, read where they are kept: the binlog source's
 * last flushed offset and the scanner's last page checkpoint (each the latest record of its compacted
 * topic), and the offsets a consumer group (a stream app, an executor) committed.
 */
final class Checkpoints implements AutoCloseable {

    /**
     * A checkpoint as shown, a number that only grows while the component makes progress, and the unit of work
     * it is inside of (a scan pass not yet finished), or null.
     */
    record Checkpoint(String shown, long progress, String openWork) {
        Checkpoint(String shown, long progress) {
            this(shown, progress, null);
        }
    }

    private final Map<String, Object> kafka;
    private final Admin admin;

    Checkpoints(Map<String, Object> kafka) {
        this.kafka = kafka;
        this.admin = Admin.create(kafka);
    }

    /** The latest record of a single-writer checkpoint topic (every partition's last record; the newest wins). */
    byte[] latest(String topic) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic, Duration.ofSeconds(30)).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, Duration.ofSeconds(30));
            int expected = 0;
            for (TopicPartition p : partitions) {
                // A few records back: a transaction marker can take the last offset.
                consumer.seek(p, Math.max(begin.get(p), end.get(p) - 10));
                expected += end.get(p) > begin.get(p) ? 1 : 0;
            }
            ConsumerRecord<byte[], byte[]> newest = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (expected > 0 && System.nanoTime() < deadline && partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() != null && (newest == null || r.timestamp() >= newest.timestamp())) {
                        newest = r;
                    }
                }
            }
            return newest == null ? null : newest.value();
        }
    }

    /** The binlog source's last flushed offset (Debezium's own JSON), its binlog position as progress. */
    Checkpoint binlog(String offsetsTopic) {
        byte[] value = latest(offsetsTopic);
        if (value == null) {
            return new Checkpoint("none", -1);
        }
        String json = new String(value, java.nio.charset.StandardCharsets.UTF_8);
        long pos = -1;
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"pos\":(\\d+)").matcher(json);
        if (m.find()) {
            pos = Long.parseLong(m.group(1));
        }
        java.util.regex.Matcher gtid = java.util.regex.Pattern.compile("\"gtids\":\"([^\"]*)\"").matcher(json);
        return new Checkpoint((gtid.find() ? "GTID " + gtid.group(1) + ", " : "") + "binlog pos " + pos, pos);
    }

    /** The scanner's last page checkpoint: pass, last key, objects listed. */
    Checkpoint scanner(String checkpointsTopic) {
        byte[] value = latest(checkpointsTopic);
        if (value == null) {
            return new Checkpoint("none", -1);
        }
        ScanCheckpoint c = CheckpointCodec.decode(value);
        return new Checkpoint("pass " + c.passId() + " after " + c.objectsListed() + " objects (last key " + c.lastKey() + ")"
                + (c.finished() ? ", pass finished" : ""), c.passStartedMs() * 1_000_000L + c.objectsListed(),
                c.finished() ? null : "pass " + c.passId());
    }

    /** The offsets a consumer group committed, per topic, their sum as progress. */
    Checkpoint group(String groupId, String... topics) throws InterruptedException {
        try {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS);
            Map<String, Long> byTopic = new TreeMap<>();
            for (Map.Entry<TopicPartition, OffsetAndMetadata> e : offsets.entrySet()) {
                if (e.getValue() != null && List.of(topics).contains(e.getKey().topic())) {
                    byTopic.merge(e.getKey().topic(), e.getValue().offset(), Long::sum);
                }
            }
            long sum = byTopic.values().stream().mapToLong(Long::longValue).sum();
            return new Checkpoint(byTopic.isEmpty() ? "no offsets committed" : "committed " + byTopic, byTopic.isEmpty() ? -1 : sum);
        } catch (ExecutionException | TimeoutException e) {
            return new Checkpoint("unreadable: " + e.getMessage(), -1);
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
