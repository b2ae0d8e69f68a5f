package io.holdfast.connectors.binlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.holdfast.connectors.binlog.CdcTopicsReader.Read;
import io.holdfast.connectors.store.EntityStoreSchema;
import io.holdfast.connectors.store.StoreConfig;
import io.holdfast.embedded.EmbeddedKafka;
import io.holdfast.embedded.EmbeddedMariaDb;
import io.holdfast.embedded.junit.EmbeddedStackExtension;
import io.holdfast.topology.config.HoldfastConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The binlog source on the real broker and a real MariaDB binlog: the copy of existing rows (Debezium
 * incremental snapshot), streaming, restart from stored offsets, and a copy interrupted mid-way that
 * resumes from its last chunk. The JSON is compared with the committed fixtures the reconciler is tested on.
 */
@ExtendWith(EmbeddedStackExtension.class)
class BinlogSourceIT {

    private static final Path FIXTURES = Path.of("..", "reconciler-stream", "src", "test", "resources", "debezium", "mariadb", "with-schema");
    /** Set to a directory to write one notification of each type there (the reconciler's fixtures). */
    private static final String CAPTURE_NOTIFICATIONS = "holdfast.capture.notifications.dir";
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final String INCREMENTAL = "Incremental Snapshot";
    private static final AtomicInteger SERVER_IDS = new AtomicInteger(6400);

    @Test
    void copiesExistingRowsThenStreamsAndResumesFromStoredOffsets(EmbeddedKafka kafka, EmbeddedMariaDb db) throws Exception {
        // When capturing fixtures, the default names (database holdfast, no topic prefix), as in the other fixtures.
        boolean capture = System.getProperty(CAPTURE_NOTIFICATIONS) != null;
        Scenario s = new Scenario(kafka, db, "copy_stream", 1024, capture);
        try (Connection c = s.connect()) {
            for (int e = 1; e <= 10; e++) {
                insertRevision(c, "e-" + e, 1);
                insertRevision(c, "e-" + e, 2);
                advanceHead(c, "e-" + e, 2);
            }
        }
        int existingRows = 30;

        List<Read> firstRun;
        try (BinlogSource source = BinlogSource.start(s.config(), false)) {
            assertTrue(source.firstStart(), "no offsets stored yet");
            assertEquals(s.notificationsTopic(), source.notificationsTopic());
            firstRun = s.reader.awaitUntil(s.allTopics(), WAIT, read -> copyCompleted(read, s) && count(read, "r") >= existingRows,
                    "the copy of " + existingRows + " rows");
            try (Connection c = s.connect()) {
                insertRevision(c, "e-new", 1);
                advanceHead(c, "e-1", 3);
            }
            firstRun = s.reader.awaitUntil(s.allTopics(), WAIT, read -> count(read, "c") >= 1 && count(read, "u") >= 1,
                    "an insert and an update streamed");

            assertTrue(source.awaitStreaming(Duration.ofSeconds(10)));
            HttpClient http = HttpClient.newHttpClient();
            assertEquals(200, get(http, source.httpPort(), "/ready").statusCode());
            assertEquals(200, get(http, source.httpPort(), "/live").statusCode());
            String metrics = get(http, source.httpPort(), "/metrics").body();
            assertTrue(metrics.contains("holdfast_binlog_events_total{") && metrics.contains("op=\"r\"")
                    && metrics.contains("holdfast_binlog_queue_capacity") && metrics.contains("holdfast_binlog_lag_milliseconds"),
                    metrics);
            assertEquals(existingRows, source.status().copiedRows());
            // Debezium's streaming MBean was found: its queue capacity is a number, not NaN.
            assertTrue(metrics.lines().anyMatch(l -> l.startsWith("holdfast_binlog_queue_capacity{") && !l.endsWith("NaN")), metrics);
        }

        List<Read> copied = data(firstRun, s).stream().filter(r -> r.op().equals("r")).toList();
        assertEquals(existingRows, copied.size(), "every existing row copied once");
        for (Read r : copied) {
            assertEquals("incremental", r.payload().path("source").path("snapshot").asText(), r.value());
        }
        assertSameShape(fixture("snapshot.json", "r", "revisions"), only(copied, "revisions"));
        assertSameShape(fixture("insert-revision.json", "c", "revisions"), only(data(firstRun, s), "revisions", "c"));
        assertSameShape(fixture("advance-head.json", "u", "entity_heads"), only(data(firstRun, s), "entity_heads", "u"));
        captureNotifications(firstRun, s);

        // Second start: offsets are there, so no copy is requested and streaming goes on where it stopped.
        try (BinlogSource source = BinlogSource.start(s.config(), false)) {
            assertFalse(source.firstStart(), "offsets were stored by the first run");
            try (Connection c = s.connect()) {
                insertRevision(c, "e-after-restart", 1);
            }
            List<Read> secondRun = s.reader.awaitUntil(s.allTopics(), WAIT,
                    read -> data(read, s).stream().anyMatch(r -> r.op().equals("c") && r.value().contains("e-after-restart")),
                    "the insert after the restart");
            Thread.sleep(2_000); // anything a wrongly repeated copy would send has had time to arrive
            secondRun = s.reader.readAll(s.allTopics());
            long copiedEvents = count(secondRun, "r");
            System.out.printf("copy then restart: %d rows existed, %d copy events (r) over both runs, %d streamed creates%n",
                    existingRows, copiedEvents, count(secondRun, "c"));
            assertEquals(existingRows, copiedEvents, "no second copy after a restart");
            assertEquals(1, data(secondRun, s).stream().filter(r -> r.value() != null && r.value().contains("e-new")
                    && r.op().equals("c")).count(), "the insert before the restart was not sent again");
        }

        // Third start, asking for a copy (`connect binlog --snapshot`): every row now in the tables is copied again.
        int rowsNow = existingRows + 2;
        try (BinlogSource source = BinlogSource.start(s.config(), true)) {
            List<Read> thirdRun = s.reader.awaitUntil(s.allTopics(), WAIT,
                    read -> completedCopies(read, s) == 2 && count(read, "r") >= existingRows + rowsNow, "a second copy");
            System.out.printf("copy asked for on the third start: %d copy events (r) in all, %d rows in the tables%n",
                    count(thirdRun, "r"), rowsNow);
            assertEquals(existingRows + rowsNow, count(thirdRun, "r"));
        }
    }

