package io.holdfast.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.holdfast.schemas.CommandKind;
import io.holdfast.schemas.CommandOutcome;
import io.holdfast.schemas.CommandResult;
import io.holdfast.schemas.ControlAction;
import io.holdfast.schemas.ControlCommand;
import io.holdfast.schemas.FleetCommand;
import io.holdfast.schemas.FleetCommandType;
import io.holdfast.schemas.ReconcileCommandType;
import io.holdfast.schemas.Scope;
import io.holdfast.schemas.Scopes;
import io.holdfast.schemas.SnapshotObject;
import io.holdfast.schemas.PublicationState;
import io.holdfast.schemas.TabletRecord;
import io.holdfast.schemas.TabletRole;
import io.holdfast.schemas.VolumeHealth;
import io.holdfast.schemas.VolumeHealthState;
import io.holdfast.schemas.VolumeMetric;
import io.holdfast.topology.testkit.Fuzz;
import java.time.Duration;
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
import java.util.TreeSet;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes every input of the health app (volume metrics, tablets, volume health, command results, operator
 * controls) through {@link HealthDriver}'s topology: a fleet of two shards whose volumes report every second,
 * one primary degrading and one replica stalling, the executor answering every fleet command, an operator
 * pausing a shard, run once alone and once with at least {@value #BAD_RECORDS} bad records interleaved. The
 * app must never stop; every bad record must be read back from {@code dlq.health} (matched by its
 * {@link Fuzz#ID_HEADER}, with the {@code __streams.errors.*} headers), or be a deserializer's dead letter
 * (counted: under exactly-once the test driver never commits the transaction that holds it), or be counted as
 * skipped ({@code holdfast_health_samples_total{outcome="skipped_*"}}, {@code holdfast_recovery_skipped_total}),
 * or, for {@code control}, be skipped on the global thread; outputs and every store must be exactly those of
 * the good records alone.
 *
 * <p>Bad records get the timestamp of the good record before them (the good stream's timestamps only move
 * forward, so stream time ends where it would have); the classifier does not use stream time in any case
 * (an invalid sample dated in the future must not move its clocks, see VolumeHealthProcessor). Some good
 * samples, tablets and results are sent with a key that does not match their value: the value decides
 * (peer group, volume, shard), so the results must not change.
 *
 * <p>Run again with {@code -Dholdfast.fuzz.seed=<the printed seed>}.
 */
class HealthFuzzTest {

    static final int BAD_RECORDS = 10_000;
    static final String KS = "ks";
    static final List<String> SHARDS = List.of("-80", "80-");
    static final int SECONDS = 420;
    /** Reasons and stack traces are a few KiB; a reason that repeats a huge field would not fit the topic. */
    static final int MAX_DEAD_LETTER_HEADER_BYTES = 64 * 1024;
    static final Set<String> DOCUMENTED = Set.of(
            "org.apache.kafka.common.errors.SerializationException",
            "io.holdfast.health.internal.SampleReader$InvalidSampleException",
            "io.holdfast.health.recovery.internal.RecoveryInputs$InvalidRecoveryInput");

    /** See ReconcilerFuzzTest.Outcome. */
    enum Outcome { DLQ, DLQ_DESERIALIZATION, SKIPPED, GLOBAL_SKIPPED }

    record Bad(long id, String topic, String kind, Outcome expected, byte[] key, byte[] value) {
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

    @Test
    void badInputIsDeadLetteredOrSkippedAndChangesNothing() {
        Fuzz fuzz = Fuzz.fromSystemProperty();
        System.out.println("HealthFuzzTest seed " + fuzz.seed + " (rerun with -D" + Fuzz.SEED_PROPERTY + "=" + fuzz.seed + ")");
        long started = System.nanoTime();
        Run clean = new Run(null);
        Result expected = clean.play();
        Run fuzzed = new Run(fuzz);
        Result actual = Fuzz.quietly(fuzzed::play);
        long ms = (System.nanoTime() - started) / 1_000_000;

        Map<String, int[]> byKind = new TreeMap<>();
        Set<Long> mustDlq = new HashSet<>();
        int mustSkip = 0;
        int mustGlobal = 0;
        Map<String, Double> mustDeserialization = new TreeMap<>();
        Map<Long, Bad> byId = new HashMap<>();
        for (Bad b : fuzzed.bad) {
            byId.put(b.id(), b);
            byKind.computeIfAbsent(b.topic() + " " + b.kind(), k -> new int[4])[b.expected().ordinal()]++;
            switch (b.expected()) {
                case DLQ -> mustDlq.add(b.id());
                case DLQ_DESERIALIZATION -> mustDeserialization.merge(b.topic(), 1.0, Double::sum);
                case SKIPPED -> mustSkip++;
                default -> mustGlobal++;
            }
        }
        List<String> problems = new ArrayList<>();
        Set<Long> dead = new HashSet<>();
        Map<String, Integer> exceptions = new TreeMap<>();
        for (TestRecord<byte[], byte[]> r : actual.deadLetters()) {
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
                if (v == null || (!h.equals("message") && v.isBlank())) {
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
            exceptions.merge(exception, 1, Integer::sum);
            if (!DOCUMENTED.contains(exception)) {
                problems.add("dead letter of " + b.topic() + " " + b.kind() + " with an undocumented exception " + exception
                        + ": " + abbreviate(Fuzz.header(r.headers(), "__streams.errors.message")));
            }
            if (b.topic().equals(Fuzz.header(r.headers(), "__streams.errors.topic")) && !java.util.Arrays.equals(b.value(), r.value())) {
                problems.add("dead letter of " + b.kind() + " does not carry the original value");
            }
        }
        Map<String, Integer> missing = new TreeMap<>();
        for (long id : mustDlq) {
            if (!dead.contains(id)) {
                Bad b = byId.get(id);
                missing.merge(b.topic() + " " + b.kind(), 1, Integer::sum);
                problems.add("bad record not dead-lettered: " + b.topic() + " " + b.kind());
            }
        }
        for (long id : dead) {
            if (!mustDlq.contains(id)) {
                problems.add("bad record dead-lettered though documented otherwise: " + byId.get(id).topic() + " "
                        + byId.get(id).kind());
            }
        }
        double skipped = actual.skipped() - expected.skipped();
        double deserializationLetters = actual.deserializationDeadLetters().values().stream().mapToDouble(x -> x).sum();
        double globalSkipped = actual.globalDropped() - expected.globalDropped();
        System.out.printf("HealthFuzzTest: %d good records (%d of them with a key that does not match the value), "
                        + "%d bad records: %d dead-lettered by a reader (read back with headers), %.0f dead-lettered by the "
                        + "deserializer (counted), %.0f counted as skipped, %.0f skipped on the global thread; "
                        + "%d output records and %d store entries identical to the run without them; %d ms for both runs%n",
                fuzzed.good, fuzzed.rekeyed, fuzzed.bad.size(), dead.size(), deserializationLetters, skipped, globalSkipped,
                expected.outputCount(), expected.storeEntries(), ms);
        byKind.forEach((k, c) -> System.out.printf("  %-62s dlq %5d  dlq-deser %5d  skipped %5d  global %5d%s%n", k, c[0], c[1],
                c[2], c[3], missing.containsKey(k) ? "  MISSING FROM THE DLQ " + missing.get(k) : ""));
        expected.outputs().forEach((k, v) -> System.out.printf("  output %-40s %5d records%n", k, v.size()));
        System.out.println("  audit decisions of the good stream: " + clean.out.getOrDefault(clean.d.catalog.audit.name(), List.of())
                .stream().map(r -> ((io.holdfast.schemas.AuditEvent) r.value()).getDecision()).toList());
        expected.stores().forEach((k, v) -> System.out.printf("  store %-60s %5d entries, %7d characters compared%n", k,
                v.size(), v.values().stream().mapToInt(String::length).sum()));
        exceptions.forEach((k, v) -> System.out.printf("  dead letters with %-66s %5d%n", k, v));
        problems.stream().distinct().limit(40).forEach(p -> System.out.println("  PROBLEM " + p));
        assertTrue(problems.isEmpty(), () -> problems.size() + " problems, first: " + problems.get(0));
        assertTrue(fuzzed.bad.size() >= BAD_RECORDS, "at least " + BAD_RECORDS + " bad records");
        assertEquals(mustSkip, skipped, 0.0, "skipped as documented");
        assertEquals(mustGlobal, globalSkipped, 0.0, "control records that cannot be read, skipped");
        for (String t : fuzzed.raw.keySet()) {
            assertEquals(mustDeserialization.getOrDefault(t, 0.0), actual.deserializationDeadLetters().get(t), 0.0,
                    "dead letters from the deserializer of " + t);
            assertEquals(0.0, expected.deserializationDeadLetters().get(t), 0.0, "good records of " + t + " all read");
        }

        assertEquals(expected.outputs().keySet(), actual.outputs().keySet());
        for (String topic : expected.outputs().keySet()) {
            List<String> e = expected.outputs().get(topic);
            List<String> a = actual.outputs().get(topic);
            for (int i = 0; i < Math.min(e.size(), a.size()); i++) {
                if (!e.get(i).equals(a.get(i))) {
                    fail(topic + " differs at record " + i + ":\n  alone: " + e.get(i) + "\n  fuzzed: " + a.get(i));
                }
            }
            assertEquals(e.size(), a.size(), topic + ": as many records");
        }
        for (String store : expected.stores().keySet()) {
            SortedMap<String, String> e = expected.stores().get(store);
            SortedMap<String, String> a = actual.stores().get(store);
            if (!e.equals(a)) {
                Set<String> keys = new TreeSet<>(e.keySet());
                keys.addAll(a.keySet());
                for (String k : keys) {
                    if (!Objects.equals(e.get(k), a.get(k))) {
                        fail("store " + store + " differs at key " + abbreviate(k) + ":\n  alone: " + abbreviate(e.get(k))
                                + "\n  fuzzed: " + abbreviate(a.get(k)));
                    }
                }
            }
        }
        assertEquals(expected.stores().keySet(), actual.stores().keySet());
        assertEquals(0, actual.taggedOutputs(), "output records carrying a bad record's header");
    }

    private static String abbreviate(String s) {
        return s == null ? null : s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    static String alias(String cell, int uid) {
        return String.format("%s-%010d", cell, uid);
    }

    static final class Run {
        final Fuzz fuzz;
        final HealthDriver d = new HealthDriver();
        final Map<String, TestInputTopic<byte[], byte[]>> raw = new LinkedHashMap<>();
        final Map<String, TestOutputTopic<String, ?>> outTopics = new LinkedHashMap<>();
        final Map<String, List<TestRecord<String, ?>>> out = new LinkedHashMap<>();
        final List<Bad> bad = new ArrayList<>();
        final Serializer<VolumeMetric> metricSer;
        final Serializer<TabletRecord> tabletSer;
        final Serializer<VolumeHealth> healthSer;
        final Serializer<CommandResult> resultSer;
        final Serializer<ControlCommand> controlSer;
        final Serializer<SnapshotObject> foreignSer;
        final Map<String, TabletRecord> tablets = new LinkedHashMap<>();
        final Map<String, VolumeMetric> lastSample = new HashMap<>();
        final Set<String> answered = new HashSet<>();
        int good;
        int rekeyed;
        long badId;
        final double badPerGood;

        Run(Fuzz fuzz) {
            this.fuzz = fuzz;
            ByteArraySerializer b = new ByteArraySerializer();
            for (String t : List.of(d.catalog.volumeMetrics.name(), d.catalog.tablets.name(), d.catalog.volumeHealth.name(),
                    d.catalog.commandResults.name(), d.catalog.control.name())) {
                raw.put(t, d.driver.createInputTopic(t, b, b));
            }
            StringDeserializer keys = new StringDeserializer();
            outTopics.put(d.catalog.volumeHealth.name(), d.health);
            outTopics.put(d.catalog.fleetCommands.name(), d.driver.createOutputTopic(d.catalog.fleetCommands.name(), keys,
                    d.catalog.fleetCommands.valueSerde().deserializer()));
            outTopics.put(d.catalog.audit.name(), d.driver.createOutputTopic(d.catalog.audit.name(), keys,
                    d.catalog.audit.valueSerde().deserializer()));
            outTopics.put(d.catalog.alerts.name(), d.driver.createOutputTopic(d.catalog.alerts.name(), keys,
                    d.catalog.alerts.valueSerde().deserializer()));
            metricSer = d.catalog.volumeMetrics.valueSerde().serializer();
            tabletSer = d.catalog.tablets.valueSerde().serializer();
            healthSer = d.catalog.volumeHealth.valueSerde().serializer();
            resultSer = d.catalog.commandResults.valueSerde().serializer();
            controlSer = d.catalog.control.valueSerde().serializer();
            foreignSer = d.catalog.snapshots.valueSerde().serializer();
            int goodEstimate = SECONDS * SHARDS.size() * 3 + 200;
            badPerGood = 1.0 * BAD_RECORDS / goodEstimate;
        }

        double skippedNow() {
            double samples = d.registry.find("holdfast.health.samples").counters().stream()
                    .filter(c -> c.getId().getTag("outcome").startsWith("skipped_")).mapToDouble(c -> c.count()).sum();
            double recovery = d.registry.find("holdfast.recovery.skipped").counters().stream().mapToDouble(c -> c.count()).sum();
            return samples + recovery;
        }

        // ------------------------------------------------------------ the good script

        Result play() {
            try (d) {
                int uid = 100;
                for (String shard : SHARDS) {
                    List<String> cells = List.of("zone1", "zone2", "zone3");
                    for (int i = 0; i < 3; i++) {
                        String a = alias(cells.get(i), uid + i);
                        TabletRecord t = TabletRecord.newBuilder().setTabletAlias(a).setKeyspace(KS).setShard(shard)
                                .setCell(cells.get(i)).setRole(i == 0 ? TabletRole.PRIMARY : TabletRole.REPLICA)
                                .setServing(true).setReachable(true).setVolumeId("vol-" + a).setNode(HealthDriver.GROUP)
                                .setReplicationLagMs(i == 0 ? null : 100L).setPrimaryTerm(1).setPrimaryTermStartTime(null)
                                .setUpdatedTime(Instant.ofEpochMilli(d.now)).build();
                        tablet(t);
                    }
                    uid += 100;
                }
                String degradedPrimary = "vol-" + alias("zone1", 100);
                String stalledReplica = "vol-" + alias("zone2", 201);
                for (int s = 1; s <= SECONDS; s++) {
                    d.now += 1_000;
                    interleave();
                    d.driver.advanceWallClockTime(Duration.ofSeconds(1));
                    for (TabletRecord t : List.copyOf(tablets.values())) {
                        VolumeMetric.Builder m = HealthDriver.steady(t.getVolumeId(), d.now);
                        if (t.getVolumeId().equals(degradedPrimary) && s > 150 && s <= 300) {
                            m.setLatencyUs(250_000.0 + s);
                        }
                        if (t.getVolumeId().equals(stalledReplica) && s > 220 && s <= 280) {
                            m.setStalled(true).setReadOps(0L).setReadBytes(0L).setQueueDepth(8.0).setIdleRatio(0.0);
                        }
                        sample(m.build());
                    }
                    if (s % 5 == 0) {
                        drain();
                        answerCommands();
                    }
                    if (s == 320) {
                        control(Scopes.shard(KS, "80-"), ControlAction.PAUSE);
                    } else if (s == 360) {
                        control(Scopes.shard(KS, "80-"), ControlAction.RESUME);
                    }
                }
                while (fuzz != null && bad.size() < BAD_RECORDS) {
                    badRecord();
                }
                d.driver.advanceWallClockTime(Duration.ofSeconds(2));
                return collect();
            }
        }

        void sample(VolumeMetric m) {
            pipeGood(d.catalog.volumeMetrics.name(), m.getVolumeId(), metricSer.serialize(d.catalog.volumeMetrics.name(), m));
            lastSample.put(m.getVolumeId(), m); // after: the bad records piped before it must not copy it
        }

        void tablet(TabletRecord t) {
            tablets.put(t.getTabletAlias(), t);
            pipeGood(d.catalog.tablets.name(), t.getTabletAlias(), tabletSer.serialize(d.catalog.tablets.name(), t));
        }

        void control(Scope scope, ControlAction action) {
            interleave();
            good++;
            ControlCommand c = ControlCommand.newBuilder().setRequestId("fuzz-" + action).setScope(scope).setApp(null)
                    .setAction(action).setOperator("fuzz").setReason("fuzz").setIssuedTime(Instant.ofEpochMilli(d.now)).build();
            raw.get(d.catalog.control.name()).pipeInput(new TestRecord<>(Fuzz.utf8(Scopes.controlKey(null, scope)),
                    controlSer.serialize(d.catalog.control.name(), c), null, Instant.ofEpochMilli(d.now)));
        }

        /** The executor: every new fleet command succeeds; a reparent's new primary shows in the topology. */
        void answerCommands() {
            for (TestRecord<String, ?> r : List.copyOf(out.getOrDefault(d.catalog.fleetCommands.name(), List.of()))) {
                FleetCommand c = (FleetCommand) r.value();
                if (!answered.add(c.getCommandId())) {
                    continue;
                }
                Map<String, String> observed = new HashMap<>();
                TabletRecord replacement = null;
                if (c.getType() == FleetCommandType.PROVISION_VOLUME) {
                    String cell = c.getCell() == null ? "zone9" : c.getCell();
                    String a = alias(cell, 900 + answered.size());
                    observed.put("tablet_alias", a);
                    observed.put("volume_id", "vol-" + a);
                    replacement = TabletRecord.newBuilder().setTabletAlias(a).setKeyspace(c.getKeyspace()).setShard(c.getShard())
                            .setCell(cell).setRole(TabletRole.REPLICA).setServing(true).setReachable(true).setVolumeId("vol-" + a)
                            .setNode(HealthDriver.GROUP).setReplicationLagMs(100L).setPrimaryTerm(1).setPrimaryTermStartTime(null)
                            .setUpdatedTime(Instant.ofEpochMilli(d.now)).build();
                } else if (c.getType() == FleetCommandType.REPARENT && c.getNewPrimary() != null) {
                    observed.put("new_primary", c.getNewPrimary());
                }
                CommandResult result = CommandResult.newBuilder().setCommandId(c.getCommandId()).setCommandKind(CommandKind.FLEET)
                        .setReconcileType(null).setFleetType(c.getType()).setTarget(c.getKeyspace() + "/" + c.getShard())
                        .setAttempt(c.getAttempt()).setOutcome(CommandOutcome.SUCCEEDED).setExecutor("fuzz")
                        .setStartedTime(Instant.ofEpochMilli(d.now)).setFinishedTime(Instant.ofEpochMilli(d.now))
                        .setObserved(observed).build();
                pipeGood(d.catalog.commandResults.name(), result.getTarget(), resultSer.serialize(d.catalog.commandResults.name(), result));
                if (replacement != null) { // the new tablet joins the topology and starts reporting
                    tablet(replacement);
                }
                if (c.getType() == FleetCommandType.RETIRE_VOLUME && c.getTargetTabletAlias() != null
                        && tablets.remove(c.getTargetTabletAlias()) != null) { // it leaves the topology
                    pipeGood(d.catalog.tablets.name(), c.getTargetTabletAlias(), null);
                }
                if (c.getType() == FleetCommandType.REPARENT && c.getNewPrimary() != null) {
                    long term = c.getExpectedPrimaryTerm() == null ? 2 : c.getExpectedPrimaryTerm() + 1;
                    for (TabletRecord t : List.copyOf(tablets.values())) {
                        if (!t.getShard().equals(c.getShard())) {
                            continue;
                        }
                        TabletRole role = t.getTabletAlias().equals(c.getNewPrimary()) ? TabletRole.PRIMARY
                                : t.getRole() == TabletRole.PRIMARY ? TabletRole.REPLICA : t.getRole();
                        tablet(TabletRecord.newBuilder(t).setRole(role).setPrimaryTerm(term)
                                .setReplicationLagMs(role == TabletRole.PRIMARY ? null : 100L)
                                .setUpdatedTime(Instant.ofEpochMilli(d.now)).build());
                    }
                }
            }
        }

        void pipeGood(String topic, String key, byte[] value) {
            interleave();
            good++;
            String sent = key;
            if (fuzz != null && !topic.equals(d.catalog.control.name()) && fuzz.random.nextInt(10) == 0) {
                rekeyed++;
                sent = fuzz.random.nextBoolean() ? null : "not-" + key;
            }
            raw.get(topic).pipeInput(new TestRecord<>(Fuzz.utf8(sent), value, null, Instant.ofEpochMilli(d.now)));
        }

        void drain() {
            for (var e : outTopics.entrySet()) {
                out.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).addAll(e.getValue().readRecordsToList());
            }
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
            return new Result(outputs, Fuzz.stores(d.driver), d.deadLetterTopic.readRecordsToList(), skippedNow(), tagged,
                    deserialization, Fuzz.globalDropped(d.driver));
        }

        // ------------------------------------------------------------ bad records

        void interleave() {
            if (fuzz == null) {
                return;
            }
            double n = fuzz.random.nextDouble() * 2 * badPerGood;
            for (int i = 0; i < (int) Math.round(n); i++) {
                badRecord();
            }
        }

        void send(String topic, String kind, Outcome expected, byte[] key, byte[] value) {
            long id = badId++;
            bad.add(new Bad(id, topic, kind, expected, key, value));
            raw.get(topic).pipeInput(new TestRecord<>(key, value, Fuzz.idHeader(id), Instant.ofEpochMilli(d.now)));
        }

        byte[] anyKey() {
            return switch (fuzz.random.nextInt(4)) {
                case 0 -> null;
                case 1 -> fuzz.randomBytes(20);
                case 2 -> Fuzz.utf8("vol-" + alias("zone1", 100));
                default -> Fuzz.utf8(KS + "/" + SHARDS.get(fuzz.random.nextInt(2)));
            };
        }

        String huge() {
            return fuzz.hugeString(fuzz.random.nextInt(50) == 0 ? 1 << 20 : 10_000);
        }

        String someVolume() {
            List<String> volumes = new ArrayList<>(lastSample.keySet());
            volumes.sort(null);
            return volumes.isEmpty() ? "vol-" + alias("zone1", 100) : volumes.get(fuzz.random.nextInt(volumes.size()));
        }

        void badRecord() {
            int which = fuzz.random.nextInt(100);
            if (which < 40) {
                metricBad();
            } else if (which < 60) {
                tabletBad();
            } else if (which < 72) {
                healthBad();
            } else if (which < 90) {
                resultBad();
            } else {
                undecodable(d.catalog.control.name(), controlSer.serialize(d.catalog.control.name(), ControlCommand.newBuilder()
                        .setRequestId("r").setScope(Scopes.global()).setApp("health").setAction(ControlAction.PAUSE)
                        .setOperator("fuzz").setReason("fuzz").setIssuedTime(Instant.ofEpochMilli(d.now)).build()));
            }
        }

        void metricBad() {
            String topic = d.catalog.volumeMetrics.name();
            String v = someVolume();
            VolumeMetric.Builder m = HealthDriver.steady(v, d.now);
            if (fuzz.random.nextInt(4) == 0) {
                undecodable(topic, metricSer.serialize(topic, m.build()));
                return;
            }
            String kind;
            Outcome outcome = Outcome.DLQ;
            switch (fuzz.random.nextInt(14)) {
                case 0 -> {
                    m.setLatencyUs(fuzz.pick(new Double[]{Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -1.0}));
                    kind = "latency NaN, infinite or negative";
                }
                case 1 -> {
                    m.setReadLatencyUs(fuzz.pick(new Double[]{Double.NaN, Double.POSITIVE_INFINITY, -5.0}));
                    kind = "read latency NaN, infinite or negative";
                }
                case 2 -> {
                    m.setReadOps(fuzz.pick(new Long[]{-1L, Long.MIN_VALUE}));
                    kind = "negative ops";
                }
                case 3 -> {
                    m.setWriteBytes(fuzz.pick(new Long[]{-1L, Long.MIN_VALUE}));
                    kind = "negative bytes";
                }
                case 4 -> {
                    m.setIdleRatio(fuzz.pick(new Double[]{1.5, 1e300, Double.NaN, -0.1}));
                    kind = "idle ratio out of [0, 1]";
                }
                case 5 -> {
                    m.setSamplePeriodMs(fuzz.pick(new Long[]{0L, -1_000L, 999L, 60_001L, Long.MAX_VALUE, Long.MIN_VALUE}));
                    kind = "sample period out of range";
                }
                case 6 -> {
                    m.setEventTime(Instant.ofEpochMilli(fuzz.pick(new Long[]{0L, 1L, 946_684_799_999L, -86_400_000L})));
                    kind = "event time before 2000";
                }
                case 7 -> {
                    m.setEventTime(Instant.ofEpochMilli(d.now + fuzz.pick(new Long[]{3_600_000L, 86_400_000L * 365,
                            4_102_444_800_000L})));
                    kind = "event time far in the future";
                }
                case 8 -> {
                    m.setVolumeId(fuzz.pick(new String[]{"", " ", "\t\n"}));
                    kind = "blank volume id";
                }
                case 9 -> {
                    m.setQueueDepth(fuzz.pick(new Double[]{Double.NaN, -1.0, Double.POSITIVE_INFINITY}));
                    kind = "queue depth NaN or negative";
                }
                case 10 -> {
                    m.setVolumeId(huge()).setLatencyUs(Double.NaN);
                    kind = "huge volume id, NaN latency";
                }
                case 11 -> {
                    m.setPeerGroup(huge()).setSamplePeriodMs(0);
                    kind = "huge peer group, zero period";
                }
                case 12 -> {
                    VolumeMetric last = lastSample.get(v);
                    if (last == null) {
                        send(topic, "tombstone", Outcome.SKIPPED, anyKey(), null);
                        return;
                    }
                    // The volume's latest sample again, or an older one: a redelivery or a lagging source.
                    long back = fuzz.random.nextInt(3) * 1_000L;
                    m = VolumeMetric.newBuilder(last).setEventTime(Instant.ofEpochMilli(last.getEventTime().toEpochMilli() - back))
                            .setLatencyUs(fuzz.random.nextBoolean() ? last.getLatencyUs() : 900_000.0);
                    kind = "stale or duplicate sample";
                    outcome = Outcome.SKIPPED;
                }
                default -> {
                    send(topic, "tombstone", Outcome.SKIPPED, anyKey(), null);
                    return;
                }
            }
            send(topic, kind, outcome, outcome == Outcome.SKIPPED ? Fuzz.utf8(v) : anyKey(), metricSer.serialize(topic, m.build()));
        }

        void tabletBad() {
            String topic = d.catalog.tablets.name();
            TabletRecord base = List.copyOf(tablets.values()).get(fuzz.random.nextInt(tablets.size()));
            if (fuzz.random.nextInt(3) == 0) {
                undecodable(topic, tabletSer.serialize(topic, base));
                return;
            }
            TabletRecord.Builder t = TabletRecord.newBuilder(base);
            String kind;
            switch (fuzz.random.nextInt(7)) {
                case 0 -> {
                    t.setTabletAlias(fuzz.pick(new String[]{"", " "}));
                    kind = "blank alias";
                }
                case 1 -> {
                    t.setKeyspace("");
                    kind = "blank keyspace";
                }
                case 2 -> {
                    t.setShard(fuzz.pick(new String[]{"", "-80/x", "a/b", "/"}));
                    kind = "blank shard or shard with a slash";
                }
                case 3 -> {
                    t.setShard("").setVolumeId(huge());
                    kind = "huge volume id, blank shard";
                }
                case 4 -> {
                    t.setKeyspace(" ").setReplicationLagMs(Long.MIN_VALUE).setPrimaryTerm(-1);
                    kind = "absurd lag and term, blank keyspace";
                }
                case 5 -> {
                    t.setTabletAlias("").setCell(huge());
                    kind = "huge cell, blank alias";
                }
                default -> {
                    send(topic, "tombstone", Outcome.SKIPPED, anyKey(), null);
                    return;
                }
            }
            send(topic, kind, Outcome.DLQ, anyKey(), tabletSer.serialize(topic, t.build()));
        }

        void healthBad() {
            String topic = d.catalog.volumeHealth.name();
            VolumeHealth h = VolumeHealth.newBuilder().setVolumeId(someVolume()).setPeerGroup(HealthDriver.GROUP)
                    .setNode(HealthDriver.GROUP).setCell("zone1").setState(VolumeHealthState.DEGRADED)
                    .setPreviousState(VolumeHealthState.HEALTHY).setSinceTime(Instant.ofEpochMilli(d.now))
                    .setEventTime(Instant.ofEpochMilli(d.now)).setRule("latency_slo").build();
            switch (fuzz.random.nextInt(3)) {
                case 0 -> undecodable(topic, healthSer.serialize(topic, h));
                case 1 -> send(topic, "blank volume id", Outcome.DLQ, anyKey(), healthSer.serialize(topic,
                        VolumeHealth.newBuilder(h).setVolumeId(fuzz.pick(new String[]{"", " "})).build()));
                default -> send(topic, "tombstone", Outcome.SKIPPED, anyKey(), null);
            }
        }

        void resultBad() {
            String topic = d.catalog.commandResults.name();
            CommandResult r = CommandResult.newBuilder().setCommandId("c-" + fuzz.random.nextInt(1000)).setCommandKind(CommandKind.FLEET)
                    .setReconcileType(null).setFleetType(FleetCommandType.REPARENT).setTarget(KS + "/-80").setAttempt(1)
                    .setOutcome(CommandOutcome.SUCCEEDED).setExecutor("fuzz").setStartedTime(Instant.ofEpochMilli(d.now))
                    .setFinishedTime(Instant.ofEpochMilli(d.now)).setObserved(Map.of()).build();
            if (fuzz.random.nextInt(3) == 0) {
                undecodable(topic, resultSer.serialize(topic, r));
                return;
            }
            CommandResult.Builder b = CommandResult.newBuilder(r);
            switch (fuzz.random.nextInt(5)) {
                case 0 -> send(topic, "target not keyspace/shard", Outcome.DLQ, anyKey(), resultSer.serialize(topic,
                        b.setTarget(fuzz.pick(new String[]{"", "ks", "/-80", "ks/", "e-1", huge()})).build()));
                case 1 -> send(topic, "blank command id", Outcome.DLQ, anyKey(), resultSer.serialize(topic,
                        b.setCommandId(fuzz.pick(new String[]{"", "  "})).build()));
                case 2 -> send(topic, "a reconcile result", Outcome.SKIPPED, anyKey(), resultSer.serialize(topic,
                        b.setCommandKind(CommandKind.RECONCILE).setFleetType(null)
                                .setReconcileType(ReconcileCommandType.ADVANCE_HEAD).setTarget("e-1").build()));
                case 3 -> send(topic, "kind unknown", Outcome.SKIPPED, anyKey(), resultSer.serialize(topic,
                        b.setCommandKind(CommandKind.UNKNOWN).build()));
                default -> send(topic, "tombstone", Outcome.SKIPPED, anyKey(), null);
            }
        }

        void undecodable(String topic, byte[] valid) {
            Outcome dlq = topic.equals(d.catalog.control.name()) ? Outcome.GLOBAL_SKIPPED : Outcome.DLQ_DESERIALIZATION;
            byte[] foreign = foreignSer.serialize(d.catalog.snapshots.name(), SnapshotObject.newBuilder().setBucket("b")
                    .setObjectKey("k").setEntityId("e").setRevision(1).setSizeBytes(1).setEtag("x")
                    .setLastModifiedTime(Instant.ofEpochMilli(d.now)).setPublicationState(PublicationState.PENDING)
                    .setScanPassId("p").setScanTime(Instant.ofEpochMilli(d.now)).build());
            switch (fuzz.random.nextInt(9)) {
                case 0 -> send(topic, "random bytes", dlq, anyKey(), fuzz.randomBytes(300));
                case 1 -> send(topic, "truncated Avro", dlq, anyKey(), fuzz.truncated(valid));
                case 2 -> send(topic, "unknown fingerprint", dlq, anyKey(), fuzz.wrongFingerprint(valid));
                case 3 -> send(topic, "Confluent framing", dlq, anyKey(), fuzz.confluentFramed(valid));
                case 4 -> send(topic, "Avro without header", dlq, anyKey(), fuzz.headerless(valid));
                case 5 -> send(topic, "trailing bytes", dlq, anyKey(), fuzz.trailing(valid));
                case 6 -> send(topic, "foreign Avro (SnapshotObject)", dlq, anyKey(), foreign);
                case 7 -> send(topic, "JSON on an Avro topic", dlq, anyKey(), Fuzz.utf8("{\"volume_id\":\"vol-1\",\"latency_us\":1}"));
                default -> send(topic, "empty value", dlq, anyKey(), new byte[0]);
            }
        }
    }
}
