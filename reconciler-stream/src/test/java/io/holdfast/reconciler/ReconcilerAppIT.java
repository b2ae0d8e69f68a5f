package io.holdfast.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.embedded.EmbeddedKafka;
import io.holdfast.embedded.junit.EmbeddedStackExtension;
import io.holdfast.schemas.PublicationState;
import io.holdfast.schemas.ReconcileCommand;
import io.holdfast.schemas.ReconcileCommandType;
import io.holdfast.schemas.SnapshotObject;
import io.holdfast.topology.app.RunningApp;
import io.holdfast.topology.catalog.TopicCatalog;
import io.holdfast.topology.catalog.TopicEnsurer;
import io.holdfast.topology.config.HoldfastConfig;
import io.holdfast.topology.testkit.KafkaTestClients;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reconciler on the real broker, exactly-once: the captured Debezium MariaDB envelopes and S3
 * inventory records in, a ReplaySnapshot for an orphaned snapshot out (read_committed), the copy and
 * GTID progress on {@code state.workflow}, its HTTP queries answering, bad input in the dead-letter
 * topic with its reason, and an entity's ledger surviving a restart of the app on its state.
 */
@ExtendWith(EmbeddedStackExtension.class)
class ReconcilerAppIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void reconcilesOnTheRealBroker(EmbeddedKafka kafka, @TempDir Path dir) throws Exception {
        String prefix = "it-reconciler-" + System.nanoTime() + ".";
        Map<String, String> settings = Map.of(
                "bootstrap.servers", kafka.bootstrapServers(),
                HoldfastConfig.TOPIC_PREFIX, prefix,
                HoldfastConfig.TOPIC_PARTITIONS, "2",
                HoldfastConfig.HTTP_PORT, "0",
                ReconcilerConfig.GRACE_MS, "1000",
                ReconcilerConfig.RETRY_BACKOFF_MS, "60000",
                "state.dir", dir.resolve("state").toString(),
                "commit.interval.ms", "100");
        ReconcilerConfig config = ReconcilerConfig.load(Optional.empty(), Map.of(), settings);
        TopicCatalog catalog = new TopicCatalog(config);
        try (Admin admin = kafka.admin()) {
            new TopicEnsurer(admin, Duration.ofSeconds(30)).ensure(catalog.all());
        }
        List<ProducerRecord<String, String>> cdc = new ArrayList<>();
        for (String scenario : List.of("snapshot", "insert-revision", "advance-head")) {
            for (ReconcilerDriver.Envelope e : ReconcilerDriver.fixture("mariadb/with-schema/" + scenario + ".json")) {
                cdc.add(new ProducerRecord<>(prefix + e.topic(), e.key(), e.value()));
            }
        }
        cdc.add(new ProducerRecord<>(catalog.cdcRevisions.name(), "{\"entity_id\":\"x\"}", "{not json"));
        StringSerializer strings = new StringSerializer();
        KafkaTestClients.produce(kafka.bootstrapServers(), cdc, strings, strings);
        long now = System.currentTimeMillis();
        List<ProducerRecord<String, SnapshotObject>> inventory = new ArrayList<>();
        for (String[] s : new String[][] {{"e-1", "1"}, {"e-1", "2"}, {"e-2", "1"}, {"e-2", "2"}, {"e-9", "1"}}) {
            inventory.add(new ProducerRecord<>(catalog.snapshots.name(), s[0], ReconcilerDriver.snapshotObject(
                    s[0], Long.parseLong(s[1]), null, PublicationState.PUBLISHED, "pass-1", now)));
        }
        KafkaTestClients.produce(kafka.bootstrapServers(), inventory, strings, catalog.snapshots.valueSerde().serializer());

        try (RunningApp app = RunningApp.start(new ReconcilerApp(config), config)) {
            assertTrue(app.awaitRunning(Duration.ofSeconds(60)), "reconciler not running");
            List<ConsumerRecord<String, ReconcileCommand>> commands = KafkaTestClients.readCommitted(
                    kafka.bootstrapServers(), catalog.reconcileCommands.name(), 1, Duration.ofSeconds(60),
                    new StringDeserializer(), catalog.reconcileCommands.valueSerde().deserializer());
            assertEquals(1, commands.size(), "one repair: the orphaned snapshot e-9/1");
            ReconcileCommand replay = commands.get(0).value();
            assertEquals("e-9", commands.get(0).key());
            assertEquals(ReconcileCommandType.REPLAY_SNAPSHOT, replay.getType());
            assertEquals("0-1-11", replay.getGtidPosition().getPosition());

            String workflow = awaitBody(app, "/workflow", "0-1-11");
            assertTrue(workflow.contains("\"phase\":\"REPLICATING\""), workflow);
            assertTrue(workflow.contains("\"rows_copied\":3"), workflow);
            String ledger = get(app, "/entities/e-9");
            assertTrue(ledger.contains("\"replay_attempts\":1"), ledger);
            String diff = awaitBody(app, "/workflow/diff", "\"objects_compared\":5");
            assertTrue(diff.contains("\"replayed\":1"), diff);

            List<ConsumerRecord<byte[], byte[]>> dead = KafkaTestClients.readCommitted(kafka.bootstrapServers(),
                    catalog.deadLetter("reconciler").name(), 1, Duration.ofSeconds(30),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer());
            assertEquals(1, dead.size());
            assertNotNull(dead.get(0).headers().lastHeader("__streams.errors.message"));
            System.out.println("reconciler on the broker: " + replay.getCommandId() + "; " + diff);
        }
        // Restarted on its state: the ledgers are there, nothing decided twice (the retry backoff is a minute).
        try (RunningApp app = RunningApp.start(new ReconcilerApp(config), config)) {
            assertTrue(app.awaitRunning(Duration.ofSeconds(60)), "reconciler not running after the restart");
            String ledger = get(app, "/entities/e-2");
            assertTrue(ledger.contains("\"head\":2"), ledger);
            assertTrue(ledger.contains("\"resolved_revisions\":\"[1-2]\""), ledger);
            Thread.sleep(3_000); // punctuations after the restart: nothing due
            List<ConsumerRecord<String, ReconcileCommand>> commands = KafkaTestClients.readCommitted(
                    kafka.bootstrapServers(), catalog.reconcileCommands.name(), 2, Duration.ofSeconds(5),
                    new StringDeserializer(), catalog.reconcileCommands.valueSerde().deserializer());
            assertEquals(1, commands.size(), "the restart repeated no decision");
        }
    }

    private static String get(RunningApp app, String path) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.http().port() + path))
                .GET().build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        return r.body();
    }

    /** The workflow state is published once per punctuation and read back through the global store. */
    private static String awaitBody(RunningApp app, String path, String expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.http().port()
                    + path)).GET().build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            last = r.body();
            if (r.statusCode() == 200 && last.contains(expected)) {
                return last;
            }
            Thread.sleep(200);
        }
        assertFalse(true, path + " never showed " + expected + ": " + last);
        return last;
    }
}
