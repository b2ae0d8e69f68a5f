package io.holdfast.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.holdfast.embedded.EmbeddedKafka;
import io.holdfast.embedded.EmbeddedMariaDb;
import io.holdfast.embedded.EmbeddedS3;
import io.holdfast.embedded.junit.EmbeddedStackExtension;
import io.holdfast.launcher.chaos.InvariantChecker;
import io.holdfast.reconciler.cdc.ChangeEventParser;
import io.holdfast.reconciler.cdc.Op;
import io.holdfast.schemas.ReconcileCommand;
import io.holdfast.schemas.WorkflowProgress;
import io.holdfast.topology.catalog.TopicCatalog;
import io.holdfast.topology.catalog.TopicEnsurer;
import io.holdfast.topology.config.HoldfastConfig;
import io.holdfast.topology.testkit.KafkaTestClients;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The write path end to end on the real components, every long-running piece a packaged {@code holdfast}
 * command in its own JVM: the revision writer with failures injected after the S3 step and after the row
 * step, the binlog source (Debezium on the MariaDB binlog, the existing rows copied by an incremental
 * snapshot), the S3 scanner, the reconciler and the reconcile executor. The store must converge: checked
 * by {@link InvariantChecker#writePath} from MariaDB, S3 and the binlog's history, not from holdfast's own state.
 * The second test kills (SIGKILL) each component in mid-work and restarts it, and shows from the copy's
 * and the scan's own records that they resumed from their checkpoints.
 */
@ExtendWith(EmbeddedStackExtension.class)
class WritePathConvergenceIT {

    /**
     * Issue 6's full size is 2,000 entities x 3 writes (a quarter written before the binlog source starts, the rest
     * while it runs). The default test command runs the kill run at half of it and the run without kills at 200: the
     * embedded S3 server (S3Mock) makes each audit of 2,000 entities last two to three minutes, and the scale-out and
     * security tests now share the run's time budget. {@code -Dholdfast.it.kill.entities=2000} and
     * {@code -Dholdfast.it.clean.entities=2000} run them at full size.
     */
    private static final int CLEAN_ENTITIES = Integer.getInteger("holdfast.it.clean.entities", 200);
    private static final int KILL_ENTITIES = Integer.getInteger("holdfast.it.kill.entities", 1000);
    private static final int REVISIONS = 3;
    /** From the last write; an audit alone takes one to two minutes at the full size. */
    private static final Duration CONVERGENCE_TIMEOUT = Duration.ofMinutes(10);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path LOGS = Path.of("target", "it-logs");

    @Test
    void theStoreConvergesAfterWriterFailures(EmbeddedKafka kafka, EmbeddedMariaDb db, EmbeddedS3 s3, @TempDir Path dir)
            throws Exception {
        try (Run run = new Run("wp-clean", CLEAN_ENTITIES, kafka, db, s3, dir)) {
            run.writeBefore();
            run.startComponents();
            run.writeDuring(() -> { });
            run.awaitConvergence();
            run.stopComponents();
        }
    }

    @Test
    void theStoreConvergesThroughKillsOfEveryComponent(EmbeddedKafka kafka, EmbeddedMariaDb db, EmbeddedS3 s3, @TempDir Path dir)
            throws Exception {
        try (Run run = new Run("wp-kills", KILL_ENTITIES, kafka, db, s3, dir)) {
            run.writeBefore();
            run.startComponents();
            // The binlog source in the middle of its copy: watched record by record, killed past half of it.
            CopyKill copyKill = run.killBinlogMidCopy();
            run.binlog.start();
            run.writeDuring(() -> {
                // Each of the others in mid-work, and the binlog source again while it streams.
                run.killAndRestart(run.binlog, "while streaming");
                run.awaitScanMidPass(); // kills and restarts the scanner inside a pass
                run.killAndRestart(run.reconciler, "mid-run");
                run.killAndRestart(run.executor, "mid-run");
            });
            run.awaitConvergence();
            run.stopComponents();
            assertCopyResumedFromItsCheckpoint(run, copyKill);
            assertTrue(run.scanResumed, "the scanner resumed its pass after the kill: " + run.scanEvidence);
        }
    }

    /**
     * The copy's checkpoint is the last row key Debezium stored in the offsets it flushed before the kill. A copy
     * that resumed from it reads again only rows after that key (those sent after the last flush); one that started
     * over would read every row again. How many rows follow the checkpoint depends on how far the flushes lagged
     * behind the copy at the moment of the kill (at-least-once), so that figure is printed, not bounded.
     */
    private static void assertCopyResumedFromItsCheckpoint(Run run, CopyKill kill) {
        Map<RowKey, Long> before = kill.copiedBeforeKill().stream().collect(Collectors.groupingBy(k -> k, Collectors.counting()));
        Map<RowKey, Long> overall = run.copiedKeys().stream().collect(Collectors.groupingBy(k -> k, Collectors.counting()));
        RowKey checkpoint = kill.checkpoint();
        List<RowKey> upToCheckpoint = before.keySet().stream().filter(k -> k.compareTo(checkpoint) <= 0).sorted().toList();
        List<RowKey> afterCheckpoint = before.keySet().stream().filter(k -> k.compareTo(checkpoint) > 0).sorted().toList();
        List<RowKey> copiedAgain = before.keySet().stream().filter(k -> overall.get(k) > before.get(k)).sorted().toList();
        System.out.printf(Locale.ROOT, "copy: %d rows existed before the binlog source started; killed after %d copy events; "
                + "checkpoint in the flushed offsets: %s (%d rows copied at or before it, %d after it); %d rows copied again "
                + "after the restart, %d copy events in all%n", run.rowsBeforeStreaming, kill.copiedBeforeKill().size(), checkpoint,
                upToCheckpoint.size(), afterCheckpoint.size(), copiedAgain.size(), overall.values().stream().mapToLong(n -> n).sum());
        assertTrue(kill.copiedBeforeKill().size() < run.rowsBeforeStreaming, "the kill came after the copy had finished");
        assertTrue(before.containsKey(checkpoint), "the checkpoint " + checkpoint + " is a row the copy sent before the kill");
        List<RowKey> readAgainBeforeCheckpoint = copiedAgain.stream().filter(k -> k.compareTo(checkpoint) <= 0).toList();
        assertEquals(List.of(), readAgainBeforeCheckpoint,
                "the restarted copy read again rows at or before its checkpoint " + checkpoint + " (it started over)");
        assertTrue(afterCheckpoint.containsAll(copiedAgain), "only rows after the checkpoint are copied again");
        List<RowKey> neverCopied = run.rowsBeforeStart.stream().filter(k -> !overall.containsKey(k)).toList();
        assertEquals(List.of(), neverCopied, "rows that existed before the binlog source started and were never copied");
    }

    /** A row of the revisions table by its primary key, ordered as the copy reads them. */
    record RowKey(String entityId, long revision) implements Comparable<RowKey> {
        @Override
        public int compareTo(RowKey o) {
            int c = entityId.compareTo(o.entityId);
            return c != 0 ? c : Long.compare(revision, o.revision);
        }

        @Override
        public String toString() {
            return entityId + "/" + revision;
        }
    }

    /** The rows the copy sent before the kill, and the checkpoint it had flushed by then. */
    record CopyKill(List<RowKey> copiedBeforeKill, RowKey checkpoint) {
    }

    /** One run on its own database, bucket prefix and topic prefix, with every component as a process. */
    private static final class Run implements AutoCloseable {
        final String name;
        final int entities;
        /** Written before the binlog source starts: their rows reach it through the copy. */
        final int entitiesBefore;
        final EmbeddedKafka kafka;
        final EmbeddedMariaDb db;
        final Path dir;
        final Path config;
        final TopicCatalog catalog;
        final String database;
        final String prefix;
        /** A bucket of its own: the embedded S3 server's puts slow down as a bucket grows (see EmbeddedS3). */
        final String bucket;
        final S3Client s3;
        final LauncherProcess binlog;
        final LauncherProcess scanner;
        final LauncherProcess reconciler;
        final LauncherProcess executor;
        final List<LauncherProcess> all = new ArrayList<>();
        final Map<String, Integer> stopsPlanted = new TreeMap<>();
        int rowsBeforeStreaming;
        final List<RowKey> rowsBeforeStart = new ArrayList<>();
        boolean scanResumed;
        String scanEvidence = "";
        long lastWriteAt;

        Run(String name, int entities, EmbeddedKafka kafka, EmbeddedMariaDb db, EmbeddedS3 s3Server, Path dir) throws Exception {
            this.name = name;
            this.entities = entities;
            this.entitiesBefore = entities / 4;
            this.kafka = kafka;
            this.db = db;
            this.dir = dir;
            this.database = name.replace('-', '_');
            this.prefix = name + "/";
            this.bucket = "holdfast-" + name + "-" + Long.toString(System.nanoTime(), 36);
            s3 = S3Client.builder().endpointOverride(URI.create(s3Server.endpoint())).forcePathStyle(true)
                    .region(Region.of(EmbeddedS3.REGION)).credentialsProvider(StaticCredentialsProvider.create(
                            AwsBasicCredentials.create(EmbeddedS3.ACCESS_KEY, EmbeddedS3.SECRET_KEY))).build();
            s3.createBucket(b -> b.bucket(bucket));
            String topicPrefix = "it-" + name + "-" + System.nanoTime() + ".";
            try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password()); Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE IF NOT EXISTS " + database);
            }
            Properties p = new Properties();
            p.setProperty("bootstrap.servers", kafka.bootstrapServers());
            p.setProperty(HoldfastConfig.TOPIC_PREFIX, topicPrefix);
            p.setProperty(HoldfastConfig.TOPIC_PARTITIONS, "3");
            p.setProperty(HoldfastConfig.CDC_DATABASE, database);
            p.setProperty(HoldfastConfig.SNAPSHOTS_BUCKET, bucket);
            p.setProperty(HoldfastConfig.SNAPSHOTS_PREFIX, prefix);
            p.setProperty("holdfast.db.url", db.jdbcUrl(database));
            p.setProperty("holdfast.db.user", db.user());
            p.setProperty("holdfast.db.password", db.password());
            p.setProperty("holdfast.s3.endpoint", s3Server.endpoint());
            p.setProperty("holdfast.s3.path.style", "true");
            p.setProperty("holdfast.s3.region", EmbeddedS3.REGION);
            p.setProperty("holdfast.s3.access.key.id", EmbeddedS3.ACCESS_KEY);
            p.setProperty("holdfast.s3.secret.access.key", EmbeddedS3.SECRET_KEY);
            // Small chunks and frequent offset flushes: the copy lasts long enough to be killed in, and a restart
            // can only resume from what was flushed.
            p.setProperty("holdfast.binlog.snapshot.chunk.size", Integer.toString(Math.max(1, entitiesBefore / 50)));
            p.setProperty("holdfast.binlog.offset.flush.interval.ms", "100");
            // Pages of 20 at the default size give a pass enough pages to be killed in; larger ones at the full size, as
            // each ListObjectsV2 call costs the embedded server time in proportion to the bucket.
            p.setProperty("holdfast.scan.page.size", Integer.toString(Math.max(20, entities / 10)));
            p.setProperty("holdfast.scan.interval.ms", "10000");
            p.setProperty("holdfast.reconciler.grace.ms", "3000");
            // Retries one backoff after the executor's answer (the effect reaches the reconciler through the binlog or
            // the results within seconds), or the longest backoff after an attempt the executor has not answered.
            p.setProperty("holdfast.reconciler.retry.backoff.ms", "10000");
            p.setProperty("holdfast.reconciler.retry.backoff.max.ms", "120000");
            p.setProperty(HoldfastConfig.HTTP_PORT, "0");
            // A killed member's partitions move after its session times out: keep that short here.
            p.setProperty("session.timeout.ms", "6000");
            p.setProperty("heartbeat.interval.ms", "1000");
            config = dir.resolve("holdfast.properties");
            try (var out = Files.newBufferedWriter(config)) {
                p.store(out, "write path IT " + name + " (credentials of throwaway embedded servers)");
            }
            catalog = new TopicCatalog(HoldfastConfig.ofValidated(p)); // the file holds every component's keys
            try (Admin admin = kafka.admin()) {
                new TopicEnsurer(admin, Duration.ofSeconds(60)).ensure(catalog.all());
            }
            Path logs = LOGS.resolve(name);
            String cfg = config.toString();
            binlog = track(new LauncherProcess("binlog", logs, "connect", "binlog", "--config", cfg));
            scanner = track(new LauncherProcess("scanner", logs, "scan", "s3", "--config", cfg));
            reconciler = track(new LauncherProcess("reconciler", logs, "run", "reconciler", "--config", cfg,
                    "--set", "state.dir=" + dir.resolve("reconciler-state")));
            executor = track(new LauncherProcess("executor", logs, "execute", "reconcile", "--config", cfg));
        }

        private LauncherProcess track(LauncherProcess p) {
            all.add(p);
            return p;
        }

        /** Entities written before the binlog source first starts: their rows reach it through the copy. */
        void writeBefore() throws Exception {
            write("pre-", entitiesBefore, 1, null);
            try (Connection c = DriverManager.getConnection(db.jdbcUrl(database), db.user(), db.password());
                 Statement s = c.createStatement(); var r = s.executeQuery("SELECT entity_id, revision FROM revisions")) {
                while (r.next()) {
                    rowsBeforeStart.add(new RowKey(r.getString(1), r.getLong(2)));
                }
                rowsBeforeStreaming = rowsBeforeStart.size();
            }
        }

        void startComponents() throws Exception {
            for (LauncherProcess p : List.of(binlog, scanner, reconciler, executor)) {
                p.start();
            }
        }

        /** The rest of the entities, written while everything runs; {@code meanwhile} runs beside the writer. */
        void writeDuring(ThrowingRunnable meanwhile) throws Exception {
            LauncherProcess writer = write("live-", entities - entitiesBefore, 2, meanwhile);
            assertEquals(0, writer.awaitExit(0, TimeUnit.SECONDS));
        }

        private LauncherProcess write(String entityPrefix, int entities, int seed, ThrowingRunnable meanwhile) throws Exception {
            Path ledger = dir.resolve(entityPrefix + "ledger.jsonl");
            LauncherProcess writer = track(new LauncherProcess("writer-" + entityPrefix.replace("-", ""), LOGS.resolve(name),
                    "write", "--config", config.toString(), "--entities", Integer.toString(entities), "--revisions",
                    Integer.toString(REVISIONS), "--fail-after-s3", "0.1", "--fail-after-row", "0.1", "--rate", "400",
                    "--threads", "8", "--seed", Integer.toString(seed), "--entity-prefix", entityPrefix,
                    "--ledger", ledger.toString()));
            writer.start();
            if (meanwhile != null) {
                meanwhile.run();
            }
            int exit = writer.awaitExit(20, TimeUnit.MINUTES);
            assertEquals(0, exit, "writer:\n" + writer.logTail());
            lastWriteAt = System.currentTimeMillis();
            for (String line : Files.readAllLines(ledger, StandardCharsets.UTF_8)) {
                stopsPlanted.merge(JSON.readTree(line).path("stopped_after").asText(), 1, Integer::sum);
            }
            return writer;
        }

        void killAndRestart(LauncherProcess p, String when) throws Exception {
            Thread.sleep(3_000); // let it get into its work
            p.kill();
            System.out.println(name + ": killed " + p.log().getFileName() + " " + when);
            p.start();
        }

        /** Waits until the scanner is inside a pass (some objects emitted, not all), then kills and restarts it. */
        void awaitScanMidPass() throws Exception {
            String key = "s3:" + bucket + "/" + prefix;
            WorkflowProgress[] seen = new WorkflowProgress[1];
            // Followed with one consumer, record by record: a pass lasts seconds, re-reading the topic would miss it.
            try (KafkaConsumer<String, WorkflowProgress> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(),
                    catalog.workflow.valueSerde().deserializer())) {
                consumer.seekToEnd(KafkaTestClients.assignAllFromBeginning(consumer, catalog.workflow.name()));
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
                while (seen[0] == null) {
                    if (System.nanoTime() > deadline) {
                        fail("the scanner reported no pass in progress within 3 minutes");
                    }
                    for (ConsumerRecord<String, WorkflowProgress> r : consumer.poll(Duration.ofMillis(20))) {
                        WorkflowProgress w = r.value();
                        if (key.equals(r.key()) && w != null && w.getDiffPass() != null
                                && w.getDiffPass().getState().name().equals("RUNNING") && w.getDiffPass().getObjectsCompared() > 0) {
                            seen[0] = w;
                        }
                    }
                }
            }
            String pass = seen[0].getDiffPass().getPassId();
            long before = seen[0].getDiffPass().getObjectsCompared();
            scanner.kill();
            System.out.println(name + ": killed the scanner in pass " + pass + " after " + before + " objects");
            scanner.start();
            // The restarted scanner reports that pass again with a larger count (it may then finish it and start the
            // next one before this looks: every report since the kill is read, not only the latest).
            awaitCount("scan resumed", () -> {
                long[] after = {-1};
                String[] other = {null};
                readAll(catalog.workflow.name(), catalog.workflow.valueSerde().deserializer(), (k, v) -> {
                    WorkflowProgress w = (WorkflowProgress) v;
                    if (key.equals(k) && w != null && w.getDiffPass() != null) {
                        if (pass.equals(w.getDiffPass().getPassId())) {
                            after[0] = Math.max(after[0], w.getDiffPass().getObjectsCompared());
                        } else if (after[0] <= before && other[0] == null && w.getDiffPass().getStartedTime().toEpochMilli()
                                > seen[0].getDiffPass().getStartedTime().toEpochMilli()) {
                            other[0] = w.getDiffPass().getPassId();
                        }
                    }
                });
                if (after[0] > before) {
                    scanResumed = true;
                    scanEvidence = "pass " + pass + ": " + before + " objects before the kill, " + after[0]
                            + " in its reports after the restart, same pass id";
                    return 1;
                }
                if (other[0] != null) {
                    scanEvidence = "the restarted scanner began pass " + other[0] + " without finishing " + pass;
                    return 1;
                }
                return 0;
            }, n -> n == 1, Duration.ofMinutes(3));
            System.out.println(name + ": " + scanEvidence);
        }

        /**
         * Polls the audit until the store is consistent; prints the figures the closing note asks for. An audit reads
         * every object's tags from the S3 server, which takes a while at the full size, so convergence is reported as
         * the interval of the first audit that found nothing wrong.
         */
        void awaitConvergence() throws Exception {
            long deadline = System.currentTimeMillis() + CONVERGENCE_TIMEOUT.toMillis();
            InvariantChecker.WritePathReport report;
            long auditStarted;
            while (true) {
                auditStarted = System.currentTimeMillis();
                try (Connection c = DriverManager.getConnection(db.jdbcUrl(database), db.user(), db.password())) {
                    report = InvariantChecker.writePath(s3, bucket, prefix, c, kafka.bootstrapServers(),
                            catalog.cdcRevisions.name(), catalog.cdcEntityHeads.name());
                }
                if (report.problems().isEmpty() || System.currentTimeMillis() > deadline) {
                    break;
                }
                for (LauncherProcess p : List.of(binlog, scanner, reconciler, executor)) {
                    assertTrue(p.isAlive(), p.log().getFileName() + " died:\n" + p.logTail());
                }
                Thread.sleep(5_000);
            }
            long auditEnded = System.currentTimeMillis();
            System.out.println(name + ": " + report.summary());
            assertEquals(List.of(), report.problems(), name + " did not converge within " + CONVERGENCE_TIMEOUT + " of the last write");
            assertEquals(entities * REVISIONS, report.snapshots());
            String converged = String.format(Locale.ROOT, "converged by %.1f s after the last write (the first audit to find "
                    + "nothing wrong ran from %.1f s to %.1f s)", (auditEnded - lastWriteAt) / 1000.0,
                    (auditStarted - lastWriteAt) / 1000.0, (auditEnded - lastWriteAt) / 1000.0);
            Map<String, Integer> commands = new TreeMap<>();
            readAll(catalog.reconcileCommands.name(), catalog.reconcileCommands.valueSerde().deserializer(),
                    (k, v) -> commands.merge(((ReconcileCommand) v).getType().name(), 1, Integer::sum));
            System.out.printf(Locale.ROOT, "%s: %d entities x %d writes; %s; stops planted %s; commands issued %s; copy %s%n",
                    name, entities, REVISIONS, converged, stopsPlanted, commands, copyRate());
        }

        /** The copy's rate: rows copied between Debezium's STARTED and COMPLETED notifications. */
        String copyRate() {
            long[] times = {-1, -1};
            readAll(catalog.cdcNotifications.name(), new StringDeserializer(), (k, v) -> {
                try {
                    JsonNode n = JSON.readTree((String) v);
                    JsonNode payload = n.has("payload") ? n.get("payload") : n;
                    if (!payload.path("aggregate_type").asText().equals("Incremental Snapshot")) {
                        return;
                    }
                    String type = payload.path("type").asText();
                    if (type.equals("STARTED") && times[0] < 0) {
                        times[0] = payload.path("timestamp").asLong();
                    } else if (type.equals("COMPLETED")) {
                        times[1] = payload.path("timestamp").asLong();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            if (times[0] < 0 || times[1] < 0) {
                return "not completed";
            }
            int rows = copiedRows();
            double seconds = Math.max(0.001, (times[1] - times[0]) / 1000.0);
            return String.format(Locale.ROOT, "%d copy events in %.1f s = %.0f rows/s (revisions table)",
                    rows, seconds, rows / seconds);
        }

        int copiedRows() {
            return copiedKeys().size();
        }

        /**
         * Follows the revisions topic and the binlog source's offsets with one consumer (re-reading them each time
         * would be too slow to see the copy in progress), kills the binlog source once half of the existing rows
         * were copied and a checkpoint inside the revisions table was flushed, and returns the rows copied before
         * the kill with the checkpoint the restart will load.
         */
        CopyKill killBinlogMidCopy() throws Exception {
            ChangeEventParser parser = new ChangeEventParser();
            String revisionsTopic = catalog.cdcRevisions.name();
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new StringDeserializer())) {
                KafkaTestClients.assignAllFromBeginning(consumer, revisionsTopic, catalog.binlogOffsets.name());
                int copied = 0;
                RowKey flushed = null;
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
                while (copied < rowsBeforeStreaming / 2 || flushed == null) {
                    if (System.nanoTime() > deadline) {
                        fail("the copy did not get half way with a flushed checkpoint within 3 minutes (" + copied
                                + " rows, checkpoint " + flushed + ")");
                    }
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(20))) {
                        if (r.topic().equals(revisionsTopic)) {
                            if (r.value() != null && parser.parse(r.key(), r.value()).op() == Op.READ) {
                                copied++;
                            }
                        } else {
                            flushed = copyCheckpoint(r.value());
                        }
                    }
                }
            }
            binlog.kill();
            // What the restart loads: the last offsets stored under the engine's name.
            String[] last = {null};
            readAll(catalog.binlogOffsets.name(), new StringDeserializer(), (k, v) -> last[0] = (String) v);
            RowKey checkpoint = copyCheckpoint(last[0]);
            assertTrue(checkpoint != null, "no copy checkpoint in the offsets stored before the kill: " + last[0]);
            return new CopyKill(copiedKeys(), checkpoint);
        }

        /**
         * The copy's position in a Debezium offset: the key of the last row it sent ({@code
         * incremental_snapshot_primary_key}, a hex-encoded serialized {@code Object[]}), when the table being copied is
         * the revisions table; null otherwise.
         */
        private RowKey copyCheckpoint(String offsets) {
            if (offsets == null) {
                return null;
            }
            try {
                JsonNode o = JSON.readTree(offsets);
                String key = o.path("incremental_snapshot_primary_key").asText(null);
                String collections = o.path("incremental_snapshot_collections").asText(null);
                if (key == null || collections == null) {
                    return null;
                }
                JsonNode copying = JSON.readTree(collections).path(0).path("incremental_snapshot_collections_id");
                if (!copying.asText().endsWith(".revisions")) {
                    return null;
                }
                try (var in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(HexFormat.of().parseHex(key)))) {
                    Object[] row = (Object[]) in.readObject();
                    return row == null ? null : new RowKey((String) row[0], ((Number) row[1]).longValue());
                }
            } catch (Exception e) {
                throw new IllegalStateException("unreadable binlog offsets: " + offsets, e);
            }
        }

        /** The rows of the revisions table in its copy events (op r) so far, in topic order per partition. */
        List<RowKey> copiedKeys() {
            List<RowKey> keys = new ArrayList<>();
            ChangeEventParser parser = new ChangeEventParser();
            readAll(catalog.cdcRevisions.name(), new StringDeserializer(), (k, v) -> {
                if (v != null) {
                    var e = parser.parse((String) k, (String) v);
                    if (e.op() == Op.READ) {
                        keys.add(new RowKey(e.after().string("entity_id"), e.after().longValue("revision")));
                    }
                }
            });
            return keys;
        }

        WorkflowProgress latest(String topic, String key) {
            WorkflowProgress[] last = new WorkflowProgress[1];
            readAll(topic, catalog.workflow.valueSerde().deserializer(), (k, v) -> {
                if (key.equals(k)) {
                    last[0] = (WorkflowProgress) v;
                }
            });
            return last[0];
        }

        @SuppressWarnings("unchecked")
        private void readAll(String topic, org.apache.kafka.common.serialization.Deserializer<?> values,
                             BiConsumer<String, Object> each) {
            KafkaTestClients.readToEnd(kafka.bootstrapServers(), topic, new StringDeserializer(),
                    (org.apache.kafka.common.serialization.Deserializer<Object>) values, r -> each.accept(r.key(), r.value()));
        }

        int awaitCount(String what, java.util.function.IntSupplier count, java.util.function.IntPredicate done, Duration timeout)
                throws Exception {
            long deadline = System.nanoTime() + timeout.toNanos();
            int n = count.getAsInt();
            while (!done.test(n)) {
                if (System.nanoTime() > deadline) {
                    fail(what + ": not reached within " + timeout + " (last " + n + ")");
                }
                Thread.sleep(1_000);
                n = count.getAsInt();
            }
            return n;
        }

        void stopComponents() throws Exception {
            for (LauncherProcess p : List.of(executor, reconciler, scanner, binlog)) {
                int exit = p.stop();
                assertEquals(0, exit, p.log().getFileName() + " did not stop cleanly:\n" + p.logTail());
            }
        }

        /** Every process this run started is gone, by PID: no orphan after the test. */
        @Override
        public void close() {
            s3.close();
            List<Long> pids = new ArrayList<>();
            for (LauncherProcess p : all) {
                p.close();
                pids.addAll(p.pids());
            }
            for (long pid : pids) {
                assertTrue(ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true), "process " + pid + " still running");
            }
        }
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }
}
