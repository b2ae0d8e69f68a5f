package io.holdfast.connectors.scan.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the compacted checkpoint topic from its beginning to its end (as of the start of the read)
 * and keeps the last value of one key: the latest checkpoint this scanner committed. Reading to the
 * end, not just polling once, is what makes a resume start after the newest page rather than an
 * older one still ahead in the log.
 */
public final class CheckpointReader {

    private static final Logger log = LoggerFactory.getLogger(CheckpointReader.class);

    private CheckpointReader() {
    }

    /**
     * The latest checkpoint of {@code key}; empty when there is none, when the last one is a
     * tombstone, or when it cannot be read (logged: a new pass is then started, which is safe).
     */
    public static Optional<ScanCheckpoint> latest(Consumer<String, byte[]> consumer, String topic, String key, Duration timeout) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo p : consumer.partitionsFor(topic, timeout)) {
            partitions.add(new TopicPartition(topic, p.partition()));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
        byte[] latest = null;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!reached(consumer, end)) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("could not read " + topic + " to its end within " + timeout.toSeconds() + " s");
            }
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                if (key.equals(r.key())) {
                    latest = r.value();
                }
            }
        }
        if (latest == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(CheckpointCodec.decode(latest));
        } catch (IllegalArgumentException e) {
            log.warn("the checkpoint of {} on {} is unreadable ({}); starting a new pass", key, topic, e.getMessage());
            return Optional.empty();
        }
    }

    private static boolean reached(Consumer<String, byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
