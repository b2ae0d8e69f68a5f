package io.holdfast.connectors.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.connectors.commands.Backoff;
import io.holdfast.connectors.commands.DeadLetters;
import io.holdfast.connectors.reconcile.internal.ReconcileResults;
import io.holdfast.schemas.CommandOutcome;
import io.holdfast.schemas.CommandResult;
import io.holdfast.schemas.ReconcileCommand;
import io.holdfast.schemas.ReconcileCommandType;
import io.holdfast.topology.catalog.TopicCatalog;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.sql.SQLTransientConnectionException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The runner on Kafka's mock clients with scripted repairs: retries, duplicates, poison and commits. */
class ReconcileCommandRunnerTest {

    private static final TopicCatalog CATALOG = new TopicCatalog("", 1, (short) 1, Map.of(), TopicCatalog.CdcTopics.DEFAULT);
    private static final TopicPartition COMMANDS = new TopicPartition(CATALOG.reconcileCommands.name(), 0);
    private static final TopicPartition RESULTS = new TopicPartition(CATALOG.commandResults.name(), 0);
    private static final ReconcileCommandRunner.Settings SETTINGS = new ReconcileCommandRunner.Settings("g", "reconcile@test", 2, 3,
            new Backoff(Duration.ofMillis(1), Duration.ofMillis(4)), Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofMinutes(10));

    private final AtomicInteger calls = new AtomicInteger();
    private final MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    private final CommandsConsumer commands = new CommandsConsumer();
    private ReconcileCommandRunner runner;
    private long nextOffset;

    /** Keeps the last committed offset readable after the runner closed the consumer. */
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

    @AfterEach
    void close() {
        if (runner != null) {
            runner.close();
        }
    }

    @Test
    void aLaterAttemptOfARepairThatTookEffectIsAnsweredWithoutBeingExecuted() {
        start(command -> {
            int call = calls.incrementAndGet();
            return call == 1 ? Repair.rejected("no row yet") : Repair.succeeded("published", Map.of("tags", "publication_state=published"));
        }, List.of());
        sendAndAwaitCommit(command("attempt-1", ReconcileCommandType.MARK_PUBLISHED)); // rejected: no effect
        sendAndAwaitCommit(command("attempt-2", ReconcileCommandType.MARK_PUBLISHED)); // executed, took effect
        sendAndAwaitCommit(command("attempt-3", ReconcileCommandType.MARK_PUBLISHED)); // same repair: not executed
        sendAndAwaitCommit(command("advance-1", ReconcileCommandType.ADVANCE_HEAD)); // another repair: executed
        assertEquals(3, calls.get());
        List<CommandResult> results = results();
        assertEquals(List.of("attempt-1", "attempt-2", "attempt-3", "advance-1"), results.stream().map(CommandResult::getCommandId).toList());
        assertEquals(CommandOutcome.REJECTED_PRECONDITION, results.get(0).getOutcome());
        assertEquals(CommandOutcome.SUCCEEDED, results.get(1).getOutcome());
        CommandResult answered = results.get(2);
        assertEquals(CommandOutcome.DUPLICATE, answered.getOutcome());
        assertEquals("attempt-2", answered.getObserved().get(ReconcileResults.OBSERVED_EARLIER_COMMAND));
        assertEquals("SUCCEEDED", answered.getObserved().get(ReconcileResults.OBSERVED_EARLIER_OUTCOME));
        assertEquals("2", answered.getObserved().get("revision"));
        assertEquals(1, runner.status().duplicates());
    }

    @Test
    void transientFailuresAreRetriedUntilTheRepairIsMade() {
        start(command -> {
            if (calls.incrementAndGet() < 3) {
                throw new TransientStoreException("connection lost", new SQLTransientConnectionException("gone"));
            }
            return Repair.succeeded("head at 2", Map.of("head", "2"));
        }, List.of());
        sendAndAwaitCommit(command("c-1", ReconcileCommandType.ADVANCE_HEAD));
        List<CommandResult> results = results();
        assertEquals(1, results.size());
        assertEquals(CommandOutcome.SUCCEEDED, results.get(0).getOutcome());
        assertEquals(Map.of("head", "2", "revision", "2"), results.get(0).getObserved(), "what the repair saw, and the command's revision");
        assertEquals(3, calls.get());
        assertEquals(2, runner.status().retries());
    }

    @Test
    void aStoreThatStaysDownGivesFailedAfterTheLastAttempt() {
        start(command -> {
            calls.incrementAndGet();
            throw new TransientStoreException("S3 503", null);
        }, List.of());
        sendAndAwaitCommit(command("c-1", ReconcileCommandType.MARK_PUBLISHED));
        CommandResult result = results().get(0);
        assertEquals(CommandOutcome.FAILED, result.getOutcome());
        assertTrue(result.getMessage().startsWith("gave up after 3 attempts; last error: S3 503"), result.getMessage());
        assertEquals(3, calls.get());
    }