    @Test
    void anInterruptedCopyResumesFromItsLastChunk(EmbeddedKafka kafka, EmbeddedMariaDb db) throws Exception {
        int chunk = 10;
        Scenario s = new Scenario(kafka, db, "interrupted", chunk, false);
        int rows = 2000;
        try (Connection c = s.connect()) {
            c.setAutoCommit(false);
            for (int i = 1; i <= rows; i++) {
                insertRevision(c, String.format("e-%04d", i), 1);
            }
            c.commit();
        }

        long firstRunCopies;
        try (BinlogSource source = BinlogSource.start(s.config(), false)) {
            assertTrue(source.firstStart());
            List<Read> read = s.reader.awaitUntil(s.allTopics(), WAIT, r -> count(r, "r") >= 5L * chunk, "five chunks copied");
            firstRunCopies = count(read, "r");
        } // closed mid-copy: the offsets of the chunks Kafka acknowledged are flushed
        long copiedWhenStopped = count(s.reader.readAll(s.allTopics()), "r");
        assertTrue(copiedWhenStopped < rows, "the copy was stopped before its end (" + copiedWhenStopped + " of " + rows + ")");

        List<Read> all;
        try (BinlogSource source = BinlogSource.start(s.config(), false)) {
            assertFalse(source.firstStart(), "the interrupted copy is resumed from the offsets, not requested again");
            all = s.reader.awaitUntil(s.allTopics(), Duration.ofMinutes(5), r -> copyCompleted(r, s), "the resumed copy's end");
        }
        List<Read> copies = data(all, s).stream().filter(r -> r.op().equals("r")).toList();
        Set<String> distinct = new HashSet<>();
        copies.forEach(r -> distinct.add(r.payload().path("after").path("entity_id").asText()));
        // Debezium also reports its no_data "Initial Snapshot" (the tables' structure) on the first start: only
        // incremental snapshots are copies.
        long startedNotifications = notifications(all, s).stream()
                .filter(n -> n.path("aggregate_type").asText().equals(INCREMENTAL) && n.path("type").asText().equals("STARTED"))
                .map(n -> n.path("id").asText()).distinct().count();
        System.out.printf("interrupted copy: %d rows, chunk %d; %d copy events (r) seen when the first run was told to stop, "
                        + "%d when it had stopped, %d over both runs (%d distinct rows); copies started (distinct ids): %d%n",
                rows, chunk, firstRunCopies, copiedWhenStopped, copies.size(), distinct.size(), startedNotifications);
        assertEquals(rows, distinct.size(), "every row copied");
        assertTrue(copies.size() < 2L * rows, "resumed, not restarted: " + copies.size() + " copy events for " + rows + " rows");
        assertTrue(copies.size() <= rows + copiedWhenStopped, "at most what was sent before the stop is sent again");
        assertEquals(1, startedNotifications, "one copy, resumed: not a second one started");
    }

