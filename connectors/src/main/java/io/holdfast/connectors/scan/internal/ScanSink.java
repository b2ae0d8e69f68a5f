package io.holdfast.connectors.scan.internal;

import io.holdfast.schemas.SnapshotObject;
import io.holdfast.schemas.WorkflowProgress;
import io.holdfast.topology.catalog.Topic;
import io.holdfast.topology.catalog.TopicCatalog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Everything the scanner writes, through one idempotent {@code acks=all} producer: a page's
 * inventory records, then its checkpoint, then the pass report. Each call returns only once the
 * cluster acknowledged every record it sent, and throws if one was not: a checkpoint must never
 * cover a record that was not delivered.
 */
public final class ScanSink implements AutoCloseable {

    private final Producer<String, byte[]> producer;
    private final Topic<String, SnapshotObject> snapshots;
    private final Topic<String, WorkflowProgress> workflow;
    private final Topic<String, byte[]> checkpoints;
    private final Serializer<SnapshotObject> snapshotSerializer;
    private final Serializer<WorkflowProgress> progressSerializer;

    public ScanSink(Producer<String, byte[]> producer, TopicCatalog catalog) {
        this.producer = producer;
        this.snapshots = catalog.snapshots;
        this.workflow = catalog.workflow;
        this.checkpoints = catalog.scanCheckpoints;
        this.snapshotSerializer = snapshots.valueSerde().serializer();
        this.progressSerializer = workflow.valueSerde().serializer();
    }

    /** Sends one page's records, keyed by entity id and timed at their scan, and waits for every acknowledgement. */
    public void publishPage(List<SnapshotObject> records) throws InterruptedException {
        List<Future<RecordMetadata>> sends = new ArrayList<>(records.size());
        for (SnapshotObject r : records) {
            sends.add(producer.send(new ProducerRecord<>(snapshots.name(), null, r.getScanTime().toEpochMilli(), r.getEntityId(),
                    snapshotSerializer.serialize(snapshots.name(), r))));
        }
        int failed = 0;
        Throwable first = null;
        for (Future<RecordMetadata> send : sends) {
            try {
                send.get();
            } catch (ExecutionException e) {
                failed++;
                first = first == null ? e.getCause() : first;
            }
        }
        if (failed > 0) {
            throw new IllegalStateException(failed + " of " + records.size() + " records of the page were not delivered to "
                    + snapshots.name() + ": " + first, first);
        }
    }

    public void commit(String key, ScanCheckpoint checkpoint) throws InterruptedException {
        await(producer.send(new ProducerRecord<>(checkpoints.name(), key, CheckpointCodec.encode(checkpoint))), checkpoints.name());
    }

    public void report(String key, WorkflowProgress progress) throws InterruptedException {
        await(producer.send(new ProducerRecord<>(workflow.name(), null, progress.getUpdatedTime().toEpochMilli(), key,
                progressSerializer.serialize(workflow.name(), progress))), workflow.name());
    }

    private static void await(Future<RecordMetadata> send, String topic) throws InterruptedException {
        try {
            send.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("not delivered to " + topic + ": " + e.getCause(), e.getCause());
        }
    }

    public void close(Duration timeout) {
        producer.close(timeout);
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }
}
