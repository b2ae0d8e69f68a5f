package io.holdfast.connectors.commands;

import io.holdfast.schemas.CommandKind;
import io.holdfast.schemas.CommandOutcome;
import io.holdfast.schemas.CommandResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command ids of one {@link CommandKind} that already have a result, learnt by reading
 * {@code commands.results} (read_committed) to its end, and kept up to date with the results this
 * process publishes. It is what makes execution idempotent on {@code command_id} across restarts: a
 * command whose id is here is not executed again; its earlier result is published again. Results of
 * other kinds share the topic and are skipped: ids are unique per kind only.
 */
public final class ResultsIndex {

    private static final Logger log = LoggerFactory.getLogger(ResultsIndex.class);

    private final Consumer<byte[], byte[]> consumer;
    private final String topic;
    private final Deserializer<CommandResult> values;
    private final CommandKind kind;
    private final Map<String, CommandResult> byCommandId = new ConcurrentHashMap<>();
    private List<TopicPartition> partitions;
    private long unreadable;

    /** {@code consumer} must read committed records only and belong to no group (it is assigned every partition). */
    public ResultsIndex(Consumer<byte[], byte[]> consumer, String topic, Deserializer<CommandResult> values, CommandKind kind) {
        this.consumer = consumer;
        this.topic = topic;
        this.values = values;
        this.kind = kind;
    }

    /**
     * Reads what was published since the last call (everything, the first time) up to the end the
     * topic had when called.
     *
     * @throws IllegalStateException if the end is not reached within {@code timeout}
     */
    public void catchUp(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (partitions == null) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("Topic " + topic + " does not exist: create holdfast's topics with `holdfast topics ensure`");
            }
            partitions = new ArrayList<>();
            infos.forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
        int before = byCommandId.size();
        while (!reached(end)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Could not read " + topic + " to its end within " + timeout.toSeconds()
                        + " s: the executed command ids are unknown, so no command can be executed safely");
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                remember(record);
            }
        }
        log.info("{} {} command results known after reading {} ({} new{})", byCommandId.size(), kind, topic, byCommandId.size() - before,
                unreadable > 0 ? ", " + unreadable + " unreadable records skipped" : "");
    }

    private boolean reached(Map<TopicPartition, Long> end) {
        for (TopicPartition partition : partitions) {
            if (consumer.position(partition) < end.getOrDefault(partition, 0L)) {
                return false;
            }
        }
        return true;
    }

    private void remember(ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null) {
            return;
        }
        CommandResult result;
        try {
            result = values.deserialize(record.topic(), record.value());
        } catch (RuntimeException e) {
            // Someone else's bad record: it cannot be one of ours, so it tells nothing about what was executed.
            unreadable++;
            return;
        }
        if (result != null && result.getCommandKind() == kind) {
            put(result);
        }
    }

    public Optional<CommandResult> get(String commandId) {
        return Optional.ofNullable(byCommandId.get(commandId));
    }

    /**
     * Remembers {@code result}. A DUPLICATE answer never replaces the result it repeats: the execution
     * itself is what a later duplicate is told about.
     */
    public void put(CommandResult result) {
        if (result.getOutcome() == CommandOutcome.DUPLICATE) {
            byCommandId.putIfAbsent(result.getCommandId(), result);
        } else {
            byCommandId.put(result.getCommandId(), result);
        }
    }

    public int size() {
        return byCommandId.size();
    }

    public void close() {
        consumer.close();
    }
}
