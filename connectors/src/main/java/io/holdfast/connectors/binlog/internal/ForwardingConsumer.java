package io.holdfast.connectors.binlog.internal;

import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.holdfast.connectors.binlog.BinlogSourceException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Hands every record of a batch to Kafka exactly as Kafka Connect would (same topic, key and value
 * strings; a tombstone as a null value), waits until every one is acknowledged, and only then marks the
 * records processed and the batch finished. The engine flushes offsets of marked records only, so a crash
 * before the acknowledgements sends the batch again: duplicates are possible, losses are not.
 */
public final class ForwardingConsumer implements DebeziumEngine.ChangeConsumer<ChangeEvent<String, String>> {

    private final Producer<String, String> producer;
    private final DestinationTopics topics;
    private final CaptureMetrics metrics;

    public ForwardingConsumer(Producer<String, String> producer, DestinationTopics topics, CaptureMetrics metrics) {
        this.producer = producer;
        this.topics = topics;
        this.metrics = metrics;
    }

    @Override
    public void handleBatch(List<ChangeEvent<String, String>> records,
                            DebeziumEngine.RecordCommitter<ChangeEvent<String, String>> committer) throws InterruptedException {
        List<Future<RecordMetadata>> acks = new ArrayList<>(records.size());
        for (ChangeEvent<String, String> record : records) {
            topics.ensure(record.destination());
            acks.add(producer.send(new ProducerRecord<>(record.destination(), record.key(), record.value())));
        }
        // The engine interrupts this thread when it is closed. The batch is already on its way to Kafka: wait
        // for the acknowledgements anyway (the producer bounds that by delivery.timeout.ms) and mark the batch,
        // so that a clean stop stores its offsets instead of sending it again after the restart.
        boolean interrupted = false;
        for (int i = 0; i < acks.size(); i++) {
            while (true) {
                try {
                    acks.get(i).get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    // Nothing of this batch is marked: the engine stops and a restart sends it again.
                    throw new BinlogSourceException("Kafka did not take a change event for " + records.get(i).destination()
                            + ": " + e.getCause(), e.getCause());
                }
            }
        }
        try {
            for (ChangeEvent<String, String> record : records) {
                metrics.forwarded(ChangeSummary.of(record.value()));
                committer.markProcessed(record);
            }
            committer.markBatchFinished();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Deletes are followed by tombstones, as on Kafka Connect, so that compacted consumers can forget the key. */
    @Override
    public boolean supportsTombstoneEvents() {
        return true;
    }
}