    // ---- the scenario: its own database, topics and server id on the shared components ----

    private static final class Scenario {
        final EmbeddedKafka kafka;
        final EmbeddedMariaDb db;
        final String database;
        final String topicPrefix;
        final int chunk;
        final int serverId = SERVER_IDS.getAndIncrement();
        final CdcTopicsReader reader;

        Scenario(EmbeddedKafka kafka, EmbeddedMariaDb db, String name, int chunk, boolean defaultNames) throws SQLException {
            this.kafka = kafka;
            this.db = db;
            String suffix = Long.toString(System.nanoTime() % 1_000_000_000L, 36);
            this.database = defaultNames ? EmbeddedMariaDb.DATABASE : "it_" + name + "_" + suffix;
            this.topicPrefix = defaultNames ? "" : "it-binlog-" + suffix + ".";
            this.chunk = chunk;
            this.reader = new CdcTopicsReader(kafka.bootstrapServers());
            try (Connection c = db.connect(); Statement st = c.createStatement()) {
                st.execute("CREATE DATABASE IF NOT EXISTS " + database);
            }
            try (Connection c = connect()) {
                EntityStoreSchema.ensure(c);
            }
        }

        Connection connect() throws SQLException {
            return DriverManager.getConnection(db.jdbcUrl(database), db.user(), db.password());
        }

        BinlogConfig config() {
            Map<String, String> p = new HashMap<>();
            p.put("bootstrap.servers", kafka.bootstrapServers());
            p.put(HoldfastConfig.TOPIC_PREFIX, topicPrefix);
            p.put(HoldfastConfig.TOPIC_PARTITIONS, "3");
            p.put(HoldfastConfig.HTTP_PORT, "0");
            p.put(HoldfastConfig.CDC_DATABASE, database);
            p.put(StoreConfig.DB_URL, db.jdbcUrl(database));
            p.put(StoreConfig.DB_USER, db.user());
            p.put(StoreConfig.DB_PASSWORD, db.password());
            p.put(BinlogConfig.SERVER_ID, Integer.toString(serverId));
            p.put(BinlogConfig.SNAPSHOT_CHUNK_SIZE, Integer.toString(chunk));
            p.put(BinlogConfig.OFFSET_FLUSH_INTERVAL_MS, "500");
            return BinlogConfig.load(Optional.empty(), Map.of(), p);
        }

        String cdcTopic(String table) {
            return topicPrefix + "cdc.holdfast." + database + "." + table;
        }

        String notificationsTopic() {
            return topicPrefix + "cdc.holdfast.notifications";
        }

        List<String> allTopics() {
            return List.of(cdcTopic("revisions"), cdcTopic("entity_heads"), notificationsTopic());
        }
    }

    // ---- rows ----

