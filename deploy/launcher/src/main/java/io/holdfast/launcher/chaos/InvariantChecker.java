package io.holdfast.launcher.chaos;

import io.holdfast.connectors.store.EntityStoreSchema;
import io.holdfast.connectors.store.PublicationTags;
import io.holdfast.connectors.store.StoreAudit;
import io.holdfast.connectors.writer.StoppedAfter;
import io.holdfast.connectors.writer.WriteResult;
import io.holdfast.reconciler.cdc.ChangeEvent;
import io.holdfast.reconciler.cdc.ChangeEventParser;
import io.holdfast.reconciler.cdc.Op;
import io.holdfast.reconciler.gtid.MariadbGtidPosition;
import io.holdfast.schemas.FleetCommand;
import io.holdfast.schemas.FleetCommandType;
import io.holdfast.schemas.ReconcileCommand;
import io.holdfast.topology.catalog.Topic;
import io.holdfast.topology.catalog.TopicCatalog;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The system's invariants checked from the ground truth, never from holdfast's own state: MariaDB and the
 * S3 server read directly, the binlog's history (the change events of both tables on the CDC topics), the
 * commands holdfast sent (read back from their topics) and the fleet simulator's ledger.
 *
 * <ul>
 *   <li>every snapshot has its revision row and the {@code published} tag, every head equals its entity's
 *       highest revision ({@link StoreAudit});</li>
 *   <li>no head ever moved backward and no revision row was ever updated or deleted, from the binlog history
 *       ordered by GTID (a redelivery after a crash of the binlog source is not a move);</li>
 *   <li>no shard ever had two writable primaries; each degradation episode caused at most one reparent;</li>
 *   <li>no reparent promoted a degraded or lagging candidate (the simulator's record of the new primary at the
 *       moment of its promotion, set against the command's decision time);</li>
 *   <li>every planted fault is accounted for: each write stopped after S3, the row or the head has its row, its
 *       tag and a head at or past it; each injected degradation was ended, replaced and retired.</li>
 * </ul>
 *
 * <p>Every part is a static function of what it reads, so each can be checked on planted violations.
 */
public final class InvariantChecker {

    /**
     * How the fleet rules are judged.
     *
     * @param candidateMaxLagMs  the lag SLO a candidate must be under ({@code holdfast.recovery.candidate.max.lag.ms})
     * @param detectionAllowance a volume that began to degrade less than this before a decision could not yet have been
     *                           classified (windows need samples): promoting it is not counted against holdfast
     */
    public record FleetRules(long candidateMaxLagMs, Duration detectionAllowance) {}

    /** The write path's end state and binlog history; {@link #problems()} empty when every invariant holds. */
    public record WritePathReport(int snapshots, int entities, int rows, int headChanges, int rowChanges, List<String> problems) {
        public WritePathReport {
            problems = List.copyOf(problems);
        }

        public String summary() {
            return snapshots + " snapshots of " + entities + " entities, " + rows + " revision rows; binlog: " + headChanges
                    + " head changes, " + rowChanges + " revision row events; " + problems.size() + " problems"
                    + (problems.isEmpty() ? "" : ", e.g. " + problems.subList(0, Math.min(5, problems.size())));
        }
    }

    /** What the binlog's history of both tables shows. */
    public record BinlogHistory(int headChanges, int rowChanges, List<String> problems) {
        public BinlogHistory {
            problems = List.copyOf(problems);
        }
    }

    /** Everything the checker found. */
    public record Report(WritePathReport writePath, Map<String, Long> reconcileCommands, Map<String, Long> fleetCommands,
                         Map<String, Long> writerFaults, int injections, int promotions, List<String> violations) {
        public Report {
            violations = List.copyOf(violations);
        }

        public boolean passed() {
            return violations.isEmpty();
        }
    }

    /** Where to read. */
    public record Sources(S3Client s3, String bucket, String prefix, Connection db, Map<String, Object> kafka, TopicCatalog catalog) {}

    private InvariantChecker() {
    }

    /**
     * The whole check: the write path, the repairs holdfast sent, the fleet's ledger against the fleet commands,
     * and the planted faults ({@code plantedWrites}: the writes stopped after a step; {@code plantedInjections}:
     * the ids of the degradations injected).
     */
    public static Report check(Sources in, SimulatorLedger ledger, FleetRules rules, Collection<WriteResult> plantedWrites,
                               Collection<Long> plantedInjections) throws Exception {
        WritePathReport writePath = writePath(in.s3(), in.bucket(), in.prefix(), in.db(), in.kafka(), in.catalog().cdcRevisions.name(),
                in.catalog().cdcEntityHeads.name());
        List<String> violations = new ArrayList<>(writePath.problems());

        Map<String, ReconcileCommand> reconcile = commandsById(in.kafka(), in.catalog().reconcileCommands, ReconcileCommand::getCommandId);
        Map<String, FleetCommand> fleet = commandsById(in.kafka(), in.catalog().fleetCommands, FleetCommand::getCommandId);
        violations.addAll(fleet(ledger, fleet, plantedInjections, rules));

        Map<String, Set<Long>> rows = new HashMap<>();
        Map<String, Long> heads = new HashMap<>();
        readTables(in.db(), rows, heads);
        violations.addAll(writerFaults(plantedWrites, rows, heads,
                key -> EntityStoreSchema.PUBLISHED.equals(PublicationTags.read(in.s3(), in.bucket(), key).get(EntityStoreSchema.TAG)),
                in.prefix()));

        Map<String, Long> faults = new TreeMap<>();
        plantedWrites.forEach(w -> faults.merge("stopped after " + w.stoppedAfter().label(), 1L, Long::sum));
        return new Report(writePath, countByType(reconcile.values(), c -> c.getType().name()),
                countByType(fleet.values(), c -> c.getType().name()), faults, plantedInjections.size(), ledger.promotions().size(),
                violations);
    }

    // ----- the write path -----

    /** The store's end state and the binlog's history of both tables. */
    public static WritePathReport writePath(S3Client s3, String bucket, String prefix, Connection db, Map<String, Object> kafka,
                                            String revisionsTopic, String headsTopic) throws SQLException, InterruptedException {
        StoreAudit.Report store = StoreAudit.check(s3, bucket, prefix, db);
        ChangeEventParser parser = new ChangeEventParser();
        List<ChangeEvent> heads = new ArrayList<>();
        readAll(kafka, headsTopic, r -> heads.add(parser.parse(r.key(), r.value())));
        List<ChangeEvent> revisions = new ArrayList<>();
        readAll(kafka, revisionsTopic, r -> revisions.add(parser.parse(r.key(), r.value())));
        BinlogHistory history = binlogHistory(heads, revisions);
        List<String> problems = new ArrayList<>(store.problems());
        problems.addAll(history.problems());
        return new WritePathReport(store.snapshots(), store.entities(), store.rows(), history.headChanges(), history.rowChanges(), problems);
    }

    /** As {@link #writePath(S3Client, String, String, Connection, Map, String, String)} on a plain-text cluster. */
    public static WritePathReport writePath(S3Client s3, String bucket, String prefix, Connection db, String bootstrap,
                                            String revisionsTopic, String headsTopic) throws SQLException, InterruptedException {
        return writePath(s3, bucket, prefix, db, Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), revisionsTopic, headsTopic);
    }

    /**
     * From the change events of both tables: no head row deleted, no head moved backward (in one event, or across events
     * ordered by GTID: Debezium redelivers after a crash, so arrival order is not history), no revision row updated or
     * deleted after its insert. Copy-phase reads (op r) are the table as it was, not changes.
     */
    public static BinlogHistory binlogHistory(List<ChangeEvent> headEvents, List<ChangeEvent> revisionEvents) {
        List<String> problems = new ArrayList<>();
        Map<String, TreeMap<Long, long[]>> history = new HashMap<>(); // entity -> GTID seq -> {before, after}
        int headChanges = 0;
        for (ChangeEvent e : headEvents) {
            if (e.isTombstone() || e.op() == Op.READ) {
                continue;
            }
            if (e.op() == Op.DELETE) {
                problems.add("head row of " + e.before().string("entity_id") + " was deleted");
                continue;
            }
            headChanges++;
            String entity = e.after().string("entity_id");
            long after = e.after().longValue("head_revision");
            long before = e.before() == null ? -1 : e.before().longValue("head_revision");
            if (after < before) {
                problems.add("head of " + entity + " moved backward from " + before + " to " + after);
            }
            long seq = e.source().position() instanceof MariadbGtidPosition p ? p.seq(0) : e.source().binlogPos();
            history.computeIfAbsent(entity, k -> new TreeMap<>()).put(seq, new long[] {before, after});
        }
        for (Map.Entry<String, TreeMap<Long, long[]>> h : history.entrySet()) {
            long last = -1;
            for (long[] change : h.getValue().values()) {
                if (change[1] < last) {
                    problems.add("head of " + h.getKey() + " went from " + last + " to " + change[1] + " in binlog order");
                }
                last = Math.max(last, change[1]);
            }
        }
        int rowChanges = 0;
        for (ChangeEvent e : revisionEvents) {
            if (e.isTombstone()) {
                continue;
            }
            rowChanges++;
            if (e.op() == Op.UPDATE || e.op() == Op.DELETE) {
                problems.add("revision row " + e.row().string("entity_id") + "/" + e.row().longValue("revision")
                        + " was " + (e.op() == Op.UPDATE ? "updated" : "deleted") + " after its insert");
            }
        }
        return new BinlogHistory(headChanges, rowChanges, problems);
    }

    /**
     * Each write stopped after a step ended repaired: its revision row in, its snapshot tagged published (asked of
     * {@code published} by object key) and its entity's head at or past its revision.
     */
    public static List<String> writerFaults(Collection<WriteResult> planted, Map<String, Set<Long>> rows, Map<String, Long> heads,
                                            Predicate<String> published, String prefix) {
        List<String> problems = new ArrayList<>();
        for (WriteResult w : planted) {
            if (w.stoppedAfter() == StoppedAfter.NONE) {
                continue;
            }
            String what = "write of " + w.entity() + "/" + w.revision() + " stopped after " + w.stoppedAfter().label();
            if (!rows.getOrDefault(w.entity(), Set.of()).contains(w.revision())) {
                problems.add(what + ": its revision row was never replayed");
            }
            Long head = heads.get(w.entity());
            if (head == null || head < w.revision()) {
                problems.add(what + ": the head is " + head + ", behind it");
            }
            if (!published.test(prefix + w.entity() + "/" + w.revision())) {
                problems.add(what + ": its snapshot is not tagged published");
            }
        }
        return problems;
    }

    // ----- the fleet -----

    /**
     * The fleet's invariants from the simulator's ledger and the fleet commands sent ({@code commands}, by id):
     * no split brain; at most one reparent per episode; every promotion by a command holdfast sent, of a tablet
     * neither degraded when it was chosen nor lagging; every planted injection in the ledger, ended, replaced and retired.
     */
    public static List<String> fleet(SimulatorLedger ledger, Map<String, FleetCommand> commands, Collection<Long> planted, FleetRules rules) {
        List<String> problems = new ArrayList<>();
        ledger.splitBrains().forEach(line -> problems.add("two writable primaries: " + line));
        for (SimulatorLedger.Entry e : ledger.entries()) {
            if (e.reparents() > 1) {
                problems.add("episode #" + e.injectionId() + " on " + e.shardKey() + " caused " + e.reparents() + " reparents: " + e.line());
            }
        }
        for (SimulatorLedger.Promotion p : ledger.promotions()) {
            FleetCommand command = commands.get(p.commandId());
            if (command == null || command.getType() != FleetCommandType.REPARENT) {
                problems.add("promotion of " + p.tabletAlias() + " by a command that is not a reparent on the fleet commands topic: "
                        + p.line());
                continue;
            }
            Instant decided = command.getDecidedTime();
            // Degraded since before the decision by more than the classifier can see: holdfast chose a sick candidate.
            boolean impairedWhenChosen = p.impairedSince().isPresent()
                    && !p.impairedSince().get().isAfter(decided.minus(rules.detectionAllowance()));
            if (impairedWhenChosen) {
                problems.add("reparent " + p.commandId() + " decided at " + decided + " promoted " + p.tabletAlias()
                        + ", whose volume was impaired since " + p.impairedSince().get() + ": " + p.line());
            }
            // A lag over the SLO counts unless it is the doing of a degradation that began too late to be seen.
            boolean lagFromLateDegradation = p.impairedSince().isPresent() && !impairedWhenChosen;
            if (p.lagMillis() > rules.candidateMaxLagMs() && !lagFromLateDegradation) {
                problems.add("reparent " + p.commandId() + " promoted " + p.tabletAlias() + " lagging " + p.lagMillis()
                        + " ms (SLO " + rules.candidateMaxLagMs() + " ms): " + p.line());
            }
        }
        for (long id : planted) {
            List<SimulatorLedger.Entry> entries = ledger.entries().stream().filter(e -> e.injectionId() == id).toList();
            if (entries.isEmpty()) {
                problems.add("injected degradation #" + id + " is not in the simulator's ledger");
            }
            for (SimulatorLedger.Entry e : entries) {
                if (!e.repaired()) {
                    problems.add("injected degradation #" + id + " on " + e.shardKey() + " not repaired: " + e.line());
                }
            }
        }
        return problems;
    }

    // ----- reading -----

    private static void readTables(Connection db, Map<String, Set<Long>> rows, Map<String, Long> heads) throws SQLException {
        try (Statement s = db.createStatement()) {
            try (ResultSet r = s.executeQuery("SELECT entity_id, revision FROM revisions")) {
                while (r.next()) {
                    rows.computeIfAbsent(r.getString(1), k -> new HashSet<>()).add(r.getLong(2));
                }
            }
            try (ResultSet r = s.executeQuery("SELECT entity_id, head_revision FROM entity_heads")) {
                while (r.next()) {
                    heads.put(r.getString(1), r.getLong(2));
                }
            }
        }
    }

    /** Every record of {@code topic} from the beginning to its end as it is now (committed records only). */
    public static void readAll(Map<String, Object> kafka, String topic, Consumer<ConsumerRecord<byte[], byte[]>> each) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    // A partial read would hide history: refuse to judge instead.
                    throw new IllegalStateException("could not read " + topic + " to its end " + end + " within 2 minutes");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(each);
            }
        }
    }

    private static <V> Map<String, V> commandsById(Map<String, Object> kafka, Topic<String, V> topic, java.util.function.Function<V, String> id) {
        // By command id: a step sent again after its deadline is the same command, not a second one.
        Map<String, V> byId = new LinkedHashMap<>();
        readAll(kafka, topic.name(), r -> {
            if (r.value() != null) {
                V v = topic.valueSerde().deserializer().deserialize(r.topic(), r.value());
                byId.putIfAbsent(id.apply(v), v);
            }
        });
        return byId;
    }

    private static <V> Map<String, Long> countByType(Collection<V> commands, java.util.function.Function<V, String> type) {
        Map<String, Long> counts = new TreeMap<>();
        commands.forEach(c -> counts.merge(type.apply(c), 1L, Long::sum));
        return counts;
    }
}
