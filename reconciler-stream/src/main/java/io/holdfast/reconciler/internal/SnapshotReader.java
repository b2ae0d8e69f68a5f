package io.holdfast.reconciler.internal;

import io.holdfast.reconciler.ReconcilerMetrics;
import io.holdfast.reconciler.entity.EntityInput;
import io.holdfast.schemas.SnapshotObject;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Reads the S3 inventory: each {@code SnapshotObject} becomes a snapshot observation keyed by the
 * entity id in its value (the record key is not trusted to match). An object without an entity, with a
 * negative revision or without its pass id throws: dead-letter topic, nothing changed.
 */
public final class SnapshotReader implements Processor<String, SnapshotObject, String, Object> {

    private final ReconcilerMetrics metrics;
    private final String entitySink;
    private ProcessorContext<String, Object> context;

    public SnapshotReader(ReconcilerMetrics metrics, String entitySink) {
        this.metrics = metrics;
        this.entitySink = entitySink;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, SnapshotObject> record) {
        SnapshotObject s = record.value();
        if (s == null) {
            metrics.skipped("tombstone");
            return;
        }
        if (s.getEntityId() == null || s.getEntityId().isBlank()) {
            throw new IllegalArgumentException("snapshot object " + s.getObjectKey() + " has no entity_id");
        }
        if (s.getRevision() < 0) {
            throw new IllegalArgumentException("snapshot object " + s.getObjectKey() + " has a negative revision " + s.getRevision());
        }
        if (s.getScanPassId() == null || s.getScanPassId().isBlank() || s.getObjectKey().isBlank()) {
            throw new IllegalArgumentException("snapshot object of " + s.getEntityId() + " has no object key or scan pass id");
        }
        EntityInput.Publication publication = switch (s.getPublicationState()) {
            case PENDING -> EntityInput.Publication.PENDING;
            case PUBLISHED -> EntityInput.Publication.PUBLISHED;
            default -> EntityInput.Publication.UNKNOWN;
        };
        EntityInput input = new EntityInput.Snapshot(s.getEntityId(), s.getRevision(), s.getBucket(), s.getObjectKey(),
                s.getEtag(), s.getContentHash(), s.getSizeBytes(),
                s.getCreatedAt() == null ? EntityInput.NONE : s.getCreatedAt().toEpochMilli(), publication,
                s.getScanPassId(), s.getScanTime().toEpochMilli());
        metrics.input("snapshot");
        context.forward(record.withKey(s.getEntityId()).withValue(input), entitySink);
    }
}
