package io.holdfast.bench;

import io.holdfast.schemas.ReconcileCommand;
import io.holdfast.schemas.ReconcileCommandType;
import io.holdfast.schemas.SnapshotObject;
import io.holdfast.topology.catalog.TopicCatalog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Watches {@code s3.snapshots} and {@code commands.reconcile} from their current ends, as a
 * read_committed consumer (a command counts once its transaction committed, as the executor sees it),
 * and keeps, per snapshot key {@code <entity>/<revision>}, the first arrival of its inventory record and
 * of its ReplaySnapshot. Arrival is this process's wall clock when the poll returned the record: the
 * same clock as the writer's put times.
 */
final class RepairWatch implements AutoCloseable {

    /** First inventory record of a snapshot: when it arrived, and the scanner's read time in it. */
    record Inventory(long arrivalMs, long scanTimeMs) {}

    /** First ReplaySnapshot of a snapshot: when it arrived, and the reconciler's decision time in it. */
    record Replay(long arrivalMs, long decidedMs) {}

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String snapshotsTopic;
    private final String commandsTopic;
    private final Deserializer<SnapshotObject> snapshots;
    private final Deserializer<ReconcileCommand> commands;
    private final Map<String, Inventory> inventory = new ConcurrentHashMap<>();
    private final Map<String, Replay> replays = new ConcurrentHashMap<>();
    private final Map<String, Integer> replayAttempts = new ConcurrentHashMap<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean stopping;

    RepairWatch(String bootstrapServers, TopicCatalog catalog) {
        Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Bounds how late an idle poll can notice a record: the arrival times are this process's observations.
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "bench-repair-watch");
        consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        snapshotsTopic = catalog.snapshots.name();
        commandsTopic = catalog.reconcileCommands.name();
        snapshots = catalog.snapshots.valueSerde().deserializer();
        commands = catalog.reconcileCommands.valueSerde().deserializer();
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(snapshotsTopic, commandsTopic)) {
            consumer.partitionsFor(topic, Duration.ofSeconds(30)).forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        // seekToEnd is lazy: resolve it now, so that nothing written after this constructor returns is missed.
        partitions.forEach(tp -> consumer.position(tp, Duration.ofSeconds(30)));
        thread = new Thread(this::run, "bench-repair-watch");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (!stopping) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    long now = System.currentTimeMillis();
                    if (r.topic().equals(snapshotsTopic)) {
                        SnapshotObject s = snapshots.deserialize(r.topic(), r.headers(), r.value());
                        inventory.putIfAbsent(key(s.getEntityId(), s.getRevision()),
                                new Inventory(now, s.getScanTime().toEpochMilli()));
                    } else {
                        ReconcileCommand c = commands.deserialize(r.topic(), r.headers(), r.value());
                        if (c.getType() == ReconcileCommandType.REPLAY_SNAPSHOT) {
                            String key = key(c.getEntityId(), c.getRevision());
                            replays.putIfAbsent(key, new Replay(now, c.getDecidedTime().toEpochMilli()));
                            replayAttempts.merge(key, 1, Integer::sum);
                        }
                    }
                }
            }
        } catch (WakeupException e) {
            // close() asked
        } catch (RuntimeException e) {
            failure.set(e);
        }
    }

    static String key(String entity, long revision) {
        return entity + "/" + revision;
    }

    Optional<Inventory> inventory(String key) {
        return Optional.ofNullable(inventory.get(key));
    }

    Optional<Replay> replay(String key) {
        return Optional.ofNullable(replays.get(key));
    }

    /** ReplaySnapshot commands seen for {@code key}, attempts after the first included. */
    int replayCommands(String key) {
        return replayAttempts.getOrDefault(key, 0);
    }

    /** Snapshot keys not in {@code planted} whose first ReplaySnapshot arrived within [{@code fromMs}, {@code toMs}). */
    List<String> replaysOtherThan(Set<String> planted, long fromMs, long toMs) {
        return replays.entrySet().stream()
                .filter(e -> !planted.contains(e.getKey()) && e.getValue().arrivalMs() >= fromMs && e.getValue().arrivalMs() < toMs)
                .map(Map.Entry::getKey).sorted().toList();
    }

    Optional<Throwable> failure() {
        return Optional.ofNullable(failure.get());
    }

    @Override
    public void close() {
        stopping = true;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumer.close();
    }
}