    private static void insertRevision(Connection c, String entity, long revision) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(EntityStoreSchema.INSERT_REVISION)) {
            ps.setString(1, entity);
            ps.setLong(2, revision);
            ps.setString(3, "sha256:" + "0".repeat(63) + revision);
            ps.setString(4, EntityStoreSchema.objectKey("snapshots/", entity, revision));
            ps.setLong(5, 1000 + revision);
            ps.setTimestamp(6, Timestamp.from(Instant.parse("2026-03-01T10:00:00Z").plusSeconds(revision)));
            ps.executeUpdate();
        }
    }

    private static void advanceHead(Connection c, String entity, long revision) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(EntityStoreSchema.ADVANCE_HEAD)) {
            ps.setString(1, entity);
            ps.setLong(2, revision);
            ps.setTimestamp(3, Timestamp.from(Instant.parse("2026-03-01T11:00:00Z").plusSeconds(revision)));
            ps.executeUpdate();
        }
    }

    // ---- what was read ----

    private static List<Read> data(List<Read> read, Scenario s) {
        return read.stream().filter(r -> !r.topic().equals(s.notificationsTopic()) && r.value() != null).toList();
    }

    private static long count(List<Read> read, String op) {
        return read.stream().filter(r -> r.value() != null && r.op().equals(op)).count();
    }

    private static List<JsonNode> notifications(List<Read> read, Scenario s) {
        return read.stream().filter(r -> r.topic().equals(s.notificationsTopic())).map(Read::payload).toList();
    }

    private static boolean copyCompleted(List<Read> read, Scenario s) {
        return notifications(read, s).stream().anyMatch(n -> n.path("aggregate_type").asText().equals(INCREMENTAL)
                && n.path("type").asText().equals("COMPLETED"));
    }

    private static long completedCopies(List<Read> read, Scenario s) {
        return notifications(read, s).stream().filter(n -> n.path("aggregate_type").asText().equals(INCREMENTAL)
                && n.path("type").asText().equals("COMPLETED")).count();
    }

    private static Read only(List<Read> read, String table, String... op) {
        return read.stream().filter(r -> r.payload().path("source").path("table").asText().equals(table)
                        && (op.length == 0 || r.op().equals(op[0])))
                .findFirst().orElseThrow(() -> new AssertionError("no event of " + table));
    }

    private static Read fixture(String file, String op, String table) throws IOException {
        JsonNode records = CdcTopicsReader.JSON.readTree(FIXTURES.resolve(file).toFile());
        for (JsonNode r : records) {
            if (r.get("value").isNull()) {
                continue;
            }
            Read read = new Read(r.get("topic").asText(), r.get("key").asText(), r.get("value").asText());
            if (read.op().equals(op) && read.payload().path("source").path("table").asText().equals(table)) {
                return read;
            }
        }
        throw new AssertionError("no " + op + " event of " + table + " in " + file);
    }

    /** Same envelope as the fixture the reconciler is tested on: fields, schema field names, connector, op, table. */
    private static void assertSameShape(Read expected, Read actual) {
        JsonNode e = expected.payload();
        JsonNode a = actual.payload();
        assertEquals(e.path("op").asText(), a.path("op").asText());
        assertEquals(e.path("source").path("connector").asText(), a.path("source").path("connector").asText());
        assertEquals(e.path("source").path("table").asText(), a.path("source").path("table").asText());
        assertEquals(fieldNames(e), fieldNames(a), "envelope fields");
        assertEquals(fieldNames(e.path("source")), fieldNames(a.path("source")), "source fields");
        assertEquals(fieldNames(e.path("after")), fieldNames(a.path("after")), "row fields");
        assertEquals(schemaFieldNames(expected.valueJson()), schemaFieldNames(actual.valueJson()), "value schema fields");
        assertEquals(fieldNames(expected.keyJson().path("payload")), fieldNames(actual.keyJson().path("payload")), "key fields");
        assertEquals(expected.keyJson().path("schema").path("fields").toString(), actual.keyJson().path("schema").path("fields").toString());
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    private static List<String> schemaFieldNames(JsonNode value) {
        List<String> names = new ArrayList<>();
        value.path("schema").path("fields").forEach(f -> names.add(f.path("field").asText()));
        return names;
    }

    private static HttpResponse<String> get(HttpClient http, int port, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Checks that a copy reported each of its steps, and with -Dholdfast.capture.notifications.dir=DIR writes
     * the first notification of each (aggregate type, type) there, one file each, e.g.
     * {@code incremental-snapshot-table-scan-completed.json}.
     */
    private static void captureNotifications(List<Read> read, Scenario s) throws IOException {
        Map<String, Read> firstOfKind = new TreeMap<>();
        for (Read r : read) {
            if (r.topic().equals(s.notificationsTopic())) {
                JsonNode n = r.payload();
                String kind = (n.path("aggregate_type").asText() + "-" + n.path("type").asText())
                        .toLowerCase(java.util.Locale.ROOT).replace(' ', '-').replace('_', '-');
                firstOfKind.putIfAbsent(kind, r);
            }
        }
        firstOfKind.forEach((kind, r) -> System.out.println("notification " + kind + ": key=" + r.key() + " payload=" + r.payload()));
        for (String type : List.of("started", "in-progress", "table-scan-completed", "completed")) {
            assertTrue(firstOfKind.containsKey("incremental-snapshot-" + type), "a copy reports " + type + ": " + firstOfKind.keySet());
        }
        String dir = System.getProperty(CAPTURE_NOTIFICATIONS);
        if (dir == null || dir.isBlank()) {
            return;
        }
        Files.createDirectories(Path.of(dir));
        for (Map.Entry<String, Read> kind : firstOfKind.entrySet()) {
            Map<String, String> record = new LinkedHashMap<>();
            record.put("topic", kind.getValue().topic());
            record.put("key", kind.getValue().key());
            record.put("value", kind.getValue().value());
            CdcTopicsReader.JSON.copy().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValue(Path.of(dir, kind.getKey() + ".json").toFile(), List.of(record));
        }
    }
}
