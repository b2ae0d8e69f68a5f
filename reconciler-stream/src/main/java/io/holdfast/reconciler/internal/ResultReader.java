package io.holdfast.reconciler.internal;

import io.holdfast.reconciler.ReconcilerMetrics;
import io.holdfast.reconciler.entity.EntityInput;
import io.holdfast.schemas.CommandKind;
import io.holdfast.schemas.CommandResult;
import io.holdfast.schemas.ReconcileCommandType;
import io.holdfast.schemas.ReconcileObserved;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Reads the reconcile executor's results back as {@link EntityInput.Answered}, keyed by entity: an answered attempt
 * makes the next one due a backoff later (an unanswered one waits the longest backoff), and a MarkPublished that
 * took effect settles the entity without waiting for the next scan pass. What the store holds is still learnt from
 * the binlog and the scan only. Results of fleet commands are skipped.
 */
public final class ResultReader implements Processor<String, CommandResult, String, Object> {

    private final ReconcilerMetrics metrics;
    private final String entitySink;
    private ProcessorContext<String, Object> context;

    public ResultReader(ReconcilerMetrics metrics, String entitySink) {
        this.metrics = metrics;
        this.entitySink = entitySink;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, CommandResult> record) {
        CommandResult result = record.value();
        if (result == null) {
            metrics.skipped("tombstone");
            return;
        }
        ReconcileCommandType type = result.getReconcileType();
        if (result.getCommandKind() != CommandKind.RECONCILE || type == null || type == ReconcileCommandType.UNKNOWN) {
            metrics.skipped("result_not_read_back");
            return;
        }
        if (result.getTarget() == null || result.getTarget().isBlank()) {
            throw new IllegalArgumentException(type + " result " + result.getCommandId() + " has no target entity");
        }
        CharSequence revision = result.getObserved().get(ReconcileObserved.REVISION);
        if (revision == null) {
            metrics.skipped("result_without_revision"); // an executor that does not report it: retries wait the longest backoff
            return;
        }
        long parsed;
        try {
            parsed = Long.parseLong(revision.toString());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(type + " result " + result.getCommandId() + " has revision '" + revision
                    + "', not a number");
        }
        if (parsed < 0) {
            throw new IllegalArgumentException(type + " result " + result.getCommandId() + " has a negative revision " + parsed);
        }
        String entity = result.getTarget();
        metrics.input("command_result");
        context.forward(record.withKey(entity).withValue(new EntityInput.Answered(entity, type, parsed, result.getAttempt(),
                ReconcileObserved.tookEffect(result))), entitySink);
    }
}
