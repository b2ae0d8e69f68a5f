package io.holdfast.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.embedded.EmbeddedKafka;
import io.holdfast.embedded.junit.EmbeddedStackExtension;
import io.holdfast.launcher.internal.DeadLetters;
import io.holdfast.reconciler.ReconcilerApp;
import io.holdfast.reconciler.ReconcilerConfig;
import io.holdfast.topology.app.RunningApp;
import io.holdfast.topology.catalog.TopicCatalog;
import io.holdfast.topology.catalog.TopicEnsurer;
import io.holdfast.topology.config.HoldfastConfig;
import io.holdfast.topology.testkit.KafkaTestClients;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code holdfast dlq list} and {@code replay} on dead letters the real reconciler wrote: a change event
 * that is not JSON goes to {@code dlq.reconciler}; the replay puts it back on its CDC topic, same
 * partition and bytes, once; a second replay resumes after it; {@code --from-beginning} offers it again.
 */
@ExtendWith(EmbeddedStackExtension.class)
class DlqCommandIT {

    @Test
    void listsAndReplaysWhatTheReconcilerDeadLettered(EmbeddedKafka kafka, @TempDir Path dir) throws Exception {
        String prefix = "it-dlq-" + System.nanoTime() + ".";
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("bootstrap.servers", kafka.bootstrapServers());
        settings.put(HoldfastConfig.TOPIC_PREFIX, prefix);
        settings.put(HoldfastConfig.TOPIC_PARTITIONS, "2");
        ReconcilerConfig config = ReconcilerConfig.load(Optional.empty(), Map.of(), withAppSettings(settings, dir));
        TopicCatalog catalog = new TopicCatalog(config);
        try (Admin admin = kafka.admin()) {
            new TopicEnsurer(admin, Duration.ofSeconds(30)).ensure(catalog.all());
        }
        String revisions = catalog.cdcRevisions.name();
        String key = "{\"entity_id\":\"e-1\",\"revision\":1}";
        String bad = "{not json";
        StringSerializer strings = new StringSerializer();
        KafkaTestClients.produce(kafka.bootstrapServers(), List.of(new ProducerRecord<>(revisions, key, bad)), strings, strings);
        String dlq = catalog.deadLetter("reconciler").name();
        try (RunningApp app = RunningApp.start(new ReconcilerApp(config), config)) {
            assertTrue(app.awaitRunning(Duration.ofSeconds(60)), "reconciler not running");
            KafkaTestClients.readCommitted(kafka.bootstrapServers(), dlq, 1, Duration.ofSeconds(60),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer());
        }
        ConsumerRecord<byte[], byte[]> original = onlyRecord(kafka, revisions, 1);

        CliRun list = CliRun.run(args(settings, "dlq", "list", "--app", "reconciler"));
        assertEquals(0, list.exit(), list.out() + list.err());
        assertTrue(list.out().contains(dlq + ": 1 dead letters"), list.out());
        assertTrue(list.out().contains(revisions + "  ") && list.out().contains("MalformedChangeEventException"), list.out());

        CliRun dry = CliRun.run(args(settings, "dlq", "replay", "--app", "reconciler", "--dry-run"));
        assertEquals(0, dry.exit(), dry.out() + dry.err());
        assertTrue(dry.out().contains("(dry run): 1 read, 1 would be replayed"), dry.out());
        assertEquals(1, records(kafka, revisions).size(), "a dry run publishes nothing");

        CliRun filtered = CliRun.run(args(settings, "dlq", "replay", "--app", "reconciler", "--topic", "elsewhere", "--dry-run"));
        assertTrue(filtered.out().contains("0 would be replayed, 1 left out by the filters"), filtered.out());

        CliRun replay = CliRun.run(args(settings, "dlq", "replay", "--app", "reconciler"));
        assertEquals(0, replay.exit(), replay.out() + replay.err());
        assertTrue(replay.out().contains(": 1 read, 1 replayed") && replay.out().contains("-> " + revisions), replay.out());
        List<ConsumerRecord<byte[], byte[]>> after = records(kafka, revisions);
        assertEquals(2, after.size(), "the letter is back on its topic");
        ConsumerRecord<byte[], byte[]> replayed = after.get(1);
        assertEquals(original.partition(), replayed.partition(), "same partition");
        assertArrayEquals(original.key(), replayed.key());
        assertArrayEquals(original.value(), replayed.value());
        assertEquals(original.timestamp(), replayed.timestamp());
        assertNotNull(replayed.headers().lastHeader(DeadLetters.REPLAYED_FROM));
        assertTrue(new String(replayed.headers().lastHeader(DeadLetters.REPLAYED_FROM).value(), StandardCharsets.UTF_8)
                .startsWith(dlq + "-"));
        assertEquals(null, replayed.headers().lastHeader(DeadLetters.EXCEPTION), "the reason headers stay in the DLQ");

        CliRun again = CliRun.run(args(settings, "dlq", "replay", "--app", "reconciler"));
        assertTrue(again.out().contains(": 0 read, 0 replayed"), "a replay resumes after the last: " + again.out());
        CliRun everything = CliRun.run(args(settings, "dlq", "replay", "--app", "reconciler", "--from-beginning", "--dry-run"));
        assertTrue(everything.out().contains("1 read, 1 would be replayed"), everything.out());
        System.out.println(list.out() + replay.out());
    }

    @Test
    void badInputIsOneLine(EmbeddedKafka kafka) {
        CliRun unknown = CliRun.run("dlq", "list", "--app", "billing", "--set", "bootstrap.servers=" + kafka.bootstrapServers());
        assertEquals(1, unknown.exit());
        unknown.assertOneLine("unknown app 'billing'");
        CliRun missing = CliRun.run("dlq", "list", "--app", "health", "--set", "bootstrap.servers=" + kafka.bootstrapServers(),
                "--set", HoldfastConfig.TOPIC_PREFIX + "=it-dlq-none-" + System.nanoTime() + ".");
        assertEquals(1, missing.exit());
        missing.assertOneLine("does not exist");
        CliRun noCluster = CliRun.run("dlq", "replay", "--app", "health");
        assertEquals(1, noCluster.exit());
        noCluster.assertOneLine("no bootstrap.servers");
        assertEquals(2, CliRun.run("dlq", "replay").exit());
    }

    private static Map<String, String> withAppSettings(Map<String, String> settings, Path dir) {
        Map<String, String> app = new LinkedHashMap<>(settings);
        app.put(HoldfastConfig.HTTP_PORT, "0");
        app.put("state.dir", dir.resolve("state").toString());
        app.put("commit.interval.ms", "100");
        return app;
    }

    private static String[] args(Map<String, String> settings, String... command) {
        List<String> args = new ArrayList<>(List.of(command));
        settings.forEach((k, v) -> args.addAll(List.of("--set", k + "=" + v)));
        return args.toArray(String[]::new);
    }

    private static List<ConsumerRecord<byte[], byte[]>> records(EmbeddedKafka kafka, String topic) {
        return KafkaTestClients.readCommitted(kafka.bootstrapServers(), topic, Integer.MAX_VALUE, Duration.ofSeconds(3),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static ConsumerRecord<byte[], byte[]> onlyRecord(EmbeddedKafka kafka, String topic, int expected) {
        List<ConsumerRecord<byte[], byte[]>> all = records(kafka, topic);
        assertEquals(expected, all.size());
        return all.get(0);
    }
}
