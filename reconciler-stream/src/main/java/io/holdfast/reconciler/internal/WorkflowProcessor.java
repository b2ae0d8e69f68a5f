package io.holdfast.reconciler.internal;

import io.holdfast.reconciler.workflow.ProgressPartial;
import io.holdfast.reconciler.workflow.WorkflowMerge;
import io.holdfast.schemas.DiffPass;
import io.holdfast.schemas.WorkflowProgress;
import io.holdfast.topology.serde.JsonSerde;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Puts each workflow key's partials (one per source partition or task) together and publishes the
 * result on {@code state.workflow}. Partials arrive at most once per punctuation per partition, so this
 * runs at a low, bounded rate; reading a key's partials is a prefix range of as many entries as there
 * are partitions. The diff pass is also re-published when the scanner reports its pass complete.
 */
public final class WorkflowProcessor implements Processor<String, ProgressPartial, String, WorkflowProgress> {

    public static final String PARTIALS_STORE = "reconciler-workflow-partials";

    private static final String COMPLETE_SUFFIX = "!complete";
    private static final JsonSerde<ProgressPartial> PARTIAL_JSON = new JsonSerde<>(ProgressPartial.class);

    private final String diffKey;
    private final String scanKey;
    private final String bucket;
    private final String prefix;
    private final Duration punctuateEvery;
    private ProcessorContext<String, WorkflowProgress> context;
    private KeyValueStore<String, byte[]> partials;
    private KeyValueStore<String, WorkflowProgress> workflows;
    private DiffPass lastDiffPublished;

    public WorkflowProcessor(String diffKey, String scanKey, String bucket, String prefix, Duration punctuateEvery) {
        this.diffKey = diffKey;
        this.scanKey = scanKey;
        this.bucket = bucket;
        this.prefix = prefix;
        this.punctuateEvery = punctuateEvery;
    }

    @Override
    public void init(ProcessorContext<String, WorkflowProgress> context) {
        this.context = context;
        partials = context.getStateStore(PARTIALS_STORE);
        workflows = context.getStateStore(EntityProcessor.WORKFLOW_GLOBAL_STORE);
        WorkflowProgress published = workflows.get(diffKey);
        lastDiffPublished = published == null ? null : published.getDiffPass();
        context.schedule(punctuateEvery, PunctuationType.WALL_CLOCK_TIME, this::checkDiffCompletion);
    }

    @Override
    public void process(Record<String, ProgressPartial> record) {
        ProgressPartial p = record.value();
        if (p == null || p.workflowKey() == null || !p.workflowKey().equals(record.key())) {
            throw new IllegalArgumentException("progress partial keyed " + record.key() + " does not match its workflow key");
        }
        partials.put(p.partialKey(), PARTIAL_JSON.serializer().serialize(null, p));
        publish(p.workflowKey(), context.currentSystemTimeMs());
    }

    private void checkDiffCompletion(long now) {
        if (lastDiffPublished != null && lastDiffPublished.getFinishedTime() == null) {
            publish(diffKey, now);
        }
    }

    private void publish(String workflowKey, long now) {
        List<ProgressPartial> all = partialsOf(workflowKey);
        WorkflowProgress merged;
        if (workflowKey.equals(diffKey)) {
            merged = WorkflowMerge.mergeDiff(workflowKey, bucket, prefix, all, workflows.get(scanKey),
                    lastComplete(), now);
            if (merged == null || sameDiff(merged.getDiffPass(), lastDiffPublished)) {
                return;
            }
            lastDiffPublished = merged.getDiffPass();
            if (merged.getCopyStartedTime() != null) {
                partials.put(diffKey + COMPLETE_SUFFIX, (merged.getCopyStartedTime().toEpochMilli() + ","
                        + merged.getCopyFinishedTime().toEpochMilli()).getBytes(StandardCharsets.UTF_8));
            }
        } else {
            merged = WorkflowMerge.mergeCdc(workflowKey, all, now);
        }
        context.forward(new Record<>(workflowKey, merged, now));
    }

    /** The latest completed diff pass {start, finish}, kept beside the partials (outside their key range); or null. */
    private long[] lastComplete() {
        byte[] stored = partials.get(diffKey + COMPLETE_SUFFIX);
        if (stored == null) {
            return null;
        }
        String[] parts = new String(stored, StandardCharsets.UTF_8).split(",");
        return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])};
    }

    private static boolean sameDiff(DiffPass a, DiffPass b) {
        // Ignoring nothing but identity: the record is re-published whenever a count or the state changed.
        return Objects.equals(a, b);
    }

    private List<ProgressPartial> partialsOf(String workflowKey) {
        List<ProgressPartial> list = new ArrayList<>();
        // '#' < '$': every '<key>#<partition>' sorts between the two bounds.
        try (KeyValueIterator<String, byte[]> it = partials.range(workflowKey + "#", workflowKey + "$")) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> e = it.next();
                list.add(PARTIAL_JSON.deserializer().deserialize(null, e.value));
            }
        }
        return list;
    }
}
