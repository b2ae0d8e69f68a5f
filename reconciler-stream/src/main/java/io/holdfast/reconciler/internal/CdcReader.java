package io.holdfast.reconciler.internal;

import io.holdfast.reconciler.ReconcilerMetrics;
import io.holdfast.reconciler.cdc.ChangeEvent;
import io.holdfast.reconciler.cdc.ChangeEventParser;
import io.holdfast.reconciler.cdc.Op;
import io.holdfast.reconciler.cdc.Row;
import io.holdfast.reconciler.entity.EntityInput;
import io.holdfast.reconciler.workflow.CdcProgress;
import io.holdfast.reconciler.workflow.WorkflowKeys;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Reads the Debezium change events of the revisions and heads tables: each event becomes an entity
 * observation keyed by entity id (for the re-keying topic), and advances the table's copy and
 * replication progress as this source partition sees it, published to the workflow processor once per
 * punctuation. A record that is not a change event of either table throws, which sends it to the
 * dead-letter topic with the reason and changes nothing.
 *
 * <p>Keys and values arrive as the bytes Kafka Connect's JSON converter wrote and are parsed from
 * them: decoding each envelope to a String first was a sixth of the stream thread's time (JFR).
 */
public final class CdcReader implements Processor<byte[], byte[], String, Object> {

    public static final String PROGRESS_STORE = "reconciler-cdc-progress";

    private final ChangeEventParser parser = new ChangeEventParser();
    private final String server;
    private final CdcMapping mapping;
    private final ReconcilerMetrics metrics;
    private final String entitySink;
    private final String progressSink;
    private final Duration punctuateEvery;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, byte[]> progressStore;
    private final Map<String, CdcProgress> progress = new HashMap<>();
    private final Map<String, Integer> dirty = new HashMap<>();

    /**
     * @param server Debezium's logical server name (its topic.prefix) as configured: the workflow keys are
     *               {@code <server>/<table>} whatever a record's source.name says, so that the gate the entity
     *               processor reads and the progress written here always meet
     */
    public CdcReader(String server, CdcMapping mapping, ReconcilerMetrics metrics, String entitySink, String progressSink,
                     Duration punctuateEvery) {
        this.server = server;
        this.mapping = mapping;
        this.metrics = metrics;
        this.entitySink = entitySink;
        this.progressSink = progressSink;
        this.punctuateEvery = punctuateEvery;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.progressStore = context.getStateStore(PROGRESS_STORE);
        context.schedule(punctuateEvery, PunctuationType.WALL_CLOCK_TIME, this::publishProgress);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        ChangeEvent event = parser.parse(record.key(), record.value());
        if (event.isTombstone()) {
            metrics.skipped("tombstone"); // the delete event before it carried the row
            return;
        }
        if (event.op() == Op.TRUNCATE || event.op() == Op.MESSAGE) {
            metrics.skipped(event.op() == Op.TRUNCATE ? "truncate" : "message");
            return;
        }
        EntityInput input = mapping.toInput(event);
        metrics.input(input instanceof EntityInput.Head ? "head" : "revision_row");
        track(event);
        context.forward(new Record<String, Object>(input.entity(), input, record.timestamp(), record.headers()), entitySink);
    }

    private void track(ChangeEvent event) {
        int partition = context.recordMetadata().map(m -> m.partition()).orElse(0);
        String workflowKey = WorkflowKeys.table(server, event.source().table());
        String key = workflowKey + "#" + partition;
        CdcProgress p = progress.get(key);
        if (p == null) {
            byte[] stored = progressStore.get(key);
            p = stored == null ? new CdcProgress(server, event.source().table()) : CdcProgress.fromBytes(stored);
            progress.put(key, p);
        }
        p.observe(event.source().snapshot(), event.source().tsMs(), keyText(event.key()), event.source().position());
        progressStore.put(key, p.toBytes());
        dirty.put(key, partition);
    }

    /** A row's primary key as text, for the last copied key: its column values joined by '/'. */
    static String keyText(Row key) {
        if (key == null) {
            return null;
        }
        StringBuilder s = new StringBuilder();
        for (Object v : key.asMap().values()) {
            if (!s.isEmpty()) {
                s.append('/');
            }
            s.append(v);
        }
        return s.toString();
    }

    private void publishProgress(long now) {
        for (Iterator<Map.Entry<String, Integer>> it = dirty.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Integer> e = it.next();
            CdcProgress p = progress.get(e.getKey());
            var partial = p.toPartial(e.getValue(), now);
            context.forward(new Record<String, Object>(partial.workflowKey(), partial, now), progressSink);
            it.remove();
        }
    }
}
