package io.holdfast.connectors.fleet;

import io.holdfast.connectors.fleet.internal.CommandResults;
import io.holdfast.schemas.CommandResult;
import io.holdfast.schemas.FleetCommand;
import io.holdfast.topology.catalog.TopicCatalog;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A {@link FleetCommandRunner} around a real executor, on Kafka's mock clients: commands go in as
 * records of {@code commands.fleet}, results come out of the producer's history. For tests of an
 * executor's behaviour as the runner drives it (e.g. what a duplicate command id costs).
 */
final class RunnerOnMockClients implements AutoCloseable {

    static final TopicCatalog CATALOG = new TopicCatalog("", 1, (short) 1, Map.of(), TopicCatalog.CdcTopics.DEFAULT);
    private static final TopicPartition COMMANDS = new TopicPartition(CATALOG.fleetCommands.name(), 0);
    private static final TopicPartition RESULTS = new TopicPartition(CATALOG.commandResults.name(), 0);
    private static final FleetCommandRunner.Settings SETTINGS = new FleetCommandRunner.Settings("g", 4, 3, Duration.ofMillis(5),
            Duration.ofMillis(20), Duration.ofSeconds(5), Duration.ofSeconds(5));

    /** Keeps the last committed offset where a test can read it after the runner closed the consumer. */
    private static final class CommandsConsumer extends MockConsumer<byte[], byte[]> {
        volatile long committed;

        CommandsConsumer() {
            super("earliest");
        }

        @Override
        public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
            super.commitSync(offsets);
            OffsetAndMetadata offset = offsets.get(COMMANDS);
            if (offset != null) {
                committed = offset.offset();
            }
        }
    }

    private final CommandsConsumer commands = new CommandsConsumer();
    private final MockProducer<byte[], byte[]> producer;
    private final FleetCommandRunner runner;
    private long nextOffset;

    /** Starts a runner on {@code executor} whose {@code commands.results} already holds {@code earlierResults}. */
    RunnerOnMockClients(FleetExecutor executor, List<CommandResult> earlierResults) {
        this(executor, earlierResults, new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer()));
    }

    /** As above, publishing through {@code producer} (e.g. one that does not acknowledge by itself). */
    RunnerOnMockClients(FleetExecutor executor, List<CommandResult> earlierResults, MockProducer<byte[], byte[]> producer) {
        this.producer = producer;
        MockConsumer<byte[], byte[]> resultsReader = new MockConsumer<>("earliest");
        resultsReader.updatePartitions(RESULTS.topic(), List.of(new PartitionInfo(RESULTS.topic(), 0, null, null, null)));
        resultsReader.updateBeginningOffsets(Map.of(RESULTS, 0L));
        resultsReader.updateEndOffsets(Map.of(RESULTS, (long) earlierResults.size()));
        resultsReader.schedulePollTask(() -> {
            long offset = 0;
            for (CommandResult result : earlierResults) {
                resultsReader.addRecord(new ConsumerRecord<>(RESULTS.topic(), 0, offset++, result.getTarget().getBytes(StandardCharsets.UTF_8),
                        CATALOG.commandResults.valueSerde().serializer().serialize(RESULTS.topic(), result)));
            }
        });
        commands.schedulePollTask(() -> {
            commands.rebalance(List.of(COMMANDS));
            commands.updateBeginningOffsets(Map.of(COMMANDS, 0L));
        });
        runner = new FleetCommandRunner(SETTINGS, executor, commands, resultsReader, producer, CATALOG, Clock.systemUTC());
        runner.begin();
        waitUntil(() -> !commands.assignment().isEmpty(), "partition assigned");
    }

    void send(FleetCommand command) {
        send(CommandResults.shardKey(command), CATALOG.fleetCommands.valueSerde().serializer().serialize(COMMANDS.topic(), command));
    }

    /** A record of {@code commands.fleet} as given: any key, any bytes (poison included). */
    void send(String key, byte[] value) {
        commands.addRecord(new ConsumerRecord<>(COMMANDS.topic(), 0, nextOffset++,
                key == null ? null : key.getBytes(StandardCharsets.UTF_8), value));
    }

    /** The offset committed last on {@code commands.fleet} (readable after the runner closed the consumer). */
    long committed() {
        return commands.committed;
    }

    /** What the runner published to {@code topic}, in order. */
    List<ProducerRecord<byte[], byte[]>> sentTo(String topic) {
        return producer.history().stream().filter(r -> r.topic().equals(topic)).toList();
    }

    FleetCommandRunner runner() {
        return runner;
    }

    /** Sends {@code command} and waits until its record, and every one before it, is committed. */
    void sendAndAwaitCommit(FleetCommand command) {
        send(command);
        long expected = nextOffset;
        waitUntil(() -> commands.committed == expected, "offset " + expected + " committed");
    }

    /** What was published to {@code commands.results}, in order. */
    List<CommandResult> results() {
        return sentTo(RESULTS.topic()).stream()
                .map(r -> CATALOG.commandResults.valueSerde().deserializer().deserialize(r.topic(), r.value())).toList();
    }

    FleetCommandRunner.Status status() {
        return runner.status();
    }

    @Override
    public void close() {
        runner.close();
    }

    static void waitUntil(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            try {
                // The runner works on its own threads: give them real time.
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
