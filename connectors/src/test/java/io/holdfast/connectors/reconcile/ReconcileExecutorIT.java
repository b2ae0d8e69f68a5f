package io.holdfast.connectors.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.connectors.commands.DeadLetters;
import io.holdfast.connectors.store.EmbeddedStore;
import io.holdfast.connectors.store.EntityStoreSchema;
import io.holdfast.connectors.writer.FailurePlan;
import io.holdfast.connectors.writer.RevisionWriter;
import io.holdfast.connectors.writer.WriteResult;
import io.holdfast.embedded.EmbeddedKafka;
import io.holdfast.embedded.EmbeddedMariaDb;
import io.holdfast.embedded.EmbeddedS3;
import io.holdfast.embedded.junit.EmbeddedStackExtension;
import io.holdfast.schemas.CommandOutcome;
import io.holdfast.schemas.CommandResult;
import io.holdfast.schemas.ReconcileCommand;
import io.holdfast.schemas.ReconcileCommandType;
import io.holdfast.schemas.SnapshotRef;
import io.holdfast.topology.catalog.TopicCatalog;
import io.holdfast.topology.catalog.TopicEnsurer;
import io.holdfast.topology.config.HoldfastConfig;
import io.holdfast.topology.testkit.KafkaTestClients;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.s3.model.Tag;
import software.amazon.awssdk.services.s3.model.Tagging;

/**
 * The reconcile executor on the embedded broker, MariaDB and S3: half-done writes made by the real writer
 * are repaired by commands sent by hand, duplicates and redundant repairs change nothing, and poison goes
 * to the dead-letter topic without stopping the executor.
 */
