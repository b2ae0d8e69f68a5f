package io.holdfast.reconciler.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.holdfast.reconciler.ReconcilerMetrics;
import io.holdfast.reconciler.cdc.MalformedChangeEventException;
import io.holdfast.reconciler.workflow.ProgressPartial;
import io.holdfast.reconciler.workflow.WorkflowKeys;
import io.holdfast.topology.serde.JsonSerde;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Reads Debezium's notifications (the sink channel) about incremental snapshots, the copy that resumes
 * from its last chunk: its data events only say "incremental", so when a table's copy starts and ends
 * comes from here. STARTED opens the copy of every table it names, IN_PROGRESS gives the last key copied,
 * TABLE_SCAN_COMPLETED closes one table's copy, COMPLETED and ABORTED close every
 * table still open. The result is one more partial per table for the workflow processor, under partition
 * {@value #PARTITION}, merged with the data events' partials like any other. Initial-snapshot notifications
 * are ignored: that copy's markers are in the data events themselves.
 */
public final class NotificationReader implements Processor<String, String, String, Object> {

    public static final String STORE = "reconciler-copy-notifications";
    /** The partial's partition: not a source partition, so it never collides with one. */
    public static final int PARTITION = -1;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonSerde<ProgressPartial> PARTIAL_JSON = new JsonSerde<>(ProgressPartial.class);

    private final String server;
    private final List<String> tables;
    private final ReconcilerMetrics metrics;
    private final String progressSink;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, byte[]> store;

    /** @param tables the tables whose copy is tracked (the revisions and heads tables) */
    public NotificationReader(String server, List<String> tables, ReconcilerMetrics metrics, String progressSink) {
        this.server = server;
        this.tables = tables;
        this.metrics = metrics;
        this.progressSink = progressSink;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        store = context.getStateStore(STORE);
    }

    @Override
    public void process(Record<String, String> record) {
        if (record.value() == null) {
            metrics.skipped("tombstone");
            return;
        }
        JsonNode n = payload(record.value());
        String aggregate = n.path("aggregate_type").asText("");
        if (!aggregate.equalsIgnoreCase("Incremental Snapshot")) {
            metrics.skipped("notification");
            return;
        }
        String type = n.path("type").asText("");
        JsonNode data = n.path("additional_data");
        long at = n.path("timestamp").asLong(record.timestamp());
        List<String> touched = new ArrayList<>();
        switch (type) {
            case "STARTED" -> {
                for (String table : named(data.path("data_collections").asText(""))) {
                    ProgressPartial p = load(table);
                    touched.add(table);
                    save(table, with(p, Math.max(at, p.copyStartedMs()), p.copyFinishedMs(), 0, null));
                }
            }
            case "IN_PROGRESS" -> {
                for (String table : named(data.path("current_collection_in_progress").asText(""))) {
                    ProgressPartial p = load(table);
                    touched.add(table);
                    String last = data.path("last_processed_key").asText(null);
                    save(table, with(p, p.copyStartedMs(), p.copyFinishedMs(), p.rowsCopied(), last == null ? p.lastCopiedKey() : last));
                }
            }
            case "TABLE_SCAN_COMPLETED" -> {
                for (String table : named(data.path("data_collection").asText(data.path("scanned_collection").asText("")))) {
                    ProgressPartial p = load(table);
                    touched.add(table);
                    // Rows are counted from the data events; total_rows_scanned would count them twice.
                    save(table, with(p, p.copyStartedMs(), Math.max(at, p.copyStartedMs()), 0, p.lastCopiedKey()));
                }
            }
            case "COMPLETED", "ABORTED" -> {
                for (String table : tables) {
                    ProgressPartial p = load(table);
                    if (p.copyStartedMs() > p.copyFinishedMs()) {
                        touched.add(table);
                        save(table, with(p, p.copyStartedMs(), Math.max(at, p.copyStartedMs()), p.rowsCopied(), p.lastCopiedKey()));
                    }
                }
            }
            default -> metrics.skipped("notification");
        }
        for (String table : touched) {
            ProgressPartial p = load(table);
            context.forward(new Record<String, Object>(p.workflowKey(), p, record.timestamp()), progressSink);
        }
    }

    /** The tracked tables among a Debezium data-collection list ({@code db.table, db.table} or regular expressions). */
    private List<String> named(String collections) {
        List<String> named = new ArrayList<>();
        for (String c : collections.split(",")) {
            String name = c.strip();
            String table = name.substring(name.lastIndexOf('.') + 1);
            if (tables.contains(table) && !named.contains(table)) {
                named.add(table);
            }
        }
        return named;
    }

    private ProgressPartial load(String table) {
        byte[] stored = store.get(table);
        if (stored != null) {
            return PARTIAL_JSON.deserializer().deserialize(null, stored);
        }
        return new ProgressPartial(WorkflowKeys.table(server, table), ProgressPartial.CDC, PARTITION, server, table,
                -1, -1, 0, null, null, null, -1, false, null, -1, 0, 0, 0, 0, 0, 0, null, 0);
    }

    private void save(String table, ProgressPartial p) {
        store.put(table, PARTIAL_JSON.serializer().serialize(null, p));
    }

    private ProgressPartial with(ProgressPartial p, long started, long finished, long rows, String lastKey) {
        return new ProgressPartial(p.workflowKey(), p.kind(), p.partition(), p.stream(), p.table(), started, finished, rows,
                lastKey, null, null, -1, false, null, -1, 0, 0, 0, 0, 0, 0, null, context.currentSystemTimeMs());
    }

    /** The notification itself, with or without the JsonConverter's schema/payload wrapper. */
    private static JsonNode payload(String json) {
        try {
            JsonNode n = JSON.readTree(json);
            if (n == null || !n.isObject()) {
                throw new MalformedChangeEventException("notification is not a JSON object");
            }
            return n.has("payload") && n.has("schema") ? n.get("payload") : n;
        } catch (IOException e) {
            throw new MalformedChangeEventException("notification is not JSON: " + e.getMessage());
        }
    }
}
