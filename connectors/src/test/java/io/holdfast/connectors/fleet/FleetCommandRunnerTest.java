package io.holdfast.connectors.fleet;

import static io.holdfast.connectors.fleet.FleetCommands.reparent;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.connectors.fleet.internal.CommandResults;
import io.holdfast.schemas.CommandOutcome;
import io.holdfast.schemas.CommandResult;
import io.holdfast.schemas.FleetCommand;
import io.holdfast.schemas.ReparentMode;
import io.holdfast.topology.catalog.TopicCatalog;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The runner's bookkeeping on Kafka's mock clients: commits, idempotency, retries, dead letters. */
class FleetCommandRunnerTest {

    private static final TopicCatalog CATALOG = RunnerOnMockClients.CATALOG;
    private static final TopicPartition COMMANDS = new TopicPartition(CATALOG.fleetCommands.name(), 0);
    private static final TopicPartition RESULTS = new TopicPartition(CATALOG.commandResults.name(), 0);
    private static final Serializer<FleetCommand> COMMAND_BYTES = CATALOG.fleetCommands.valueSerde().serializer();

    /** Answers SUCCEEDED unless told otherwise per command id; records every call. */
    private static final class ScriptedExecutor implements FleetExecutor {
        final List<String> calls = Collections.synchronizedList(new ArrayList<>());
        final Map<String, Integer> transientFailures = new HashMap<>();
        final Map<String, CountDownLatch> gates = new HashMap<>();
        final Set<String> silent = Collections.synchronizedSet(new java.util.HashSet<>());

        @Override
        public String name() {
            return "scripted";
        }

        @Override
        public Optional<CommandResult> execute(FleetCommand command) throws TransientExecutionException, InterruptedException {
            String id = command.getCommandId();
            calls.add(id);
            CountDownLatch gate = gates.get(id);
            if (gate != null) {
                gate.await();
            }
            synchronized (transientFailures) {
                int left = transientFailures.getOrDefault(id, 0);
                if (left > 0) {
                    transientFailures.put(id, left - 1);
                    throw new TransientExecutionException("vtctld unreachable");
                }
            }
            if (silent.contains(id)) {
                return Optional.empty();
            }
            Instant now = Instant.now();
            return Optional.of(CommandResults.of(command, name(), CommandOutcome.SUCCEEDED, null, now, now, Map.of("done", id)));
        }
    }

    private final ScriptedExecutor executor = new ScriptedExecutor();
    private MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    private final List<CommandResult> earlierResults = new ArrayList<>();
    private RunnerOnMockClients fleet;
    private FleetCommandRunner runner;

    private void start() {
        fleet = new RunnerOnMockClients(executor, earlierResults, producer);
        runner = fleet.runner();
    }

    @AfterEach
    void stop() {
        if (fleet != null) {
            fleet.close();
        }
    }

    private static FleetCommand command(String id, String shard) {
        long now = System.currentTimeMillis();
        return reparent(id, shard, ReparentMode.PLANNED, "zone2-0000000101", "zone1-0000000100", 1, now, now + 60_000);
    }

    private void send(String key, byte[] value) {
        fleet.send(key, value);
    }

    private void send(FleetCommand command) {
        fleet.send(command);
    }

    private long committed() {
        return fleet.committed();
    }

    private List<ProducerRecord<byte[], byte[]>> sentTo(String topic) {
        return fleet.sentTo(topic);
    }

    private List<CommandResult> results() {
        return fleet.results();
    }

    private static void waitUntil(BooleanSupplier condition, String what) {
        RunnerOnMockClients.waitUntil(condition, what);
    }

    @Test
    void eachCommandIsExecutedAndItsOffsetCommittedOnceItsResultIsAcknowledged() {
        start();
        send(command("a", "-80"));
        send(command("b", "80-"));
        waitUntil(() -> committed() == 2, "both offsets committed");

        assertEquals(Set.of("a", "b"), Set.copyOf(executor.calls));
        List<ProducerRecord<byte[], byte[]>> sent = sentTo(RESULTS.topic());
        assertEquals(2, sent.size());
        for (ProducerRecord<byte[], byte[]> record : sent) {
            CommandResult result = CATALOG.commandResults.valueSerde().deserializer().deserialize(record.topic(), record.value());
            assertEquals(result.getTarget(), new String(record.key(), StandardCharsets.UTF_8), "keyed by the shard");
            assertEquals("scripted", result.getExecutor());
        }
        assertEquals(2, runner.status().executed());
    }

    @Test
    void aDuplicateIsNotExecutedAgainAndGetsTheEarlierResult() {
        start();
        send(command("a", "-80"));
        waitUntil(() -> committed() == 1, "first committed");
        send(command("a", "-80"));
        waitUntil(() -> committed() == 2, "duplicate committed");

        assertEquals(List.of("a"), executor.calls);
        List<CommandResult> results = results();
        assertEquals(2, results.size());
        assertEquals(results.get(0), results.get(1), "the earlier result, published again");
        assertEquals(1, runner.status().republished());
    }

