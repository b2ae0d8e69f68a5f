package io.holdfast.launcher;

import io.holdfast.topology.testkit.KafkaTestClients;
import io.holdfast.connectors.store.StoreAudit;
import io.holdfast.reconciler.cdc.ChangeEvent;
import io.holdfast.reconciler.cdc.ChangeEventParser;
import io.holdfast.reconciler.cdc.Op;
import io.holdfast.reconciler.gtid.MariadbGtidPosition;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.StringDeserializer;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The ground truth of the write path, read from the stores themselves and not from holdfast's state:
 * the store's end state ({@link StoreAudit}); and, from the binlog's history of both tables (the change events on the CDC topics,
 * ordered by GTID so that a redelivery after a crash of the source is not mistaken for a move), no head
 * ever moved backward and no revision row was ever updated or deleted after its insert.
 */
final class WritePathAudit {

    /** What was found; {@link #problems()} is empty when every invariant holds. */
    record Report(int snapshots, int entities, int rows, int headChanges, int rowChanges, List<String> problems) {
        String summary() {
            return snapshots + " snapshots of " + entities + " entities, " + rows + " revision rows; binlog: " + headChanges
                    + " head changes, " + rowChanges + " revision row events; " + problems.size() + " problems"
                    + (problems.isEmpty() ? "" : ", e.g. " + problems.subList(0, Math.min(5, problems.size())));
        }
    }

    private WritePathAudit() {
    }

    static Report check(S3Client s3, String bucket, String prefix, Connection db, String bootstrap, String revisionsTopic,
                        String headsTopic) throws Exception {
        StoreAudit.Report store = StoreAudit.check(s3, bucket, prefix, db);
        List<String> problems = new ArrayList<>(store.problems());
        // The binlog's history.
        ChangeEventParser parser = new ChangeEventParser();
        Map<String, TreeMap<Long, long[]>> headHistory = new HashMap<>(); // entity -> gtid seq -> {before, after}
        int headChanges = 0;
        for (ChangeEvent e : readAll(bootstrap, headsTopic, parser)) {
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
            headHistory.computeIfAbsent(entity, k -> new TreeMap<>()).put(seq, new long[] {before, after});
        }
        for (Map.Entry<String, TreeMap<Long, long[]>> h : headHistory.entrySet()) {
            long last = -1;
            for (long[] change : h.getValue().values()) {
                if (change[1] < last) {
                    problems.add("head of " + h.getKey() + " went from " + last + " to " + change[1] + " in binlog order");
                }
                last = Math.max(last, change[1]);
            }
        }
        int rowChanges = 0;
        for (ChangeEvent e : readAll(bootstrap, revisionsTopic, parser)) {
            if (e.isTombstone()) {
                continue;
            }
            rowChanges++;
            if (e.op() == Op.UPDATE || e.op() == Op.DELETE) {
                problems.add("revision row " + e.row().string("entity_id") + "/" + e.row().longValue("revision")
                        + " was " + (e.op() == Op.UPDATE ? "updated" : "deleted") + " after its insert");
            }
        }
        return new Report(store.snapshots(), store.entities(), store.rows(), headChanges, rowChanges, problems);
    }

    /** Every change event on {@code topic}, from the beginning to the end as it is now. */
    private static List<ChangeEvent> readAll(String bootstrap, String topic, ChangeEventParser parser) {
        List<ChangeEvent> events = new ArrayList<>();
        KafkaTestClients.readToEnd(bootstrap, topic, new StringDeserializer(), new StringDeserializer(),
                r -> events.add(parser.parse(r.key(), r.value())));
        return events;
    }
}
