package io.holdfast.bench;

import io.holdfast.connectors.reconcile.ReconcileExecutorConfig;
import io.holdfast.connectors.scan.ScanConfig;
import io.holdfast.connectors.store.EntityStoreSchema;
import io.holdfast.connectors.store.StoreClients;
import io.holdfast.connectors.store.StoreConfig;
import io.holdfast.connectors.writer.FailurePlan;
import io.holdfast.connectors.writer.RevisionWriter;
import io.holdfast.connectors.writer.StoppedAfter;
import io.holdfast.connectors.writer.WriteLoad;
import io.holdfast.connectors.writer.WriteResult;
import io.holdfast.embedded.EmbeddedKafka;
import io.holdfast.embedded.EmbeddedMariaDb;
import io.holdfast.embedded.EmbeddedS3;
import io.holdfast.reconciler.ReconcilerConfig;
import io.holdfast.topology.catalog.TopicCatalog;
import io.holdfast.topology.catalog.TopicEnsurer;
import io.holdfast.topology.config.HoldfastConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Repair latency (issue 8, point 4): how long an orphaned snapshot (in S3, tagged pending, no revision
 * row: a writer that stopped after the S3 put) waits for its {@code ReplaySnapshot}, next to a periodic
 * batch job ({@link BatchReconciler}) on the same data.
 *
 * <p>One data set on the real components (S3Mock, MariaDB, the given broker): {@code entities} complete
 * writes through {@link RevisionWriter}. Then:
 * <ol>
 *   <li>holdfast: the whole write path runs ({@link WritePath}); {@code orphans} writes stopped after the
 *       put are made at random moments over {@code plantPeriod}. For each: the put's return, the first
 *       arrival of its {@code SnapshotObject} on {@code s3.snapshots} and of its {@code ReplaySnapshot} on
 *       {@code commands.reconcile}, both read_committed ({@link RepairWatch}). Records read: objects listed
 *       and S3 reads made to inspect them by the scanner, change events and inventory records taken in by
 *       the reconciler, from the start of planting to the last repair. Then the executor's rows are awaited and
 *       the write path stopped.</li>
 *   <li>the batch job, alone: passes back to back (its best case) while a second set of {@code orphans}
 *       (other entities) is planted the same way. A second set because holdfast, once it has replayed an
 *       orphan, removes it from the batch job's view; and alone because the two must not both repair the
 *       store. Holdfast's components are stopped by then, so the job runs on a quieter machine than
 *       holdfast did: the comparison favours the baseline. Its latency with passes on a fixed schedule
 *       ({@code batchSchedule} apart, and the scanner's interval apart for a like-for-like period) is
 *       derived from the measured put and LastModified times and the median measured pass duration (see
 *       {@link Scheduled}).</li>
 * </ol>
 * The figure the target applies to is holdfast's inventory -> ReplaySnapshot: p99 at most grace + 1 s
 * (reported, not asserted).
 */
public final class RepairLatencyBench {

    private static final String BUCKET = "bench-snapshots";
    private static final String ENTITY_PREFIX = "repair-";
    private static final long PROGRESS_EVERY_NANOS = TimeUnit.SECONDS.toNanos(5);

    /**
     * @param entities       entities seeded with one complete write each
     * @param orphans        orphans planted for holdfast, and as many again for the batch job
     * @param graceMs        the reconciler's grace ({@link ReconcilerConfig#GRACE_MS}); the batch job waits as long
     * @param scanIntervalMs the scanner's pass interval ({@link ScanConfig#INTERVAL_MS})
     * @param plantPeriod    the orphans of each side are planted at uniformly random moments within this
     * @param batchSchedule  period of the scheduled batch job a derived figure is for (another is at the scan interval)
     * @param writerThreads  threads seeding the entities
     * @param seed           seed of the orphans' entities and moments
     */
    public record Options(int entities, int orphans, long graceMs, long scanIntervalMs, Duration plantPeriod,
                          Duration batchSchedule, int writerThreads, long seed) {

        public Options {
            if (orphans < 1 || entities < 2 * orphans) {
                throw new IllegalArgumentException("need at least one orphan and twice as many entities as orphans (each side "
                        + "plants its own on entities of their own), not " + entities + " entities for " + orphans + " orphans");
            }
            if (graceMs < 0 || scanIntervalMs < 1_000 || plantPeriod.isNegative() || plantPeriod.isZero()
                    || batchSchedule.isNegative() || batchSchedule.isZero() || writerThreads < 1) {
                throw new IllegalArgumentException("grace >= 0, scan interval >= 1 s, positive periods and writer threads");
            }
        }

        /** 300 entities, 20 orphans over 60 s; grace 5 s and a scan every 10 s (the dev stack's settings); the scheduled batch job every 60 s. */
        public static Options quick() {
            return new Options(300, 20, 5_000, 10_000, Duration.ofSeconds(60), Duration.ofSeconds(60), 4, 1);
        }

        /** 1,000 entities, 100 orphans over 120 s; otherwise as {@link #quick()}. */
        public static Options full() {
            return new Options(1_000, 100, 5_000, 10_000, Duration.ofSeconds(120), Duration.ofSeconds(60), 4, 1);
        }

        public Options withEntities(int n) {
            return new Options(n, orphans, graceMs, scanIntervalMs, plantPeriod, batchSchedule, writerThreads, seed);
        }

        public Options withOrphans(int k) {
            return new Options(entities, k, graceMs, scanIntervalMs, plantPeriod, batchSchedule, writerThreads, seed);
        }

        public Options withGraceMs(long ms) {
            return new Options(entities, orphans, ms, scanIntervalMs, plantPeriod, batchSchedule, writerThreads, seed);
        }

        public Options withScanIntervalMs(long ms) {
            return new Options(entities, orphans, graceMs, ms, plantPeriod, batchSchedule, writerThreads, seed);
        }

        public Options withPlantPeriod(Duration period) {
            return new Options(entities, orphans, graceMs, scanIntervalMs, period, batchSchedule, writerThreads, seed);
        }

        public Options withBatchSchedule(Duration period) {
            return new Options(entities, orphans, graceMs, scanIntervalMs, plantPeriod, period, writerThreads, seed);
        }

        public Options withSeed(long s) {
            return new Options(entities, orphans, graceMs, scanIntervalMs, plantPeriod, batchSchedule, writerThreads, s);
        }
    }

    /**
     * Holdfast's side. Latencies in ms, one per orphan that reached that stage, in planting order.
     *
     * @param putToInventoryMs     put returned -> first SnapshotObject arrived (the scanner)
     * @param inventoryToReplayMs  first SnapshotObject arrived -> first ReplaySnapshot arrived committed (the reconciler)
     * @param putToReplayMs        put returned -> first ReplaySnapshot arrived committed (end to end)
     * @param scanToDecidedMs      the SnapshotObject's scan_time -> the command's decided_time: the grace runs from the former
     * @param decidedToCommittedMs decided_time -> arrival: the transaction's commit and the read
     * @param unrepaired           orphans (entity/revision) without a ReplaySnapshot when the wait ended
     * @param retried              orphans for which more than one ReplaySnapshot attempt was seen
     * @param startupReplays       snapshots of the seeded (complete) writes with a ReplaySnapshot before planting: none expected
     * @param otherReplays         snapshots other than the orphans with a ReplaySnapshot from the start of planting: none expected
     * @param windowMs             from the start of planting to the last repair (or the end of the wait)
     * @param scanPasses           scan passes completed within the window
     * @param objectsListed        objects returned by the scanner's ListObjectsV2 pages within the window
     * @param inspectionReads      HeadObject and GetObjectTagging calls the scanner made within the window
     * @param inventoryEvents      SnapshotObject records the reconciler took in within the window
     * @param cdcEvents            change events (revisions, heads) the reconciler took in within the window
     */
    public record Holdfast(int planted, List<Long> putToInventoryMs, List<Long> inventoryToReplayMs, List<Long> putToReplayMs,
                           List<Long> scanToDecidedMs, List<Long> decidedToCommittedMs, List<String> unrepaired, int retried,
                           List<String> startupReplays, List<String> otherReplays, long windowMs, long scanPasses, long objectsListed, long inspectionReads,
                           long inventoryEvents, long cdcEvents) {
        public int repairs() {
            return putToReplayMs.size();
        }

        public long recordsRead() {
            return objectsListed + inspectionReads + inventoryEvents + cdcEvents;
        }
    }

    /**
     * The batch job's side. Latencies in ms, one per orphan decided, in planting order.
     *
     * @param passDurationsMs    every back-to-back pass of the phase
     * @param recordsPerPass     objects listed + rows read + HeadObject calls, per pass
     * @param backToBackMs       put returned -> replay decided, passes back to back (measured)
     * @param undecided          planted orphans the back-to-back job had not decided when the wait ended
     * @param otherDecisions     replays decided for objects that were not planted for it (none expected)
     * @param backToBackWindowMs start of planting -> end of the pass of the last decision
     * @param backToBackPasses   passes that ended within that window
     * @param backToBackRecords  records those passes read
     * @param scheduled          the same job on fixed schedules (derived): the stated period, and the scanner's interval
     */
    public record Batch(int planted, List<Long> passDurationsMs, List<Long> recordsPerPass, List<Long> backToBackMs,
                        List<String> undecided, List<String> otherDecisions, long backToBackWindowMs, int backToBackPasses,
                        long backToBackRecords, List<Scheduled> scheduled) {
        public int repairs() {
            return backToBackMs.size();
        }
    }

    /**
     * The batch job with passes starting at {@code t0 + n * periodMs}, t0 the start of planting, derived
     * from what was measured rather than run: a pass starting at {@code s} lists what was put before
     * {@code s} and decides at {@code s + median pass duration} every listed orphan whose LastModified is
     * at least the grace older than that; an orphan's time to repair is that decision time minus its
     * measured put time. Records read: the passes from t0 to the last decision, each at the median records
     * per pass.
     */
    public record Scheduled(long periodMs, List<Long> putToDecidedMs, long windowMs, int passes, long records) {}

    /** What one run measured, and the table {@link #main} prints. */
    public record Result(Options options, Holdfast holdfast, Batch batch) {

        public long targetMs() {
            return options.graceMs() + 1_000;
        }

        public List<String> table() {
            Holdfast h = holdfast;
            Batch b = batch;
            List<String> lines = new ArrayList<>();
            lines.add(String.format(Locale.ROOT, "repair latency: %,d entities (one complete write each) + %d orphans per side, planted at "
                            + "random over %d s; grace %,d ms, scan interval %,d ms", options.entities(), options.orphans(),
                    options.plantPeriod().toSeconds(), options.graceMs(), options.scanIntervalMs()));
            lines.add(String.format(Locale.ROOT, "%-52s %5s %8s %8s %8s", "stage (ms)", "n", "p50", "p99", "max"));
            lines.add(stage("holdfast put -> inventory (scanner)", h.putToInventoryMs()));
            lines.add(stage("holdfast inventory -> ReplaySnapshot committed", h.inventoryToReplayMs()));
            lines.add(stage("holdfast put -> ReplaySnapshot (end to end)", h.putToReplayMs()));
            lines.add(stage("  detail: scan_time -> decided_time", h.scanToDecidedMs()));
            lines.add(stage("  detail: decided_time -> committed, read", h.decidedToCommittedMs()));
            lines.add(stage("batch   put -> replay decided, back to back", b.backToBackMs()));
            for (Scheduled sc : b.scheduled()) {
                lines.add(stage("batch   put -> replay decided, every " + period(sc.periodMs()) + " (*)", sc.putToDecidedMs()));
            }
            long p99 = h.inventoryToReplayMs().isEmpty() ? -1 : percentile(h.inventoryToReplayMs(), 0.99);
            lines.add(String.format(Locale.ROOT, "target (reported, not asserted): holdfast inventory -> ReplaySnapshot p99 <= grace + 1 s "
                            + "= %,d ms: %s", targetMs(),
                    p99 < 0 ? "no repair measured" : (p99 <= targetMs() ? "met" : "NOT met") + " (p99 " + String.format(Locale.ROOT, "%,d", p99)
                            + " ms" + (h.unrepaired().isEmpty() ? "" : "; " + h.unrepaired().size() + " orphans never repaired") + ")"));
            lines.add("");
            lines.add(String.format(Locale.ROOT, "%-34s %7s %11s %11s %8s", "records read", "repairs", "total", "per repair", "window"));
            lines.add(reads("holdfast (scanner + reconciler)", h.repairs(), h.recordsRead(), h.windowMs())
                    + String.format(Locale.ROOT, "  = %,d objects listed (%d scan passes) + %,d HeadObject/GetObjectTagging + %,d inventory "
                    + "+ %,d CDC events", h.objectsListed(), h.scanPasses(), h.inspectionReads(), h.inventoryEvents(), h.cdcEvents()));
            lines.add(reads("batch, back to back", b.repairs(), b.backToBackRecords(), b.backToBackWindowMs())
                    + String.format(Locale.ROOT, "  = %,d passes", b.backToBackPasses()));
            for (Scheduled sc : b.scheduled()) {
                lines.add(reads("batch, every " + period(sc.periodMs()) + " (*)", sc.putToDecidedMs().size(), sc.records(), sc.windowMs())
                        + String.format(Locale.ROOT, "  = %,d passes x %,d records", sc.passes(), median(b.recordsPerPass())));
            }
            lines.add(String.format(Locale.ROOT, "batch pass (objects listed + rows read + HeadObject of each replay), %,d passes back to back: "
                            + "duration min/median/max %,d / %,d / %,d ms; records read per pass min/median/max %,d / %,d / %,d",
                    b.passDurationsMs().size(), min(b.passDurationsMs()), median(b.passDurationsMs()), max(b.passDurationsMs()),
                    min(b.recordsPerPass()), median(b.recordsPerPass()), max(b.recordsPerPass())));
            lines.add("(*) derived, not run: passes on a fixed schedule from the start of planting, each taking the median measured pass "
                    + "duration, deciding from the measured put and LastModified times.");
            lines.add("p99 is the nearest rank: with fewer than 100 orphans it is the max. Records are counted over the window from the "
                    + "start of planting to the last repair.");
            if (h.retried() > 0 || !h.startupReplays().isEmpty() || !h.otherReplays().isEmpty() || !b.undecided().isEmpty()
                    || !b.otherDecisions().isEmpty() || !h.unrepaired().isEmpty()) {
                lines.add(String.format(Locale.ROOT, "notes: holdfast orphans never repaired %s; orphans with more than one ReplaySnapshot "
                                + "attempt %d; ReplaySnapshots of complete writes during start-up %d %s; other ReplaySnapshots while measuring %s; "
                                + "batch orphans never decided %s; other batch decisions %s", h.unrepaired(), h.retried(),
                        h.startupReplays().size(), abbreviated(h.startupReplays()), h.otherReplays(), b.undecided(), b.otherDecisions()));
            }
            return lines;
        }

        private static String abbreviated(List<String> keys) {
            return keys.size() <= 5 ? keys.toString() : keys.subList(0, 5) + " and " + (keys.size() - 5) + " more";
        }

        private static String period(long ms) {
            return ms % 1000 == 0 ? ms / 1000 + " s" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
        }

        private static String stage(String name, List<Long> ms) {
            if (ms.isEmpty()) {
                return String.format(Locale.ROOT, "%-52s %5d %8s %8s %8s", name, 0, "-", "-", "-");
            }
            return String.format(Locale.ROOT, "%-52s %5d %,8d %,8d %,8d", name, ms.size(), percentile(ms, 0.50), percentile(ms, 0.99), max(ms));
        }

        private static String reads(String name, int repairs, long records, long windowMs) {
            return String.format(Locale.ROOT, "%-34s %7d %,11d %,11.0f %6.1f s", name, repairs, records,
                    repairs == 0 ? Double.NaN : (double) records / repairs, windowMs / 1000.0);
        }
    }

    private RepairLatencyBench() {
    }

    /**
     * Runs both sides on {@code kafka}, with MariaDB and S3Mock of its own under {@code dir}; progress lines
     * go to standard output. Topic names, groups and application ids carry a prefix of this run's own.
     */
    public static Result run(EmbeddedKafka kafka, Path dir, Options options) throws Exception {
        String prefix = "bench-repair-" + System.nanoTime() + ".";
        long began = System.nanoTime();
        say("repair latency: starting MariaDB and S3Mock in %s", dir);
        try (EmbeddedMariaDb db = EmbeddedMariaDb.start(EmbeddedMariaDb.Options.in(dir.resolve("mariadb")));
             EmbeddedS3 s3 = EmbeddedS3.start(EmbeddedS3.Options.in(dir.resolve("s3"), BUCKET))) {
            say("  MariaDB and S3Mock up after %.1f s", seconds(began));
            Map<String, String> settings = settings(kafka, db, s3, dir, prefix, options);
            TopicCatalog catalog = new TopicCatalog(ReconcilerConfig.ofValidated(settings));
            try (Admin admin = kafka.admin()) {
                new TopicEnsurer(admin, Duration.ofSeconds(60)).ensure(catalog.all());
            }
            StoreConfig store = StoreConfig.ofValidated(settings);
            try (StoreClients clients = StoreClients.open(store)) {
                try (Connection c = clients.connection()) {
                    EntityStoreSchema.ensure(c);
                }
                seed(clients, store, options);
                List<String> entities = new ArrayList<>();
                for (int i = 1; i <= options.entities(); i++) {
                    entities.add(String.format("%s%06d", ENTITY_PREFIX, i));
                }
                Collections.shuffle(entities, new Random(options.seed()));
                List<String> forHoldfast = entities.subList(0, options.orphans());
                List<String> forBatch = entities.subList(options.orphans(), 2 * options.orphans());
                Holdfast holdfast;
                say("repair latency: starting the write path (binlog source, S3 scanner, reconciler, reconcile executor)");
                long starting = System.nanoTime();
                // Watching from before the start: a ReplaySnapshot for a complete write, at any time, is a finding.
                try (RepairWatch watch = new RepairWatch(kafka.bootstrapServers(), catalog);
                     WritePath path = WritePath.start(settings)) {
                    say("  write path started in %.1f s", seconds(starting));
                    awaitSettled(kafka, path, catalog);
                    holdfast = measureHoldfast(path, watch, clients, store, forHoldfast, options);
                    say("repair latency: stopping the write path");
                }
                Batch batch = measureBatch(clients, store, settings, forBatch, options);
                say("repair latency: done in %.0f s", seconds(began));
                return new Result(options, holdfast, batch);
            }
        }
    }

    /** The settings {@code holdfast dev} gives the write path on the embedded stack, with this run's grace, scan interval and names. */
    private static Map<String, String> settings(EmbeddedKafka kafka, EmbeddedMariaDb db, EmbeddedS3 s3, Path dir, String prefix,
                                                Options options) throws Exception {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("bootstrap.servers", kafka.bootstrapServers());
        s.put(HoldfastConfig.TOPIC_PREFIX, prefix);
        s.put(StoreConfig.DB_URL, db.jdbcUrl());
        s.put(StoreConfig.DB_USER, db.user());
        s.put(StoreConfig.DB_PASSWORD, db.password());
        s.put(StoreConfig.S3_ENDPOINT, s3.endpoint());
        s.put(StoreConfig.S3_PATH_STYLE, "true");
        s.put(StoreConfig.S3_REGION, EmbeddedS3.REGION);
        s.put(StoreConfig.S3_ACCESS_KEY_ID, EmbeddedS3.ACCESS_KEY);
        s.put(StoreConfig.S3_SECRET_ACCESS_KEY, EmbeddedS3.SECRET_KEY);
        s.put(HoldfastConfig.SNAPSHOTS_BUCKET, BUCKET);
        s.put(ScanConfig.INTERVAL_MS, Long.toString(options.scanIntervalMs()));
        s.put(ReconcilerConfig.GRACE_MS, Long.toString(options.graceMs()));
        s.put(ReconcileExecutorConfig.GROUP_ID, prefix + "holdfast-reconcile-executor");
        s.put(HoldfastConfig.HTTP_PORT, "0");
        s.put("state.dir", Files.createDirectories(dir.resolve("streams-state")).toString());
        return s;
    }

    /** {@code entities} complete writes (snapshot, row, head, published tag), over a few threads: S3Mock is the slow part. */
    private static void seed(StoreClients clients, StoreConfig store, Options options) throws InterruptedException {
        say("repair latency: seeding %,d entities with a complete write each (S3Mock: tens of puts/s)", options.entities());
        RevisionWriter writer = new RevisionWriter(clients.s3(), clients.database(), store.bucket(), store.prefix(), FailurePlan.none());
        WriteLoad load = new WriteLoad(writer, new WriteLoad.Settings(options.entities(), 1, 1_000_000, options.writerThreads(),
                options.seed(), ENTITY_PREFIX), Optional.empty());
        WriteLoad.Progress done = load.run(Duration.ofSeconds(5), p -> say("  seeding: %s", p.oneLine()));
        say("  seeded: %s", done.oneLine());
    }

    /**
     * Until the source streams, both tables are past their copy (before that the reconciler decides no
     * repair), the scanner has completed a pass and the reconciler has taken in everything so far: the
     * seeded store is then settled, and what follows measures the orphans, not the start.
     */
    private static void awaitSettled(EmbeddedKafka kafka, WritePath path, TopicCatalog catalog) throws Exception {
        long began = System.nanoTime();
        long deadline = began + TimeUnit.MINUTES.toNanos(5);
        long nextLine = began + PROGRESS_EVERY_NANOS;
        String group = path.reconciler().applicationId();
        List<String> inputs = List.of(catalog.cdcRevisions.name(), catalog.cdcEntityHeads.name(), catalog.snapshots.name(),
                catalog.reconcilerByEntity.name());
        try (Admin admin = kafka.admin()) {
            while (true) {
                failIfDown(path);
                boolean streaming = path.binlog().isStreaming();
                boolean running = path.reconciler().streams().state() == KafkaStreams.State.RUNNING;
                boolean copied = path.copyDone();
                long passes = path.scanStatus().passesCompleted();
                boolean caughtUp = running && consumed(admin, group, inputs);
                if (streaming && copied && passes >= 1 && caughtUp) {
                    say("  write path settled after %.1f s: binlog streaming, copy done, %d scan pass(es), inputs consumed; decisions "
                                    + "so far (none expected: every write was complete): replay %d, mark published %d, advance head %d",
                            seconds(began), passes, path.decisions("replay_snapshot"), path.decisions("mark_published"),
                            path.decisions("advance_head"));
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(String.format(Locale.ROOT, "the write path did not settle within 5 min: binlog streaming "
                            + "%s, reconciler %s, copy done %s, scan passes %d, inputs consumed %s", streaming,
                            path.reconciler().streams().state(), copied, passes, caughtUp));
                }
                if (System.nanoTime() >= nextLine) {
                    say("  settling, %.0f s: binlog streaming %s, reconciler %s, copy done %s, scan passes %d, inputs consumed %s",
                            seconds(began), streaming, path.reconciler().streams().state(), copied, passes, caughtUp);
                    nextLine += PROGRESS_EVERY_NANOS;
                }
                Thread.sleep(500);
            }
        }
    }

    private static boolean consumed(Admin admin, String group, List<String> topics) throws Exception {
        for (String topic : topics) {
            if (GroupOffsets.committed(admin, group, topic) < GroupOffsets.end(admin, topic)) {
                return false;
            }
        }
        return true;
    }

    private static Holdfast measureHoldfast(WritePath path, RepairWatch watch, StoreClients clients, StoreConfig store,
                                            List<String> entities, Options options) throws Exception {
        say("holdfast: planting %d orphans at random over %d s (writes stopped after the S3 put); grace %,d ms, scan every %,d ms",
                entities.size(), options.plantPeriod().toSeconds(), options.graceMs(), options.scanIntervalMs());
        RevisionWriter orphans = new RevisionWriter(clients.s3(), clients.database(), store.bucket(), store.prefix(),
                new FailurePlan(1, 0, 0, options.seed()));
        long replaysBefore = path.decisions("replay_snapshot");
        WritePath.ScanReads scanBefore = path.scanReads();
        long passesBefore = path.scanStatus().passesCompleted();
        WritePath.ReconcilerReads reconcilerBefore = path.reconcilerReads();
        long windowStart = System.currentTimeMillis();
        long began = System.nanoTime();
        long nextLine = began + PROGRESS_EVERY_NANOS;
        Planter planter = new Planter(orphans, entities, options.plantPeriod(), new Random(options.seed() * 7 + 1));
        long deadline = Long.MAX_VALUE;
        while (true) {
            failIfDown(path);
            if (watch.failure().isPresent()) {
                throw new IllegalStateException("watching the topics failed", watch.failure().get());
            }
            planter.rethrow();
            List<Planted> planted = planter.planted();
            long inventoried = planted.stream().filter(p -> watch.inventory(p.key()).isPresent()).count();
            long replayed = planted.stream().filter(p -> watch.replay(p.key()).isPresent()).count();
            if (planter.done()) {
                if (replayed == planted.size()) {
                    break;
                }
                if (deadline == Long.MAX_VALUE) {
                    // A repair is due within a scan interval, a pass and the grace: three intervals and a minute is ample.
                    deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(options.graceMs() + 3 * options.scanIntervalMs() + 60_000);
                }
                if (System.nanoTime() > deadline) {
                    say("  holdfast: giving up on %d orphan(s) without a ReplaySnapshot", planted.size() - replayed);
                    break;
                }
            }
            if (System.nanoTime() >= nextLine) {
                say("  holdfast, %3.0f s: planted %d/%d, inventoried %d, ReplaySnapshot committed %d; scanner %s, %d passes",
                        seconds(began), planted.size(), entities.size(), inventoried, replayed,
                        path.scanStatus().state().name().toLowerCase(Locale.ROOT), path.scanStatus().passesCompleted());
                nextLine += PROGRESS_EVERY_NANOS;
            }
            Thread.sleep(100);
        }
        long windowEnd = System.currentTimeMillis();
        WritePath.ScanReads scan = path.scanReads().minus(scanBefore);
        long scanPasses = path.scanStatus().passesCompleted() - passesBefore;
        WritePath.ReconcilerReads reconciler = path.reconcilerReads().minus(reconcilerBefore);
        List<Long> putToInventory = new ArrayList<>();
        List<Long> inventoryToReplay = new ArrayList<>();
        List<Long> putToReplay = new ArrayList<>();
        List<Long> scanToDecided = new ArrayList<>();
        List<Long> decidedToCommitted = new ArrayList<>();
        List<String> unrepaired = new ArrayList<>();
        int retried = 0;
        Set<String> keys = new HashSet<>();
        for (Planted p : planter.planted()) {
            keys.add(p.key());
            Optional<RepairWatch.Inventory> inventory = watch.inventory(p.key());
            Optional<RepairWatch.Replay> replay = watch.replay(p.key());
            inventory.ifPresent(i -> putToInventory.add(i.arrivalMs() - p.putMs()));
            if (replay.isEmpty()) {
                unrepaired.add(p.key());
                continue;
            }
            putToReplay.add(replay.get().arrivalMs() - p.putMs());
            decidedToCommitted.add(replay.get().arrivalMs() - replay.get().decidedMs());
            if (inventory.isPresent()) {
                inventoryToReplay.add(replay.get().arrivalMs() - inventory.get().arrivalMs());
                scanToDecided.add(replay.get().decidedMs() - inventory.get().scanTimeMs());
            }
            if (watch.replayCommands(p.key()) > 1) {
                retried++;
            }
        }
        say("  holdfast: %d of %d orphans repaired; ReplaySnapshot decisions counted by the reconciler while planting and "
                + "waiting: %d (committed ones the watch saw are the orphans' plus %d others)", putToReplay.size(), planter.planted().size(),
                path.decisions("replay_snapshot") - replaysBefore, watch.replaysOtherThan(keys, windowStart, Long.MAX_VALUE).size());
        awaitRows(clients, planter.planted());
        return new Holdfast(planter.planted().size(), putToInventory, inventoryToReplay, putToReplay, scanToDecided,
                decidedToCommitted, unrepaired, retried, watch.replaysOtherThan(keys, 0, windowStart),
                watch.replaysOtherThan(keys, windowStart, Long.MAX_VALUE), windowEnd - windowStart,
                scanPasses, scan.objectsListed(), scan.inspectionReads(), reconciler.inventoryEvents(), reconciler.cdcEvents());
    }

    /**
     * Waits for the executor's rows of holdfast's orphans (a ReplaySnapshot committed is not yet a row),
     * so that the batch job, which runs next, does not find them.
     */
    private static void awaitRows(StoreClients clients, List<Planted> planted) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int missing;
        do {
            missing = 0;
            try (Connection c = clients.connection(); PreparedStatement s = c.prepareStatement(EntityStoreSchema.SELECT_REVISION)) {
                for (Planted p : planted) {
                    s.setString(1, p.entity());
                    s.setLong(2, p.revision());
                    try (ResultSet r = s.executeQuery()) {
                        missing += r.next() ? 0 : 1;
                    }
                }
            }
            if (missing == 0) {
                return;
            }
            Thread.sleep(500);
        } while (System.nanoTime() < deadline);
        say("  holdfast: %d orphan(s) still without their row after 60 s; the batch job will find them too", missing);
    }

    private static Batch measureBatch(StoreClients clients, StoreConfig store, Map<String, String> settings, List<String> entities,
                                      Options options) throws Exception {
        String revisionsTable = ReconcilerConfig.ofValidated(settings).getString(HoldfastConfig.CDC_REVISIONS_TABLE);
        BatchReconciler job = new BatchReconciler(clients.s3(), clients.database(), store.bucket(), store.prefix(), revisionsTable,
                options.graceMs());
        say("batch: passes back to back (list every snapshot, read every row, diff) while %d other orphans are planted at random over "
                + "%d s; grace %,d ms", entities.size(), options.plantPeriod().toSeconds(), options.graceMs());
        List<BatchReconciler.Pass> passes = new CopyOnWriteArrayList<>();
        AtomicReference<Exception> failure = new AtomicReference<>();
        // A flag, not an interrupt: an interrupt inside the S3 client aborts its request and fails the pass.
        AtomicBoolean stop = new AtomicBoolean();
        Thread runner = new Thread(() -> {
            try {
                while (!stop.get()) {
                    passes.add(job.runPass());
                }
            } catch (Exception e) {
                failure.set(e);
            }
        }, "bench-batch-reconciler");
        runner.setDaemon(true);
        runner.start();
        RevisionWriter orphans = new RevisionWriter(clients.s3(), clients.database(), store.bucket(), store.prefix(),
                new FailurePlan(1, 0, 0, options.seed() + 1));
        long windowStart = System.currentTimeMillis();
        long began = System.nanoTime();
        long nextLine = began + PROGRESS_EVERY_NANOS;
        Planter planter = new Planter(orphans, entities, options.plantPeriod(), new Random(options.seed() * 7 + 1));
        Map<String, BatchReconciler.Decision> decided = new HashMap<>();
        Map<String, Long> decidingPassEnd = new HashMap<>();
        long deadline = Long.MAX_VALUE;
        int seenPasses = 0;
        try {
            while (true) {
                if (failure.get() != null) {
                    throw new IllegalStateException("a batch pass failed: " + failure.get().getMessage(), failure.get());
                }
                planter.rethrow();
                for (; seenPasses < passes.size(); seenPasses++) {
                    BatchReconciler.Pass pass = passes.get(seenPasses);
                    for (BatchReconciler.Decision d : pass.decided()) {
                        decided.putIfAbsent(d.key(), d);
                        decidingPassEnd.putIfAbsent(d.key(), pass.finishedMs());
                    }
                }
                List<Planted> planted = planter.planted();
                long done = planted.stream().filter(p -> decided.containsKey(store.prefix() + p.key())).count();
                if (planter.done()) {
                    if (done == planted.size()) {
                        break;
                    }
                    if (deadline == Long.MAX_VALUE) {
                        deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(options.graceMs() + 60_000);
                    }
                    if (System.nanoTime() > deadline) {
                        say("  batch: giving up on %d orphan(s) not decided", planted.size() - done);
                        break;
                    }
                }
                if (System.nanoTime() >= nextLine) {
                    BatchReconciler.Pass last = passes.isEmpty() ? null : passes.get(passes.size() - 1);
                    say("  batch, %3.0f s: planted %d/%d, replays decided %d; %d passes, the last %,d ms reading %,d records",
                            seconds(began), planted.size(), entities.size(), done, passes.size(),
                            last == null ? 0 : last.durationMs(), last == null ? 0 : last.recordsRead());
                    nextLine += PROGRESS_EVERY_NANOS;
                }
                Thread.sleep(100);
            }
        } finally {
            stop.set(true);
            runner.join(TimeUnit.MINUTES.toMillis(2));
        }
        List<BatchReconciler.Pass> all = List.copyOf(passes);
        List<Long> durations = all.stream().map(BatchReconciler.Pass::durationMs).toList();
        List<Long> records = all.stream().map(BatchReconciler.Pass::recordsRead).toList();
        List<Long> backToBack = new ArrayList<>();
        List<String> undecided = new ArrayList<>();
        Set<String> plantedKeys = new HashSet<>();
        List<Planted> decidedOrphans = new ArrayList<>();
        List<Long> lastModified = new ArrayList<>();
        long lastPassEnd = windowStart;
        for (Planted p : planter.planted()) {
            String objectKey = store.prefix() + p.key();
            plantedKeys.add(objectKey);
            BatchReconciler.Decision d = decided.get(objectKey);
            if (d == null) {
                undecided.add(p.key());
                continue;
            }
            backToBack.add(d.decidedMs() - p.putMs());
            decidedOrphans.add(p);
            lastModified.add(d.lastModifiedMs());
            lastPassEnd = Math.max(lastPassEnd, decidingPassEnd.get(objectKey));
        }
        final long windowEnd = lastPassEnd;
        List<BatchReconciler.Pass> inWindow = all.stream()
                .filter(p -> p.finishedMs() > windowStart && p.finishedMs() <= windowEnd).toList();
        long backToBackRecords = inWindow.stream().mapToLong(BatchReconciler.Pass::recordsRead).sum();
        List<String> otherDecisions = decided.keySet().stream().filter(k -> !plantedKeys.contains(k)).sorted().toList();
        List<Scheduled> scheduled = new ArrayList<>();
        for (long period : new java.util.TreeSet<>(List.of(options.scanIntervalMs(), options.batchSchedule().toMillis())).descendingSet()) {
            scheduled.add(scheduled(period, windowStart, decidedOrphans, lastModified, median(durations), median(records), options.graceMs()));
        }
        say("  batch: %d of %d orphans decided in %,d passes (median pass %,d ms)", backToBack.size(), planter.planted().size(),
                all.size(), median(durations));
        return new Batch(planter.planted().size(), durations, records, backToBack, undecided, otherDecisions,
                windowEnd - windowStart, inWindow.size(), backToBackRecords, scheduled);
    }

    /** See {@link Scheduled}. */
    private static Scheduled scheduled(long period, long t0, List<Planted> orphans, List<Long> lastModified, long passMs,
                                       long recordsPerPass, long graceMs) {
        List<Long> latencies = new ArrayList<>();
        long lastDecision = t0;
        for (int i = 0; i < orphans.size(); i++) {
            long put = orphans.get(i).putMs();
            long start = t0 + Math.max(0, (put - t0 + period - 1) / period) * period;
            while (start + passMs - lastModified.get(i) < graceMs) {
                start += period;
            }
            latencies.add(start + passMs - put);
            lastDecision = Math.max(lastDecision, start + passMs);
        }
        int passes = (int) ((lastDecision - passMs - t0) / period) + 1;
        return new Scheduled(period, latencies, lastDecision - t0, passes, passes * recordsPerPass);
    }

    private static void failIfDown(WritePath path) {
        Optional<String> down = path.failure();
        if (down.isPresent()) {
            throw new IllegalStateException("the write path failed: " + down.get());
        }
    }

    /** An orphan: {@code key} is {@code <entity>/<revision>}, {@code putMs} when the S3 put returned. */
    record Planted(String entity, long revision, long putMs) {
        String key() {
            return RepairWatch.key(entity, revision);
        }
    }

    /**
     * Writes stopped after the S3 put, one per entity, at uniformly random moments within a period, on a
     * thread of its own so that progress is printed meanwhile.
     */
    private static final class Planter {

        private final List<Planted> planted = new CopyOnWriteArrayList<>();
        private final AtomicReference<Exception> failure = new AtomicReference<>();
        private final Thread thread;

        Planter(RevisionWriter writer, List<String> entities, Duration period, Random random) {
            long[] at = new long[entities.size()];
            for (int i = 0; i < at.length; i++) {
                at[i] = (long) (random.nextDouble() * period.toNanos());
            }
            Arrays.sort(at);
            long start = System.nanoTime();
            thread = new Thread(() -> {
                try {
                    for (int i = 0; i < at.length; i++) {
                        long wait = start + at[i] - System.nanoTime();
                        if (wait > 0) {
                            TimeUnit.NANOSECONDS.sleep(wait);
                        }
                        String entity = entities.get(i);
                        WriteResult r = writer.write(entity, String.format("{\"entity\":\"%s\",\"orphan\":true,\"at\":%d}", entity,
                                System.currentTimeMillis()).getBytes(StandardCharsets.UTF_8));
                        long put = System.currentTimeMillis();
                        if (r.stoppedAfter() != StoppedAfter.S3) {
                            throw new IllegalStateException("the orphan write of " + entity + " did not stop after the put: " + r);
                        }
                        planted.add(new Planted(entity, r.revision(), put));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (Exception e) {
                    failure.set(e);
                }
            }, "bench-orphan-planter");
            thread.setDaemon(true);
            thread.start();
        }

        List<Planted> planted() {
            return List.copyOf(planted);
        }

        boolean done() {
            return !thread.isAlive();
        }

        void rethrow() {
            if (failure.get() != null) {
                throw new IllegalStateException("planting an orphan failed: " + failure.get().getMessage(), failure.get());
            }
        }
    }

    static long percentile(List<Long> values, double p) {
        List<Long> sorted = values.stream().sorted().toList();
        int rank = (int) Math.ceil(p * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    static long median(List<Long> values) {
        return values.isEmpty() ? 0 : percentile(values, 0.50);
    }

    static long min(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).min().orElse(0);
    }

    static long max(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).max().orElse(0);
    }

    private static double seconds(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1e9;
    }

    private static void say(String format, Object... args) {
        System.out.println(String.format(Locale.ROOT, format, args));
        System.out.flush();
    }

    /**
     * {@code --entities E --orphans K --grace-ms G}, and optionally {@code --scan-interval-ms},
     * {@code --period-s} (planting period), {@code --schedule-s} (the scheduled batch job's period) and
     * {@code --seed}; defaults are {@link Options#quick()}. Starts its own broker as {@code bench/run} does.
     */
    public static void main(String[] args) throws Exception {
        Options options = parse(args);
        Path dir = Files.createTempDirectory("holdfast-bench-repair-");
        System.out.printf(Locale.ROOT, "machine: %d cores, %d MiB max heap; Java %s%n",
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20, Runtime.version());
        try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafka.Options.in(dir.resolve("kafka"))
                .withJvmArgs(List.of("-Xms1g", "-Xmx1g", "-XX:+UseParallelGC")))) {
            Result result = run(kafka, dir, options);
            System.out.println();
            result.table().forEach(System.out::println);
        }
    }

    private static Options parse(String[] args) {
        Options quick = Options.quick();
        Map<String, String> given = new HashMap<>();
        Set<String> known = Set.of("--entities", "--orphans", "--grace-ms", "--scan-interval-ms", "--period-s", "--schedule-s", "--seed");
        try {
            for (int i = 0; i < args.length; i += 2) {
                if (!known.contains(args[i])) {
                    throw new IllegalArgumentException("unknown option '" + args[i] + "' (options: " + String.join(", ",
                            known.stream().sorted().toList()) + ")");
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(args[i] + " needs a value");
                }
                given.put(args[i], args[i + 1]);
            }
            // Built once from all options: entities and orphans are checked against each other.
            return new Options(
                    Integer.parseInt(given.getOrDefault("--entities", Integer.toString(quick.entities()))),
                    Integer.parseInt(given.getOrDefault("--orphans", Integer.toString(quick.orphans()))),
                    Long.parseLong(given.getOrDefault("--grace-ms", Long.toString(quick.graceMs()))),
                    Long.parseLong(given.getOrDefault("--scan-interval-ms", Long.toString(quick.scanIntervalMs()))),
                    Duration.ofSeconds(Long.parseLong(given.getOrDefault("--period-s", Long.toString(quick.plantPeriod().toSeconds())))),
                    Duration.ofSeconds(Long.parseLong(given.getOrDefault("--schedule-s",
                            Long.toString(quick.batchSchedule().toSeconds())))),
                    quick.writerThreads(),
                    Long.parseLong(given.getOrDefault("--seed", Long.toString(quick.seed()))));
        } catch (IllegalArgumentException e) {
            System.err.println("repair bench: " + e.getMessage());
            System.exit(2);
            return quick;
        }
    }
}