    @Test
    void aDuplicateArrivingWhileTheFirstRunsWaitsForItsResult() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        executor.gates.put("a", gate);
        start();
        send(command("a", "-80"));
        waitUntil(() -> executor.calls.size() == 1, "first running");
        send(command("a", "-80"));
        waitUntil(() -> runner.status().received() == 2, "duplicate received");
        assertEquals(0, committed());
        gate.countDown();
        waitUntil(() -> committed() == 2, "both committed");
        assertEquals(List.of("a"), executor.calls);
        assertEquals(2, results().size());
    }

    @Test
    void aCommandWithAResultInCommandsResultsIsNotExecutedAfterARestart() {
        long now = System.currentTimeMillis();
        earlierResults.add(CommandResults.of(command("old", "-80"), "before-restart", CommandOutcome.SUCCEEDED, null,
                Instant.ofEpochMilli(now - 1_000), Instant.ofEpochMilli(now - 500), Map.of("new_primary", "zone2-0000000101")));
        start();
        send(command("old", "-80"));
        send(command("new", "-80"));
        waitUntil(() -> committed() == 2, "both committed");

        assertEquals(List.of("new"), executor.calls);
        assertEquals("before-restart", results().get(0).getExecutor(), "the earlier result as it was");
    }

    @Test
    void poisonGoesToTheDeadLetterTopicWithTheReasonAndDoesNotBlockWhatFollows() {
        start();
        send("commerce/-80", "not avro".getBytes(StandardCharsets.UTF_8));
        FleetCommand noCandidate = FleetCommand.newBuilder(command("x", "-80")).setNewPrimary(null).build();
        send(noCandidate);
        send("commerce/other", COMMAND_BYTES.serialize(COMMANDS.topic(), command("y", "-80")));
        send(command("ok", "-80"));
        waitUntil(() -> committed() == 4, "all four committed");

        assertEquals(List.of("ok"), executor.calls);
        List<ProducerRecord<byte[], byte[]>> dead = sentTo(CATALOG.deadLetter("connectors").name());
        assertEquals(3, dead.size());
        assertArrayEquals("not avro".getBytes(StandardCharsets.UTF_8), dead.get(0).value(), "the original bytes");
        assertTrue(header(dead.get(0), FleetCommandRunner.HEADER_REASON).startsWith("not a FleetCommand"));
        assertEquals(COMMANDS.topic(), header(dead.get(0), FleetCommandRunner.HEADER_TOPIC));
        assertEquals("0", header(dead.get(0), FleetCommandRunner.HEADER_OFFSET));
        assertEquals("missing new_primary", header(dead.get(1), FleetCommandRunner.HEADER_REASON));
        assertEquals("1", header(dead.get(1), FleetCommandRunner.HEADER_OFFSET));
        assertTrue(header(dead.get(2), FleetCommandRunner.HEADER_REASON).contains("is not the command's shard"));
        assertEquals(3, runner.status().deadLettered());
    }

    private static String header(ProducerRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    @Test
    void transientFailuresAreRetriedABoundedNumberOfTimes() {
        executor.transientFailures.put("flaky", 2);
        executor.transientFailures.put("down", 10);
        start();
        send(command("flaky", "-80"));
        send(command("down", "80-"));
        waitUntil(() -> committed() == 2, "both committed");

        Map<String, CommandOutcome> outcomes = new HashMap<>();
        results().forEach(r -> outcomes.put(r.getCommandId(), r.getOutcome()));
        assertEquals(CommandOutcome.SUCCEEDED, outcomes.get("flaky"));
        assertEquals(CommandOutcome.FAILED, outcomes.get("down"));
        assertEquals(3 + 3, executor.calls.size(), "three attempts each");
        assertEquals(2 + 2, runner.status().retries());
    }

    @Test
    void aCommandPastItsDeadlineIsAnsweredTimedOutWithoutExecution() {
        start();
        long now = System.currentTimeMillis();
        send(reparent("late", "-80", ReparentMode.PLANNED, "zone2-0000000101", "zone1-0000000100", 1, now - 10_000, now - 1));
        waitUntil(() -> committed() == 1, "committed");
        assertTrue(executor.calls.isEmpty());
        assertEquals(CommandOutcome.TIMED_OUT, results().get(0).getOutcome());
    }

    @Test
    void onlyAnUnbrokenRunOfDoneRecordsIsCommitted() {
        CountDownLatch gate = new CountDownLatch(1);
        executor.gates.put("slow", gate);
        start();
        send(command("slow", "-80"));
        send(command("fast", "80-"));
        waitUntil(() -> results().size() == 1, "the other shard's command done");
        assertEquals("fast", results().get(0).getCommandId(), "shards run in parallel");
        assertEquals(0, committed(), "offset 1 is done but offset 0 is not: nothing committed");
        gate.countDown();
        waitUntil(() -> committed() == 2, "both committed");
    }

    @Test
    void commandsOfOneShardRunInOrder() {
        CountDownLatch gate = new CountDownLatch(1);
        executor.gates.put("first", gate);
        start();
        send(command("first", "-80"));
        send(command("second", "-80"));
        waitUntil(() -> executor.calls.size() == 1, "first running");
        assertEquals(List.of("first"), executor.calls, "the second waits for the first");
        gate.countDown();
        waitUntil(() -> committed() == 2, "both committed");
        assertEquals(List.of("first", "second"), executor.calls);
    }

    @Test
    void anUnansweredCommandPublishesNothingAndIsNotExecutedAgain() {
        executor.silent.add("quiet");
        start();
        send(command("quiet", "-80"));
        send(command("quiet", "-80"));
        waitUntil(() -> committed() == 2, "both committed");
        assertEquals(List.of("quiet"), executor.calls);
        assertTrue(results().isEmpty());
        assertEquals(1, runner.status().unanswered());
    }

    @Test
    void aResultTheClusterDoesNotAcknowledgeStopsTheRunnerWithoutCommitting() {
        producer = new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
        start();
        send(command("a", "-80"));
        waitUntil(() -> producer.history().size() == 1, "result sent");
        producer.errorNext(new TimeoutException("delivery.timeout.ms expired"));
        waitUntil(() -> runner.failure().isPresent(), "runner failed");
        waitUntil(() -> !runner.isRunning(), "runner stopped");
        assertEquals(0, committed(), "the command will be redelivered");
        assertFalse(runner.failure().isEmpty());
    }
}
