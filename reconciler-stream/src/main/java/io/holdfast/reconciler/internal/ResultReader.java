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
 * Reads the executors' results back: a MarkPublished that took effect becomes a {@link EntityInput.Published}
 * keyed by its entity, so the entity settles without waiting for the next scan pass to read the tag (and
 * without MarkPublished retried meanwhile). Every other result is the binlog's or the scanner's to confirm:
 * replayed rows and advanced heads arrive as CDC, so those results are skipped here.
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
        if (result.getCommandKind() != CommandKind.RECONCILE || result.getReconcileType() != ReconcileCommandType.MARK_PUBLISHED) {
            metrics.skipped("result_not_read_back");
            return;
        }
        if (!ReconcileObserved.tookEffect(result)) {
            metrics.skipped("result_without_effect");
            return;
        }
        if (result.getTarget() == null || result.getTarget().isBlank()) {
            throw new IllegalArgumentException("MarkPublished result " + result.getCommandId() + " has no target entity");
        }
        CharSequence revision = result.getObserved().get(ReconcileObserved.REVISION);
        if (revision == null) {
            metrics.skipped("result_without_revision"); // an executor that does not report it: the scan confirms instead
            return;
        }
        long parsed;
        try {
            parsed = Long.parseLong(revision.toString());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("MarkPublished result " + result.getCommandId() + " has revision '" + revision
                    + "', not a number");
        }
        if (parsed < 0) {
            throw new IllegalArgumentException("MarkPublished result " + result.getCommandId() + " has a negative revision " + parsed);
        }
        String entity = result.getTarget();
        metrics.input("published_result");
        context.forward(record.withKey(entity).withValue(new EntityInput.Published(entity, parsed,
                result.getFinishedTime().toEpochMilli())), entitySink);
    }
}
