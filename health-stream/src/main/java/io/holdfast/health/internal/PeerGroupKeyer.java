package io.holdfast.health.internal;

import io.holdfast.schemas.VolumeMetric;
import java.nio.ByteBuffer;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Re-keys a volume's sample by its peer group (the volume id when it has none; a sample with neither
 * is invalid) and stamps it with the
 * input partition it came from ({@value #SOURCE_PARTITION} header). The classifier's task merges many
 * input partitions into one; while it catches up they progress unevenly, and a volume whose partition
 * is behind would look silent next to one that is ahead. The stamp lets the classifier keep one
 * event-time clock per input partition (see {@link SourceClocks}).
 */
public final class PeerGroupKeyer implements Processor<String, VolumeMetric, String, VolumeMetric> {

    public static final String SOURCE_PARTITION = "holdfast.source.partition";

    private final VolumeHealthProcessor.HealthMetrics metrics;

    public PeerGroupKeyer(VolumeHealthProcessor.HealthMetrics metrics) {
        this.metrics = metrics;
    }

    private ProcessorContext<String, VolumeMetric> context;
    // A task reads one input partition: its stamp is the same bytes on every record, encoded once.
    private int stampedPartition = -1;
    private byte[] stamp;

    @Override
    public void init(ProcessorContext<String, VolumeMetric> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, VolumeMetric> record) {
        VolumeMetric metric = record.value();
        if (metric == null) {
            metrics.skipped("tombstone"); // nothing to judge; with no key the repartition would drop it uncounted
            return;
        }
        String key = !blank(metric.getPeerGroup()) ? metric.getPeerGroup()
                : !blank(metric.getVolumeId()) ? metric.getVolumeId() : record.key();
        if (key == null) {
            metrics.invalid("no_id");
            throw new SampleReader.InvalidSampleException("no_id", "volume_id and peer_group are empty and the record has no key");
        }
        Headers headers = new RecordHeaders(record.headers().toArray());
        headers.remove(SOURCE_PARTITION);
        context.recordMetadata().ifPresent(m -> headers.add(SOURCE_PARTITION, stamp(m.partition())));
        context.forward(record.withKey(key).withHeaders(headers));
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private byte[] stamp(int partition) {
        if (stamp == null || partition != stampedPartition) {
            stamp = ByteBuffer.allocate(Integer.BYTES).putInt(partition).array();
            stampedPartition = partition;
        }
        return stamp;
    }

    /** The input partition a stamped record came from, or -1 when it carries no stamp. */
    static int sourcePartition(Headers headers) {
        var header = headers.lastHeader(SOURCE_PARTITION);
        return header == null || header.value() == null || header.value().length != Integer.BYTES
                ? -1 : ByteBuffer.wrap(header.value()).getInt();
    }
}