    @Test
    void aRefusalIsFailedAtOnce() {
        start(command -> {
            calls.incrementAndGet();
            throw new IllegalStateException("SQLSyntaxErrorException: no table");
        }, List.of());
        sendAndAwaitCommit(command("c-1", ReconcileCommandType.ADVANCE_HEAD));
        assertEquals(CommandOutcome.FAILED, results().get(0).getOutcome());
        assertEquals(1, calls.get());
    }

    @Test
    void aCommandExecutedBeforeTheRestartIsAnsweredDuplicateWithoutBeingExecuted() {
        ReconcileCommand command = command("c-1", ReconcileCommandType.ADVANCE_HEAD);
        CommandResult earlier = ReconcileResults.of(command, "reconcile@before", CommandOutcome.SUCCEEDED, null, Instant.EPOCH,
                Instant.EPOCH, Map.of("head", "2"));
        start(c -> {
            calls.incrementAndGet();
            return Repair.succeeded(null, Map.of());
        }, List.of(earlier));
        sendAndAwaitCommit(command);
        sendAndAwaitCommit(command);
        List<CommandResult> results = results();
        assertEquals(2, results.size());
        for (CommandResult result : results) {
            assertEquals(CommandOutcome.DUPLICATE, result.getOutcome());
            assertEquals(Map.of("head", "2", "revision", "2", "earlier_outcome", "SUCCEEDED"), result.getObserved());
        }
        assertEquals(0, calls.get(), "never executed again");
    }

    @Test
    void poisonGoesToTheDeadLetterTopicAndTheNextCommandIsExecuted() {
        start(c -> Repair.succeeded(null, Map.of()), List.of());
        send("entity-1", "garbage".getBytes(StandardCharsets.UTF_8));
        send("entity-1", serialize(command("c-unknown", ReconcileCommandType.UNKNOWN)));
        sendAndAwaitCommit(command("c-2", ReconcileCommandType.ADVANCE_HEAD));
        List<ProducerRecord<byte[], byte[]>> dead = producer.history().stream()
                .filter(r -> r.topic().equals(CATALOG.deadLetter("connectors").name())).toList();
        assertEquals(2, dead.size());
        assertTrue(header(dead.get(0), DeadLetters.HEADER_REASON).startsWith("not a ReconcileCommand"));
        assertEquals("0", header(dead.get(0), DeadLetters.HEADER_OFFSET));
        assertTrue(header(dead.get(1), DeadLetters.HEADER_REASON).startsWith("unknown command type"));
        assertEquals("reconcile-executor", header(dead.get(1), DeadLetters.HEADER_COMPONENT));
        assertEquals(List.of("c-2"), results().stream().map(CommandResult::getCommandId).toList());
        assertEquals(2, runner.status().deadLettered());
    }

    private void start(Repairs repairs, List<CommandResult> earlierResults) {
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
        runner = new ReconcileCommandRunner(SETTINGS, repairs, commands, resultsReader, producer, CATALOG, Clock.systemUTC(),
                new SimpleMeterRegistry());
        runner.begin();
        waitUntil(() -> !commands.assignment().isEmpty(), "partition assigned");
    }

    private static ReconcileCommand command(String id, ReconcileCommandType type) {
        return ReconcileCommand.newBuilder().setCommandId(id).setType(type).setEntityId("entity-1").setRevision(2)
                .setDecidedTime(Instant.EPOCH).build();
    }

    private static byte[] serialize(ReconcileCommand command) {
        return CATALOG.reconcileCommands.valueSerde().serializer().serialize(COMMANDS.topic(), command);
    }

    private void send(String key, byte[] value) {
        commands.addRecord(new ConsumerRecord<>(COMMANDS.topic(), 0, nextOffset++, key.getBytes(StandardCharsets.UTF_8), value));
    }

    private void sendAndAwaitCommit(ReconcileCommand command) {
        send(command.getEntityId(), serialize(command));
        long expected = nextOffset;
        waitUntil(() -> commands.committed == expected, "offset " + expected + " committed");
    }

    private List<CommandResult> results() {
        return producer.history().stream().filter(r -> r.topic().equals(RESULTS.topic()))
                .map(r -> CATALOG.commandResults.valueSerde().deserializer().deserialize(RESULTS.topic(), r.value())).toList();
    }

    private static String header(ProducerRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private static void waitUntil(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached within 10 s: " + what);
            }
            try {
                // The runner works on its own threads: look again shortly.
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