@ExtendWith(EmbeddedStackExtension.class)
class ReconcileExecutorIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private final String run = Long.toString(System.nanoTime(), 36);

    @Test
    void repairsAreMadeOnceNeverBackwardAndPoisonIsSetAside(EmbeddedKafka kafka, EmbeddedMariaDb db, EmbeddedS3 s3) throws Exception {
        try (EmbeddedStore store = new EmbeddedStore(db, s3, "it-reconcile-" + run + "/")) {
            Map<String, String> props = new HashMap<>(store.settings());
            props.put("bootstrap.servers", kafka.bootstrapServers());
            props.put(HoldfastConfig.TOPIC_PREFIX, "it-reconcile-" + run + ".");
            props.put(HoldfastConfig.TOPIC_PARTITIONS, "3");
            props.put(HoldfastConfig.SHUTDOWN_TIMEOUT_MS, "5000");
            props.put(ReconcileExecutorConfig.GROUP_ID, "it-reconcile-" + run);
            props.put(ReconcileExecutorConfig.EXECUTOR_NAME, "reconcile@it");
            props.put(ReconcileExecutorConfig.RETRY_BACKOFF_MS, "50");
            ReconcileExecutorConfig config = ReconcileExecutorConfig.load(Optional.empty(), Map.of(), props);
            TopicCatalog catalog = new TopicCatalog(config);
            try (Admin admin = kafka.admin()) {
                new TopicEnsurer(admin, Duration.ofSeconds(30)).ensure(List.of(catalog.reconcileCommands, catalog.commandResults,
                        catalog.deadLetter("connectors")));
            }

            // Half-done writes, made by the real writer stopping where a crash would.
            String onlyInS3 = "a" + run;
            String complete = "b" + run;
            String rowNoHead = "c" + run;
            WriteResult pending = writer(store, new FailurePlan(1, 0, 0, 1)).write(onlyInS3, bytes("a1"));
            RevisionWriter full = writer(store, FailurePlan.none());
            full.write(complete, bytes("b1"));
            full.write(complete, bytes("b2"));
            writer(store, new FailurePlan(0, 1, 0, 1)).write(rowNoHead, bytes("c1"));
            store.clients().s3().putObjectTagging(b -> b.bucket(store.bucket()).key(store.key(rowNoHead, 1)).tagging(Tagging.builder()
                    .tagSet(tag(EntityStoreSchema.TAG, EntityStoreSchema.PENDING), tag("owner", "team-a")).build()));

            StoreRepairs repairs = new StoreRepairs(store.clients().s3(), store.clients().database(), store.bucket(),
                    store.config().prefix(), Clock.systemUTC());
            try (ReconcileCommandRunner runner = ReconcileCommandRunner.start(config, config.runnerSettings(), repairs,
                    new SimpleMeterRegistry())) {
                Results results = new Results(kafka.bootstrapServers(), catalog);

                // A snapshot without its row: the row is replayed from the snapshot's metadata.
                ReconcileCommand replay = command("replay-" + run, ReconcileCommandType.REPLAY_SNAPSHOT, onlyInS3, 1, snapshot(store, onlyInS3, 1));
                send(kafka, catalog, replay);
                CommandResult replayed = results.await(replay.getCommandId(), 1).get(0);
                assertEquals(CommandOutcome.SUCCEEDED, replayed.getOutcome(), replayed.toString());
                assertEquals("1", replayed.getObserved().get(StoreRepairs.OBSERVED_ROWS_AFFECTED));
                assertEquals(onlyInS3, replayed.getTarget());
                EmbeddedStore.Row row = store.row(onlyInS3, 1).orElseThrow();
                assertEquals(pending.contentHash(), row.contentHash());
                assertEquals(2, row.sizeBytes());

                // The same command again: not executed again, answered DUPLICATE.
                send(kafka, catalog, replay);
                CommandResult duplicate = results.await(replay.getCommandId(), 2).get(1);
                assertEquals(CommandOutcome.DUPLICATE, duplicate.getOutcome(), duplicate.toString());
                assertEquals("SUCCEEDED", duplicate.getObserved().get("earlier_outcome"));
                assertEquals(1, store.rowCount(onlyInS3));

                // Another replay of a row that exists: nothing changes.
                ReconcileCommand redundant = command("replay-again-" + run, ReconcileCommandType.REPLAY_SNAPSHOT, complete, 1,
                        snapshot(store, complete, 1));
                EmbeddedStore.Row before = store.row(complete, 1).orElseThrow();
                send(kafka, catalog, redundant);
                CommandResult untouched = results.await(redundant.getCommandId(), 1).get(0);
                assertEquals(CommandOutcome.SUCCEEDED, untouched.getOutcome(), untouched.toString());
                assertEquals("0", untouched.getObserved().get(StoreRepairs.OBSERVED_ROWS_AFFECTED));
                assertEquals(before.contentHash(), untouched.getObserved().get(StoreRepairs.OBSERVED_EXISTING_CONTENT_HASH));
                assertEquals(before, store.row(complete, 1).orElseThrow());

                // An advance below the current head leaves it.
                ReconcileCommand backward = command("advance-back-" + run, ReconcileCommandType.ADVANCE_HEAD, complete, 1, null);
                send(kafka, catalog, backward);
                CommandResult kept = results.await(backward.getCommandId(), 1).get(0);
                assertEquals(CommandOutcome.SUCCEEDED, kept.getOutcome(), kept.toString());
                assertEquals("2", kept.getObserved().get(StoreRepairs.OBSERVED_HEAD));
                assertEquals(2, store.head(complete).orElseThrow());

                // An advance to a revision without its row is refused.
                ReconcileCommand noRow = command("advance-norow-" + run, ReconcileCommandType.ADVANCE_HEAD, onlyInS3, 5, null);
                send(kafka, catalog, noRow);
                assertEquals(CommandOutcome.REJECTED_PRECONDITION, results.await(noRow.getCommandId(), 1).get(0).getOutcome());
                assertEquals(1, store.rowCount(onlyInS3));

                // Publishing keeps the other tags.
                ReconcileCommand publish = command("publish-" + run, ReconcileCommandType.MARK_PUBLISHED, rowNoHead, 1,
                        snapshot(store, rowNoHead, 1));
                send(kafka, catalog, publish);
                CommandResult published = results.await(publish.getCommandId(), 1).get(0);
                assertEquals(CommandOutcome.SUCCEEDED, published.getOutcome(), published.toString());
                assertEquals("owner=team-a,publication_state=published", published.getObserved().get(StoreRepairs.OBSERVED_TAGS));
                assertEquals(Map.of("owner", "team-a", EntityStoreSchema.TAG, EntityStoreSchema.PUBLISHED), store.tags(rowNoHead, 1));

                // Poison goes to the dead-letter topic with its reason; the command behind it is still executed.
                KafkaTestClients.produce(kafka.bootstrapServers(), List.of(new ProducerRecord<>(catalog.reconcileCommands.name(),
                        bytes(rowNoHead), bytes("not a command"))), new ByteArraySerializer(), new ByteArraySerializer());
                ReconcileCommand advance = command("advance-" + run, ReconcileCommandType.ADVANCE_HEAD, rowNoHead, 1, null);
                send(kafka, catalog, advance);
                CommandResult advanced = results.await(advance.getCommandId(), 1).get(0);
                assertEquals(CommandOutcome.SUCCEEDED, advanced.getOutcome(), advanced.toString());
                assertEquals(1, store.head(rowNoHead).orElseThrow());
                List<ConsumerRecord<byte[], byte[]>> dead = KafkaTestClients.readCommitted(kafka.bootstrapServers(),
                        catalog.deadLetter("connectors").name(), 1, WAIT, new ByteArrayDeserializer(), new ByteArrayDeserializer());
                assertEquals(1, dead.size());
                assertEquals("not a command", new String(dead.get(0).value(), StandardCharsets.UTF_8));
                assertTrue(header(dead.get(0), DeadLetters.HEADER_REASON).startsWith("not a ReconcileCommand"),
                        header(dead.get(0), DeadLetters.HEADER_REASON));
                assertEquals(catalog.reconcileCommands.name(), header(dead.get(0), DeadLetters.HEADER_TOPIC));
                assertEquals("reconcile-executor", header(dead.get(0), DeadLetters.HEADER_COMPONENT));

                assertTrue(runner.failure().isEmpty(), () -> "runner failed: " + runner.failure());
                assertEquals(1, runner.status().deadLettered());
                assertEquals(1, runner.count("REPLAY_SNAPSHOT", CommandOutcome.DUPLICATE));
                assertEquals(2, runner.count("ADVANCE_HEAD", CommandOutcome.SUCCEEDED));
            }
        }
    }

    private static RevisionWriter writer(EmbeddedStore store, FailurePlan failures) {
        return new RevisionWriter(store.clients().s3(), store.clients().database(), store.bucket(), store.config().prefix(), failures);
    }

    private static ReconcileCommand command(String id, ReconcileCommandType type, String entity, long revision, SnapshotRef snapshot) {
        return ReconcileCommand.newBuilder()
                .setCommandId(id)
                .setType(type)
                .setEntityId(entity)
                .setRevision(revision)
                .setSnapshot(snapshot)
                .setDecidedTime(Instant.now())
                .build();
    }

    private static SnapshotRef snapshot(EmbeddedStore store, String entity, long revision) {
        return SnapshotRef.newBuilder().setBucket(store.bucket()).setObjectKey(store.key(entity, revision)).build();
    }

    private static void send(EmbeddedKafka kafka, TopicCatalog catalog, ReconcileCommand command) {
        KafkaTestClients.produce(kafka.bootstrapServers(), List.of(new ProducerRecord<>(catalog.reconcileCommands.name(),
                command.getEntityId(), command)), new StringSerializer(), catalog.reconcileCommands.valueSerde().serializer());
    }

    private static Tag tag(String key, String value) {
        return Tag.builder().key(key).value(value).build();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** commands.results read back read_committed, by command id. */
    private record Results(String bootstrap, TopicCatalog catalog) {
        /** Waits for {@code count} results of {@code commandId}, in the order they were published; fails on fewer. */
        List<CommandResult> await(String commandId, int count) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            List<CommandResult> found = List.of();
            while (System.nanoTime() < deadline) {
                found = KafkaTestClients.readCommitted(bootstrap, catalog.commandResults.name(), Integer.MAX_VALUE, Duration.ofSeconds(1),
                                new StringDeserializer(), catalog.commandResults.valueSerde().deserializer()).stream()
                        .map(ConsumerRecord::value)
                        .filter(r -> r.getCommandId().equals(commandId))
                        .sorted(java.util.Comparator.comparing(CommandResult::getFinishedTime))
                        .toList();
                if (found.size() >= count) {
                    assertEquals(count, found.size(), "results of " + commandId + ": " + found);
                    return found;
                }
                // The executor is working on it: look again shortly.
                Thread.sleep(200);
            }
            throw new AssertionError("expected " + count + " results of " + commandId + " within " + WAIT + ", got " + found);
        }
    }
}
