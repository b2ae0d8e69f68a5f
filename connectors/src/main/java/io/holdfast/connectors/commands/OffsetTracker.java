package io.holdfast.connectors.commands;

import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which received records are done (their result or dead letter acknowledged by the cluster), so that
 * only an unbroken run of done records is ever committed: records finish out of order (shards run in
 * parallel), and a committed offset must never skip a record that is still running.
 */
public final class OffsetTracker {

    private final Map<TopicPartition, TreeMap<Long, Boolean>> received = new HashMap<>();

    public synchronized void received(TopicPartition partition, long offset) {
        received.computeIfAbsent(partition, p -> new TreeMap<>()).put(offset, false);
    }

    public synchronized void done(TopicPartition partition, long offset) {
        TreeMap<Long, Boolean> offsets = received.get(partition);
        if (offsets != null && offsets.containsKey(offset)) {
            offsets.put(offset, true);
        }
    }

    /**
     * The offsets to commit now (one past the last record of each unbroken done run), forgetting
     * those records; empty for partitions with nothing new.
     */
    public synchronized Map<TopicPartition, OffsetAndMetadata> takeCommittable() {
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        for (Map.Entry<TopicPartition, TreeMap<Long, Boolean>> e : received.entrySet()) {
            long last = -1;
            for (Iterator<Map.Entry<Long, Boolean>> it = e.getValue().entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<Long, Boolean> offset = it.next();
                if (!offset.getValue()) {
                    break;
                }
                last = offset.getKey();
                it.remove();
            }
            if (last >= 0) {
                commit.put(e.getKey(), new OffsetAndMetadata(last + 1));
            }
        }
        return commit;
    }

    /** Records of {@code partitions} still running. */
    public synchronized int undone(Collection<TopicPartition> partitions) {
        int count = 0;
        for (TopicPartition partition : partitions) {
            TreeMap<Long, Boolean> offsets = received.get(partition);
            if (offsets != null) {
                count += (int) offsets.values().stream().filter(done -> !done).count();
            }
        }
        return count;
    }

    public synchronized int undone() {
        return undone(received.keySet());
    }

    public synchronized void forget(Collection<TopicPartition> partitions) {
        partitions.forEach(received::remove);
    }
}
