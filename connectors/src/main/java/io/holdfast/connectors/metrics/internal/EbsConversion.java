package io.holdfast.connectors.metrics.internal;

import io.holdfast.schemas.MetricSource;
import io.holdfast.schemas.VolumeMetric;
import java.time.Instant;

/**
 * One period of EBS CloudWatch statistics as a {@link VolumeMetric}:
 * <ul>
 *   <li>latency (µs) = total read (write) time in seconds / read (write) operations x 10^6, and the
 *       overall latency the same over reads and writes together;</li>
 *   <li>operations and bytes are the period's sums; queue depth is VolumeQueueLength's average;</li>
 *   <li>idle ratio = idle seconds / period seconds;</li>
 *   <li>stalled = VolumeStalledIOCheck failed (1) at any point of the period.</li>
 * </ul>
 * The event time is the end of the period (CloudWatch stamps a period with its start). A metric
 * CloudWatch had no value for is null, never zero.
 */
public final class EbsConversion {

    private EbsConversion() {}

    public static VolumeMetric toVolumeMetric(EbsVolume volume, String peerGroup, long periodStartMillis, int periodSeconds,
                                              double[] values) {
        double readOps = values[EbsMetric.READ_OPS.ordinal()];
        double writeOps = values[EbsMetric.WRITE_OPS.ordinal()];
        double readTime = values[EbsMetric.TOTAL_READ_TIME.ordinal()];
        double writeTime = values[EbsMetric.TOTAL_WRITE_TIME.ordinal()];
        double readBytes = values[EbsMetric.READ_BYTES.ordinal()];
        double writeBytes = values[EbsMetric.WRITE_BYTES.ordinal()];
        double idle = values[EbsMetric.IDLE_TIME.ordinal()];
        double stall = values[EbsMetric.STALLED_IO_CHECK.ordinal()];

        return new VolumeMetric(volume.volumeId(), peerGroup, volume.instanceId(), volume.availabilityZone(), volume.device(),
                Instant.ofEpochMilli(periodStartMillis + periodSeconds * 1000L), periodSeconds * 1000L,
                latencyMicros(readTime, readOps),
                latencyMicros(writeTime, writeOps),
                latencyMicros(readTime + writeTime, readOps + writeOps),
                count(readOps), count(writeOps), count(readBytes), count(writeBytes), count(readBytes + writeBytes),
                Double.isNaN(values[EbsMetric.QUEUE_LENGTH.ordinal()]) ? null : Math.max(0, values[EbsMetric.QUEUE_LENGTH.ordinal()]),
                Double.isNaN(idle) ? null : Math.max(0, Math.min(1, idle / periodSeconds)),
                Double.isNaN(stall) ? null : stall >= 1,
                MetricSource.CLOUDWATCH);
    }

    /** NaN (a metric missing) propagates to null; no completed operation has no latency. */
    private static Double latencyMicros(double totalSeconds, double ops) {
        if (Double.isNaN(totalSeconds) || Double.isNaN(ops) || ops <= 0) {
            return null;
        }
        return totalSeconds / ops * 1e6;
    }

    private static Long count(double sum) {
        return Double.isNaN(sum) ? null : Math.max(0, Math.round(sum));
    }
}
