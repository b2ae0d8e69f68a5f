package io.holdfast.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.holdfast.schemas.CommandKind;
import io.holdfast.schemas.CommandOutcome;
import io.holdfast.schemas.CommandResult;
import io.holdfast.schemas.ControlAction;
import io.holdfast.schemas.ControlCommand;
import io.holdfast.schemas.FleetCommandType;
import io.holdfast.schemas.MetricSource;
import io.holdfast.schemas.PublicationState;
import io.holdfast.schemas.ReconcileCommand;
import io.holdfast.schemas.ReconcileCommandType;
import io.holdfast.schemas.ReconcileObserved;
import io.holdfast.schemas.Scopes;
import io.holdfast.schemas.SnapshotObject;
import io.holdfast.schemas.VolumeMetric;
import io.holdfast.schemas.WorkflowProgress;
import io.holdfast.topology.testkit.Fuzz;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes every input of the reconciler (CDC revisions and heads, Debezium notifications, S3 inventory,
 * command results, the scanner's workflow records, operator controls) through {@link ReconcilerDriver}:
 * a realistic stream of good records is run once alone, then again with at least {@value #BAD_RECORDS}
 * bad records interleaved at random places. The app must never stop; every bad record must be in
 * {@code dlq.reconciler} (matched by its {@link Fuzz#ID_HEADER}, with the {@code __streams.errors.*}
 * headers) or counted in {@code holdfast_reconciler_skipped_total}, as RECONCILER.md documents for its
 * kind; the outputs and every store must be exactly those of the good records alone.
 *
 * <p>Bad records get the timestamp of the good record before them: a record's timestamp moves stream time
 * whether or not its value can be read, and that is not what is under test (the good stream only moves
 * time forward, so stream time ends where it would have). Some good records of the inventory, results and
 * change-event topics are sent with a key that does not match their value instead: the key is not
 * trusted there (the value's entity decides), so the results must not change either.
 *
 * <p>Run again with {@code -Dholdfast.fuzz.seed=<the printed seed>}.
 */
class ReconcilerFuzzTest {

    static final int BAD_RECORDS = 10_000;
    static final int ENTITIES = 40;
    /** The reasons RECONCILER.md and docs/operations.md give for a dead letter of the reconciler. */
    /** Reasons and stack traces are a few KiB; a reason that repeats a huge field would not fit the topic. */
    static final int MAX_DEAD_LETTER_HEADER_BYTES = 64 * 1024;
    static final Set<String> DOCUMENTED = Set.of(
            "org.apache.kafka.common.errors.SerializationException",
            "io.holdfast.reconciler.cdc.MalformedChangeEventException",
            "java.lang.IllegalArgumentException");

    /**
     * What RECONCILER.md and docs/operations.md say happens to a bad record: a dead letter from the reader
     * that refused it (read back here, matched by id, with its headers); a dead letter from the
     * deserializer (counted by {@code DeadLetterMetrics}: under exactly-once the test driver never commits
     * the transaction holding it, VolumeHealthTopologyTest and StreamsRuntimeIT read such letters back); a
     * documented skip (the skip counter); a record of a global store's topic that cannot be read (skipped
     * and counted: the test driver runs the global task with a handler of its own, whose drops it counts).
     */
    enum Outcome { DLQ, DLQ_DESERIALIZATION, SKIPPED, GLOBAL_SKIPPED }

    record Bad(long id, String topic, String kind, Outcome expected, byte[] key, byte[] value) {
    }

    @Test
    void badInputIsDeadLetteredOrSkippedAndChangesNothing() {
        Fuzz fuzz = Fuzz.fromSystemProperty();
        System.out.println("ReconcilerFuzzTest seed " + fuzz.seed + " (rerun with -D" + Fuzz.SEED_PROPERTY + "=" + fuzz.seed + ")");
        long started = System.nanoTime();

        Run clean = new Run(null);
        Result expected = clean.play();

        Run fuzzed = new Run(fuzz);
        Result actual = Fuzz.quietly(fuzzed::play);
        long ms = (System.nanoTime() - started) / 1_000_000;

        // Accounting: every bad record in the DLQ exactly once, or counted as skipped, as its kind says.
        Map<String, int[]> byKind = new TreeMap<>();
        Set<Long> mustDlq = new HashSet<>();
        int mustSkip = 0;
        int mustGlobal = 0;
        Map<String, Double> mustDeserialization = new TreeMap<>();
        for (Bad b : fuzzed.bad) {
            int[] c = byKind.computeIfAbsent(b.topic() + " " + b.kind(), k -> new int[4]);
            c[b.expected().ordinal()]++;
            switch (b.expected()) {
                case DLQ -> mustDlq.add(b.id());
                case DLQ_DESERIALIZATION -> mustDeserialization.merge(b.topic(), 1.0, Double::sum);
                case SKIPPED -> mustSkip++;
                default -> mustGlobal++;
            }
        }
        Map<Long, Bad> byId = new HashMap<>();
        fuzzed.bad.forEach(b -> byId.put(b.id(), b));
        Set<Long> dead = new HashSet<>();
        Map<String, Integer> exceptions = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        for (TestRecord<byte[], byte[]> r : actual.deadLetters) {
            long id = Fuzz.idOf(r.headers());
            if (id < 0) {
                problems.add("a good record was dead-lettered: " + Fuzz.header(r.headers(), "__streams.errors.message"));
                continue;
            }
            if (!dead.add(id)) {
                problems.add("bad record " + id + " dead-lettered twice");
            }
            Bad b = byId.get(id);
            for (String h : List.of("topic", "partition", "offset", "exception", "message")) {
                String v = Fuzz.header(r.headers(), "__streams.errors." + h);
                if (h.equals("message") ? v == null : v == null || v.isBlank()) {
                    problems.add("dead letter of " + b.kind() + " without __streams.errors." + h);
                }
            }
            int headerBytes = 0;
            for (var h : r.headers()) {
                headerBytes += h.key().length() + (h.value() == null ? 0 : h.value().length);
            }
            if (headerBytes > MAX_DEAD_LETTER_HEADER_BYTES) {
                // The letter must fit where its record did: the original value plus a reason, not the value twice more.
                problems.add("dead letter of " + b.topic() + " " + b.kind() + " carries " + headerBytes + " bytes of headers");
            }
            String exception = Fuzz.header(r.headers(), "__streams.errors.exception");
            exceptions.merge(b.kind().startsWith("random") ? exception : exception, 1, Integer::sum);
            if (!DOCUMENTED.contains(exception)) {
                problems.add("dead letter of " + b.topic() + " " + b.kind() + " with an undocumented exception " + exception
                        + ": " + abbreviate(Fuzz.header(r.headers(), "__streams.errors.message")));
            }
            if (b.topic().equals(Fuzz.header(r.headers(), "__streams.errors.topic"))
                    && !java.util.Arrays.equals(b.value(), r.value())) {
                problems.add("dead letter of " + b.kind() + " does not carry the original value");
            }
        }
        Map<String, Integer> missing = new TreeMap<>();
        for (long id : mustDlq) {
            if (!dead.contains(id)) {
                Bad b = byId.get(id);
                missing.merge(b.topic() + " " + b.kind(), 1, Integer::sum);
                problems.add("bad record not dead-lettered: " + b.topic() + " " + b.kind() + " "
                        + (b.value() == null ? "null" : new String(b.value(), 0, Math.min(200, b.value().length),
                        java.nio.charset.StandardCharsets.ISO_8859_1)));
            }
        }
        for (long id : dead) {
            if (!mustDlq.contains(id)) {
                problems.add("bad record dead-lettered though documented as skipped: " + byId.get(id).kind());
            }
        }
        double skipped = actual.skipped - expected.skipped;
        double deserializationLetters = actual.deserializationDeadLetters().values().stream().mapToDouble(x -> x).sum();
        double globalSkipped = actual.globalDropped() - expected.globalDropped();
        System.out.printf("ReconcilerFuzzTest: %d good records (%d of them with a key that does not match the value), "
                        + "%d bad records: %d dead-lettered by a reader (read back with headers), %.0f dead-lettered by the "
                        + "deserializer (counted), %.0f counted as skipped, %.0f skipped on the global thread; "
                        + "%d output records and %d store entries identical to the run without them; %d ms for both runs%n",
                fuzzed.good, fuzzed.rekeyed, fuzzed.bad.size(), dead.size(), deserializationLetters, skipped, globalSkipped,
                expected.outputCount(), expected.storeEntries(), ms);
        byKind.forEach((k, c) -> System.out.printf("  %-62s dlq %5d  dlq-deser %5d  skipped %5d  global %5d%s%n", k, c[0], c[1], c[2], c[3],
                missing.containsKey(k) ? "  MISSING FROM THE DLQ " + missing.get(k) : ""));
        expected.outputs().forEach((k, v) -> System.out.printf("  output %-40s %5d records%n", k, v.size()));
        expected.stores().forEach((k, v) -> System.out.printf("  store %-60s %5d entries, %7d characters compared%n", k,
                v.size(), v.values().stream().mapToInt(String::length).sum()));
        exceptions.forEach((k, v) -> System.out.printf("  dead letters with %-66s %5d%n", k, v));
        problems.stream().distinct().limit(40).forEach(p -> System.out.println("  PROBLEM " + p));
        assertTrue(problems.isEmpty(), () -> problems.size() + " problems, first: " + problems.get(0));
        assertTrue(fuzzed.bad.size() >= BAD_RECORDS, "at least " + BAD_RECORDS + " bad records");
        assertEquals(mustSkip, skipped, 0.0, "skipped as documented");
        assertEquals(mustGlobal, globalSkipped, 0.0, "global-store records that cannot be read, skipped");
        for (String t : fuzzed.raw.keySet()) {
            assertEquals(mustDeserialization.getOrDefault(t, 0.0), actual.deserializationDeadLetters().get(t), 0.0,
                    "dead letters from the deserializer of " + t);
            assertEquals(0.0, expected.deserializationDeadLetters().get(t), 0.0, "good records of " + t + " all read");
        }
        assertEquals(expected.skipped, clean.skippedNow(), 0.0);

        // Results: the good records give exactly what they give alone.
        assertEquals(expected.outputs.keySet(), actual.outputs.keySet());
        for (String topic : expected.outputs.keySet()) {
            List<String> e = expected.outputs.get(topic);
            List<String> a = actual.outputs.get(topic);
            for (int i = 0; i < Math.min(e.size(), a.size()); i++) {
                if (!e.get(i).equals(a.get(i))) {
                    fail(topic + " differs at record " + i + ":\n  alone: " + e.get(i) + "\n  fuzzed: " + a.get(i));
                }
            }
            assertEquals(e.size(), a.size(), topic + ": as many records");
        }
        for (String store : expected.stores.keySet()) {
            SortedMap<String, String> e = expected.stores.get(store);
            SortedMap<String, String> a = actual.stores.get(store);
            if (!e.equals(a)) {
                Set<String> keys = new java.util.TreeSet<>(e.keySet());
                keys.addAll(a.keySet());
                for (String k : keys) {
                    if (!Objects.equals(e.get(k), a.get(k))) {
                        fail("store " + store + " differs at key " + abbreviate(k) + ":\n  alone: " + abbreviate(e.get(k))
                                + "\n  fuzzed: " + abbreviate(a.get(k)));
                    }
                }
            }
        }
        assertEquals(expected.stores.keySet(), actual.stores.keySet());
        assertTrue(actual.taggedOutputs == 0, actual.taggedOutputs + " output records carry a bad record's header");
    }

    private static String abbreviate(String s) {
        return s == null ? null : s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    record Result(Map<String, List<String>> outputs, SortedMap<String, SortedMap<String, String>> stores,
                  List<TestRecord<byte[], byte[]>> deadLetters, double skipped, int taggedOutputs,
                  Map<String, Double> deserializationDeadLetters, double globalDropped) {
        int outputCount() {
            return outputs.values().stream().mapToInt(List::size).sum();
        }

        int storeEntries() {
            return stores.values().stream().mapToInt(Map::size).sum();
        }
    }

    /** One run of the good script, with bad records interleaved when {@code fuzz} is given. */
    static final class Run {
        final Fuzz fuzz;
        final ReconcilerDriver d = new ReconcilerDriver();
        final Map<String, TestInputTopic<byte[], byte[]>> raw = new LinkedHashMap<>();
        final Map<String, List<TestRecord<String, ?>>> out = new LinkedHashMap<>();
        final List<Bad> bad = new ArrayList<>();
        final Serializer<SnapshotObject> snapshotSer;
        final Serializer<CommandResult> resultSer;
        final Serializer<ControlCommand> controlSer;
        final Serializer<WorkflowProgress> workflowSer;
        final Serializer<VolumeMetric> foreignSer;
        int good;
        int rekeyed;
        long gtid = 100;
        long badId;
        double badPerGood = 20;

        Run(Fuzz fuzz) {
            this.fuzz = fuzz;
            ByteArraySerializer b = new ByteArraySerializer();
            for (String t : List.of(d.catalog.cdcRevisions.name(), d.catalog.cdcEntityHeads.name(),
                    d.catalog.cdcNotifications.name(), d.catalog.snapshots.name(), d.catalog.commandResults.name(),
                    d.catalog.control.name(), d.catalog.workflow.name())) {
                raw.put(t, d.driver.createInputTopic(t, b, b));
            }
            snapshotSer = d.catalog.snapshots.valueSerde().serializer();
            resultSer = d.catalog.commandResults.valueSerde().serializer();
            controlSer = d.catalog.control.valueSerde().serializer();
            workflowSer = d.catalog.workflow.valueSerde().serializer();
            foreignSer = d.catalog.volumeMetrics.valueSerde().serializer();
        }

        double skippedNow() {
            return d.registry.find("holdfast.reconciler.skipped").counters().stream().mapToDouble(c -> c.count()).sum();
        }

        // ------------------------------------------------------------ the good script

        Result play() {
            try (d) {
                d.pipeFixture("mariadb/no-schema/snapshot.json");
                advance(1_000);
                List<String> entities = new ArrayList<>();
                for (int i = 0; i < ENTITIES; i++) {
                    entities.add(String.format("f-%03d", i));
                }
                // Pass p1 lists what the writers put in S3; the binlog shows what reached Vitess.
                for (int i = 0; i < ENTITIES; i++) {
                    String e = entities.get(i);
                    switch (i % 5) {
                        case 0 -> { // a complete write of revisions 1..3
                            for (int r = 1; r <= 3; r++) {
                                snapshot(e, r, hash(e, r), PublicationState.PENDING, "p1");
                                revisionRow(e, r, hash(e, r));
                                head(e, r - 1, r);
                            }
                        }
                        case 1 -> { // the writer died after S3: replays
                            snapshot(e, 1, hash(e, 1), PublicationState.PENDING, "p1");
                            snapshot(e, 2, hash(e, 2), PublicationState.PENDING, "p1");
                        }
                        case 2 -> { // died before tagging: mark published
                            snapshot(e, 1, hash(e, 1), PublicationState.PENDING, "p1");
                            revisionRow(e, 1, hash(e, 1));
                            head(e, 0, 1);
                        }
                        case 3 -> { // died before the head: advance it
                            snapshot(e, 1, hash(e, 1), PublicationState.PUBLISHED, "p1");
                            snapshot(e, 2, hash(e, 2), PublicationState.PUBLISHED, "p1");
                            revisionRow(e, 1, hash(e, 1));
                            revisionRow(e, 2, hash(e, 2));
                            head(e, 0, 1);
                        }
                        default -> { // a row whose hash is not its snapshot's: alert
                            snapshot(e, 1, hash(e, 1), PublicationState.PENDING, "p1");
                            revisionRow(e, 1, "sha256:other-" + e);
                            head(e, 0, 1);
                        }
                    }
                    if (i % 10 == 9) {
                        advance(500);
                    }
                }
                scannerReport("p1", true);
                // Time passes; the executor answers every command; the next passes list the tags as they are.
                for (int round = 0; round < 6; round++) {
                    advance(d.grace() / 2 + 1_000);
                    answerCommands();
                    for (int i = 0; i < ENTITIES; i += 5) {
                        String e = entities.get(i);
                        for (int r = 1; r <= 3; r++) {
                            snapshot(e, r, hash(e, r), PublicationState.PUBLISHED, "p" + (round + 2));
                        }
                    }
                    scannerReport("p" + (round + 2), true);
                    if (round == 2) {
                        control(ControlAction.DRY_RUN_ON);
                    } else if (round == 3) {
                        control(ControlAction.DRY_RUN_OFF);
                    }
                }
                // Whatever is left of the bad records, then a last stretch of time.
                while (fuzz != null && bad.size() < BAD_RECORDS) {
                    badRecord();
                }
                advance(d.grace() * 2);
                answerCommands();
                advance(d.grace() * 2);
                return collect();
            }
        }

        private final Map<String, Boolean> answered = new HashMap<>();
        private final Map<String, Integer> heads = new HashMap<>();

        private void answerCommands() {
            List<ReconcileCommand> commands = new ArrayList<>(out.getOrDefault(d.catalog.reconcileCommands.name(), List.of())
                    .stream().map(r -> (ReconcileCommand) r.value()).toList());
            for (ReconcileCommand c : commands) {
                if (answered.put(c.getCommandId(), true) != null) {
                    continue;
                }
                CommandResult r = CommandResult.newBuilder().setCommandId(c.getCommandId()).setCommandKind(CommandKind.RECONCILE)
                        .setReconcileType(c.getType()).setFleetType(null).setTarget(c.getEntityId()).setAttempt(c.getAttempt())
                        .setOutcome(CommandOutcome.SUCCEEDED).setExecutor("fuzz")
                        .setStartedTime(Instant.ofEpochMilli(d.now)).setFinishedTime(Instant.ofEpochMilli(d.now))
                        .setObserved(Map.of(ReconcileObserved.REVISION, Long.toString(c.getRevision()))).build();
                pipeGood(d.catalog.commandResults.name(), c.getEntityId(), resultSer.serialize(d.catalog.commandResults.name(), r), true);
                switch (c.getType()) {
                    case REPLAY_SNAPSHOT -> revisionRow(c.getEntityId(), c.getRevision(), c.getSnapshot() == null ? null : c.getSnapshot().getContentHash());
                    case ADVANCE_HEAD -> head(c.getEntityId(), heads.getOrDefault(c.getEntityId(), 0), (int) c.getRevision());
                    default -> {
                    }
                }
            }
        }

        static String hash(String entity, long revision) {
            return "sha256:" + Integer.toHexString(Objects.hash(entity, revision)) + "0000";
        }

        private String source(String table) {
            gtid++;
            return """
                    {"version":"3.5.0.Final","connector":"mariadb","name":"cdc.holdfast","ts_ms":%d,"snapshot":"false",\
                    "db":"holdfast","sequence":null,"table":"%s","server_id":1,"gtid":"0-1-%d","file":"binlog.000001",\
                    "pos":%d,"row":0,"thread":null,"query":null}""".formatted(d.now - 500, table, gtid, gtid * 100);
        }

        String revisionValue(String e, long r, String hash) {
            return """
                    {"before":null,"after":{"entity_id":"%s","revision":%d,"content_hash":"%s","object_key":"snapshots/%s/%d",\
                    "size_bytes":2051,"created_at":%d},"source":%s,"transaction":null,"op":"c","ts_ms":%d}"""
                    .formatted(e, r, hash, e, r, d.now - 2_000, source("revisions"), d.now);
        }

        void revisionRow(String e, long r, String hash) {
            pipeGood(d.catalog.cdcRevisions.name(), "{\"entity_id\":\"" + e + "\",\"revision\":" + r + "}",
                    Fuzz.utf8(revisionValue(e, r, hash)), true);
        }

        void head(String e, int from, int to) {
            heads.merge(e, to, Math::max);
            String before = from == 0 ? "null" : "{\"entity_id\":\"%s\",\"head_revision\":%d,\"updated_at\":%d}"
                    .formatted(e, from, d.now - 5_000);
            String value = """
                    {"before":%s,"after":{"entity_id":"%s","head_revision":%d,"updated_at":%d},"source":%s,\
                    "transaction":null,"op":"%s","ts_ms":%d}""".formatted(before, e, to, d.now, source("entity_heads"),
                    from == 0 ? "c" : "u", d.now);
            pipeGood(d.catalog.cdcEntityHeads.name(), "{\"entity_id\":\"" + e + "\"}", Fuzz.utf8(value), true);
        }

        void snapshot(String e, long r, String hash, PublicationState tag, String pass) {
            SnapshotObject s = ReconcilerDriver.snapshotObject(e, r, hash, tag, pass, d.now);
            pipeGood(d.catalog.snapshots.name(), e, snapshotSer.serialize(d.catalog.snapshots.name(), s), true);
        }

        void scannerReport(String pass, boolean complete) {
            interleave();
            good++;
            d.scannerReport(pass, ENTITIES * 2L, complete, d.now - 10_000, d.now);
        }

        void control(ControlAction action) {
            interleave();
            good++;
            ControlCommand c = ControlCommand.newBuilder().setRequestId("fuzz-" + action).setScope(Scopes.global())
                    .setApp("reconciler").setAction(action).setOperator("fuzz").setReason("fuzz")
                    .setIssuedTime(Instant.ofEpochMilli(d.now)).build();
            d.control.pipeInput(Scopes.controlKey("reconciler", Scopes.global()), c, d.now);
        }

        /** Wall-clock time in punctuation-sized steps (the driver's own advance would read the outputs itself). */
        void advance(long ms) {
            interleave();
            long end = d.now + ms;
            while (d.now < end) {
                long step = Math.min(250, end - d.now);
                d.now += step;
                d.driver.advanceWallClockTime(java.time.Duration.ofMillis(step));
            }
            drain();
        }

        /** A good record; its key replaced by one that does not match the value where the key is not trusted. */
        void pipeGood(String topic, String key, byte[] value, boolean keyNotTrusted) {
            interleave();
            good++;
            String sent = key;
            if (fuzz != null && keyNotTrusted && fuzz.random.nextInt(10) == 0) {
                rekeyed++;
                boolean cdc = topic.startsWith(d.catalog.debeziumTopicPrefix());
                sent = switch (fuzz.random.nextInt(cdc ? 2 : 3)) { // a change event's key is Debezium JSON or none
                    case 0 -> null;
                    case 1 -> "{\"entity_id\":\"someone-else\",\"revision\":1}";
                    default -> "not-the-entity-" + fuzz.random.nextInt(1000);
                };
            }
            raw.get(topic).pipeInput(new TestRecord<>(Fuzz.utf8(sent), value, null, Instant.ofEpochMilli(d.now)));
        }

        void drain() {
            collectTopic(d.catalog.reconcileCommands.name(), d.commandsOut);
            collectTopic(d.catalog.audit.name(), d.auditOut);
            collectTopic(d.catalog.alerts.name(), d.alertsOut);
            collectTopic(d.catalog.workflow.name(), d.workflowOut);
        }

        private <V> void collectTopic(String topic, TestOutputTopic<String, V> t) {
            List<TestRecord<String, ?>> list = out.computeIfAbsent(topic, k -> new ArrayList<>());
            list.addAll(t.readRecordsToList());
        }

        Result collect() {
            drain();
            Map<String, List<String>> outputs = new LinkedHashMap<>();
            int tagged = 0;
            for (var e : out.entrySet()) {
                List<String> texts = new ArrayList<>();
                for (TestRecord<String, ?> r : e.getValue()) {
                    if (Fuzz.idOf(r.headers()) >= 0) {
                        tagged++;
                    }
                    texts.add(r.timestamp() + " " + r.key() + " " + r.value());
                }
                outputs.put(e.getKey(), texts);
            }
            Map<String, Double> deserialization = new TreeMap<>();
            for (String t : raw.keySet()) {
                deserialization.put(t, d.deadLetters.count("deserialization", t));
            }
            return new Result(outputs, Fuzz.stores(d.driver), d.deadLetterOut.readRecordsToList(), skippedNow(), tagged,
                    deserialization, Fuzz.globalDropped(d.driver));
        }

        // ------------------------------------------------------------ bad records

        void interleave() {
            if (fuzz == null) {
                return;
            }
            double n = fuzz.random.nextDouble() * 2 * badPerGood;
            for (int i = 0; i < (int) n; i++) {
                badRecord();
            }
        }

        void badRecord() {
            int which = fuzz.random.nextInt(100);
            if (which < 26) {
                cdcBad(fuzz.random.nextBoolean() ? d.catalog.cdcRevisions.name() : d.catalog.cdcEntityHeads.name());
            } else if (which < 33) {
                notificationBad();
            } else if (which < 58) {
                snapshotBad();
            } else if (which < 80) {
                resultBad();
            } else if (which < 90) {
                undecodable(d.catalog.control.name(), controlSer.serialize(d.catalog.control.name(), goodControl()));
            } else {
                undecodable(d.catalog.workflow.name(), workflowSer.serialize(d.catalog.workflow.name(), goodWorkflow()));
            }
        }

        private void send(String topic, String kind, Outcome expected, byte[] key, byte[] value) {
            long id = badId++;
            bad.add(new Bad(id, topic, kind, expected, key, value));
            raw.get(topic).pipeInput(new TestRecord<>(key, value, Fuzz.idHeader(id), Instant.ofEpochMilli(d.now)));
        }

        private byte[] anyKey() {
            return switch (fuzz.random.nextInt(4)) {
                case 0 -> null;
                case 1 -> fuzz.randomBytes(20);
                case 2 -> Fuzz.utf8("{\"entity_id\":\"f-001\"}");
                default -> Fuzz.utf8("f-00" + fuzz.random.nextInt(10));
            };
        }

        private String huge() {
            return fuzz.hugeString(fuzz.random.nextInt(50) == 0 ? 1 << 20 : 10_000);
        }

        void cdcBad(String topic) {
            boolean revisions = topic.equals(d.catalog.cdcRevisions.name());
            String table = revisions ? "revisions" : "entity_heads";
            String e = String.format("f-%03d", fuzz.random.nextInt(ENTITIES));
            String valid = revisions ? revisionValue(e, 1, hash(e, 1)).replace("\"gtid\":\"0-1-" + gtid + "\"", "\"gtid\":\"0-1-1\"")
                    : "{\"before\":null,\"after\":{\"entity_id\":\"" + e + "\",\"head_revision\":1},\"source\":"
                    + source(table).replace("\"gtid\":\"0-1-" + gtid + "\"", "\"gtid\":\"0-1-1\"") + ",\"op\":\"c\"}";
            gtid--; // the bad record's source() must not move the good ones' positions
            String col = revisions ? "revision" : "head_revision";
            String src = "{\"connector\":\"mariadb\",\"name\":\"cdc.holdfast\",\"table\":\"" + table + "\",\"ts_ms\":1,\"snapshot\":\"false\"}";
            int kind = fuzz.random.nextInt(17);
            switch (kind) {
                case 0 -> send(topic, "random bytes", Outcome.DLQ, anyKey(), fuzz.randomBytes(200));
                case 1 -> send(topic, "truncated JSON", Outcome.DLQ, anyKey(),
                        Fuzz.utf8(valid.substring(0, 1 + fuzz.random.nextInt(valid.length() - 2))));
                case 2 -> send(topic, "JSON not an object", Outcome.DLQ, anyKey(),
                        Fuzz.utf8(fuzz.pick(new String[]{"[]", "42", "\"text\"", "true", "null", "[{\"op\":\"c\"}]", "-1e999"})));
                case 3 -> send(topic, "JSON object of another shape", Outcome.DLQ, anyKey(),
                        Fuzz.utf8(fuzz.pick(new String[]{"{}", "{\"op\":\"c\"}", "{\"after\":{\"entity_id\":\"" + e + "\"}}",
                                "{\"entity_id\":\"" + e + "\",\"revision\":1}", "{\"payload\":42}", "{\"schema\":{},\"payload\":[]}"})));
                case 4 -> send(topic, "row column of the wrong type", Outcome.DLQ, anyKey(), Fuzz.utf8(
                        "{\"before\":null,\"after\":{\"entity_id\":\"" + e + "\",\"" + col + "\":"
                                + fuzz.pick(new String[]{"\"x\"", "1.5", "[1]", "{\"v\":1}", "true", "1e400", "\"\""})
                                + "},\"source\":" + src + ",\"op\":\"c\"}"));
                case 5 -> send(topic, "absurd number", Outcome.DLQ, anyKey(), Fuzz.utf8(
                        "{\"before\":null,\"after\":{\"entity_id\":\"" + e + "\",\"" + col + "\":"
                                + fuzz.pick(new String[]{"-1", "-9223372036854775808", "99999999999999999999999", "NaN", "-0.5"})
                                + "},\"source\":" + src + ",\"op\":\"c\"}"));
                case 6 -> send(topic, "row without entity", Outcome.DLQ, anyKey(), Fuzz.utf8(
                        "{\"before\":null,\"after\":{\"entity_id\":" + fuzz.pick(new String[]{"null", "\"\""}) + ",\"" + col
                                + "\":3},\"source\":" + src + ",\"op\":\"c\"}"));
                case 7 -> send(topic, "another table", Outcome.DLQ, anyKey(), Fuzz.utf8(valid.replace("\"table\":\"" + table + "\"",
                        "\"table\":\"accounts\"")));
                case 8 -> send(topic, "unknown op", Outcome.DLQ, anyKey(), Fuzz.utf8(valid.replace("\"op\":\"c\"",
                        "\"op\":\"" + fuzz.pick(new String[]{"z", "", "create", "C"}) + "\"")));
                case 9 -> send(topic, "no source", Outcome.DLQ, anyKey(), Fuzz.utf8(
                        "{\"before\":null,\"after\":{\"entity_id\":\"" + e + "\",\"" + col + "\":1},\"op\":\"c\"}"));
                case 10 -> send(topic, "huge field, no revision", Outcome.DLQ, anyKey(), Fuzz.utf8(
                        "{\"before\":null,\"after\":{\"entity_id\":\"" + huge() + "\"},\"source\":" + src + ",\"op\":\"c\"}"));
                case 11 -> send(topic, "Avro on a JSON topic", Outcome.DLQ, anyKey(), snapshotSer.serialize(
                        d.catalog.snapshots.name(), ReconcilerDriver.snapshotObject(e, 1, hash(e, 1), PublicationState.PENDING, "p1", d.now)));
                case 12 -> send(topic, "not UTF-8", Outcome.DLQ, anyKey(),
                        new byte[]{'{', '"', 'o', 'p', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
                case 13 -> send(topic, "tombstone", Outcome.SKIPPED, Fuzz.utf8("{\"entity_id\":\"" + e + "\"}"), null);
                case 14 -> send(topic, "truncate event", Outcome.SKIPPED, null, Fuzz.utf8(
                        "{\"before\":null,\"after\":null,\"source\":" + src + ",\"op\":\"t\"}"));
                case 15 -> send(topic, "message event", Outcome.SKIPPED, null, Fuzz.utf8(
                        "{\"before\":null,\"after\":null,\"source\":" + src + ",\"op\":\"m\",\"message\":{\"prefix\":\"x\",\"content\":\"eA==\"}}"));
                default -> send(topic, "empty value", Outcome.DLQ, anyKey(), new byte[0]);
            }
        }

        void notificationBad() {
            String topic = d.catalog.cdcNotifications.name();
            switch (fuzz.random.nextInt(5)) {
                case 0 -> send(topic, "random bytes", Outcome.DLQ, anyKey(), fuzz.randomBytes(200));
                case 1 -> send(topic, "JSON not an object", Outcome.DLQ, anyKey(), Fuzz.utf8(fuzz.pick(new String[]{"[]", "7", "\"x\""})));
                case 2 -> send(topic, "truncated JSON", Outcome.DLQ, anyKey(), Fuzz.utf8("{\"id\":\"1\",\"aggregateType\":\"Incre"));
                case 3 -> send(topic, "tombstone", Outcome.SKIPPED, anyKey(), null);
                default -> send(topic, "unknown notification", Outcome.SKIPPED, anyKey(), Fuzz.utf8(
                        "{\"id\":\"" + fuzz.random.nextInt() + "\",\"aggregateType\":\"Something\",\"type\":\"ELSE\",\"additionalData\":{}}"));
            }
        }

        SnapshotObject goodSnapshot() {
            String e = String.format("f-%03d", fuzz.random.nextInt(ENTITIES));
            return ReconcilerDriver.snapshotObject(e, 1 + fuzz.random.nextInt(3), hash(e, 1), PublicationState.PENDING, "p1", d.now);
        }

        void snapshotBad() {
            String topic = d.catalog.snapshots.name();
            byte[] valid = snapshotSer.serialize(topic, goodSnapshot());
            if (fuzz.random.nextInt(3) == 0) {
                undecodable(topic, valid);
                return;
            }
            SnapshotObject.Builder b = SnapshotObject.newBuilder(goodSnapshot());
            String kind;
            switch (fuzz.random.nextInt(7)) {
                case 0 -> {
                    b.setEntityId(fuzz.pick(new String[]{"", " ", "\t"}));
                    kind = "blank entity";
                }
                case 1 -> {
                    b.setRevision(fuzz.pick(new Long[]{-1L, Long.MIN_VALUE, -42L}));
                    kind = "negative revision";
                }
                case 2 -> {
                    b.setScanPassId("");
                    kind = "blank pass id";
                }
                case 3 -> {
                    b.setObjectKey("");
                    kind = "blank object key";
                }
                case 4 -> {
                    b.setEntityId(huge()).setRevision(-7);
                    kind = "huge entity, negative revision";
                }
                case 5 -> {
                    send(topic, "tombstone", Outcome.SKIPPED, anyKey(), null);
                    return;
                }
                default -> {
                    b.setEntityId("").setTags(Map.of("publication_state", huge()));
                    kind = "huge tag, blank entity";
                }
            }
            send(topic, kind, Outcome.DLQ, anyKey(), snapshotSer.serialize(topic, b.build()));
        }

        CommandResult goodResult() {
            String e = String.format("f-%03d", fuzz.random.nextInt(ENTITIES));
            return CommandResult.newBuilder().setCommandId("c-" + fuzz.random.nextInt(1000)).setCommandKind(CommandKind.RECONCILE)
                    .setReconcileType(ReconcileCommandType.REPLAY_SNAPSHOT).setFleetType(null).setTarget(e).setAttempt(1)
                    .setOutcome(CommandOutcome.SUCCEEDED).setExecutor("fuzz").setStartedTime(Instant.ofEpochMilli(d.now))
                    .setFinishedTime(Instant.ofEpochMilli(d.now)).setObserved(Map.of(ReconcileObserved.REVISION, "1")).build();
        }

        void resultBad() {
            String topic = d.catalog.commandResults.name();
            if (fuzz.random.nextInt(3) == 0) {
                undecodable(topic, resultSer.serialize(topic, goodResult()));
                return;
            }
            CommandResult.Builder b = CommandResult.newBuilder(goodResult());
            switch (fuzz.random.nextInt(8)) {
                case 0 -> send(topic, "blank target", Outcome.DLQ, anyKey(), resultSer.serialize(topic, b.setTarget("").build()));
                case 1 -> send(topic, "revision not a number", Outcome.DLQ, anyKey(), resultSer.serialize(topic,
                        b.setObserved(Map.of(ReconcileObserved.REVISION, fuzz.pick(new String[]{"x", "1.5", "NaN", "", huge(),
                                "99999999999999999999"}))).build()));
                case 2 -> send(topic, "negative revision", Outcome.DLQ, anyKey(), resultSer.serialize(topic,
                        b.setObserved(Map.of(ReconcileObserved.REVISION, fuzz.pick(new String[]{"-1", "-9223372036854775808"}))).build()));
                case 3 -> send(topic, "result without revision", Outcome.SKIPPED, anyKey(), resultSer.serialize(topic,
                        b.setObserved(Map.of()).build()));
                case 4 -> send(topic, "fleet result", Outcome.SKIPPED, anyKey(), resultSer.serialize(topic,
                        b.setCommandKind(CommandKind.FLEET).setReconcileType(null).setFleetType(FleetCommandType.REPARENT)
                                .setTarget("ks/-80").build()));
                case 5 -> send(topic, "kind unknown", Outcome.SKIPPED, anyKey(), resultSer.serialize(topic,
                        b.setCommandKind(CommandKind.UNKNOWN).build()));
                case 6 -> send(topic, "reconcile type missing", Outcome.SKIPPED, anyKey(), resultSer.serialize(topic,
                        b.setReconcileType(fuzz.random.nextBoolean() ? null : ReconcileCommandType.UNKNOWN).build()));
                default -> send(topic, "tombstone", Outcome.SKIPPED, anyKey(), null);
            }
        }

        ControlCommand goodControl() {
            return ControlCommand.newBuilder().setRequestId("r").setScope(Scopes.global()).setApp("reconciler")
                    .setAction(ControlAction.PAUSE).setOperator("fuzz").setReason("fuzz").setIssuedTime(Instant.ofEpochMilli(d.now)).build();
        }

        WorkflowProgress goodWorkflow() {
            return WorkflowProgress.newBuilder().setWorkflow("s3-scan").setStream("s3:x").setTable("y")
                    .setPhase(io.holdfast.schemas.WorkflowPhase.COPYING).setUpdatedTime(Instant.ofEpochMilli(d.now)).build();
        }

        /** Bytes no reader of {@code topic}'s type can take, built from a valid encoding {@code valid} of it. */
        void undecodable(String topic, byte[] valid) {
            Outcome dlq = topic.equals(d.catalog.control.name()) || topic.equals(d.catalog.workflow.name())
                    ? Outcome.GLOBAL_SKIPPED : Outcome.DLQ_DESERIALIZATION;
            byte[] foreign = foreignSer.serialize(d.catalog.volumeMetrics.name(), VolumeMetric.newBuilder().setVolumeId("v")
                    .setPeerGroup("g").setEventTime(Instant.ofEpochMilli(d.now)).setSamplePeriodMs(1000)
                    .setSource(MetricSource.SIMULATOR).build());
            Supplier<byte[]> key = this::anyKey;
            switch (fuzz.random.nextInt(9)) {
                case 0 -> send(topic, "random bytes", dlq, key.get(), fuzz.randomBytes(300));
                case 1 -> send(topic, "truncated Avro", dlq, key.get(), fuzz.truncated(valid));
                case 2 -> send(topic, "unknown fingerprint", dlq, key.get(), fuzz.wrongFingerprint(valid));
                case 3 -> send(topic, "Confluent framing", dlq, key.get(), fuzz.confluentFramed(valid));
                case 4 -> send(topic, "Avro without header", dlq, key.get(), fuzz.headerless(valid));
                case 5 -> send(topic, "trailing bytes", dlq, key.get(), fuzz.trailing(valid));
                case 6 -> send(topic, "foreign Avro (VolumeMetric)", dlq, key.get(), foreign);
                case 7 -> send(topic, "JSON on an Avro topic", dlq, key.get(), Fuzz.utf8("{\"entity_id\":\"f-001\",\"revision\":1}"));
                default -> send(topic, "empty value", dlq, key.get(), new byte[0]);
            }
        }
    }
}
