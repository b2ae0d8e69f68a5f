package io.holdfast.health.internal;

import io.holdfast.health.classifier.Sample;
import io.holdfast.schemas.VolumeMetric;

/**
 * Turns a {@link VolumeMetric} into a classifier {@link Sample}, refusing what no honest source
 * would send. Refusals are {@link InvalidSampleException}s: the processor lets them reach the
 * processing exception handler, which writes the record to the dead-letter topic and counts it,
 * before anything in the volume's state has changed.
 */
public final class SampleReader {

    static final long MIN_PERIOD_MS = 1_000;
    static final long MAX_PERIOD_MS = 60_000;
    /** Anything before 2000-01-01 is a unit mistake (seconds for milliseconds), not a sample. */
    static final long EARLIEST_EVENT_MS = 946_684_800_000L;

    private final long futureToleranceMs;

    public SampleReader(long futureToleranceMs) {
        this.futureToleranceMs = futureToleranceMs;
    }

    /** A sample the classifier must never see; the message names the field and the value. */
    public static final class InvalidSampleException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String reason;

        InvalidSampleException(String reason, String message) {
            super(message);
            this.reason = reason;
        }

        /** Short code for metrics: bad_value, bad_period, future, too_old, no_id. */
        public String reason() {
            return reason;
        }
    }

    public Sample read(VolumeMetric m, long wallClockMs, Sample into) {
        if (m.getVolumeId() == null || m.getVolumeId().isBlank()) {
            throw new InvalidSampleException("no_id", "volume_id is empty");
        }
        long period = m.getSamplePeriodMs();
        if (period < MIN_PERIOD_MS || period > MAX_PERIOD_MS) {
            throw new InvalidSampleException("bad_period", "sample_period_ms " + period + " of " + m.getVolumeId()
                    + " is outside [" + MIN_PERIOD_MS + ", " + MAX_PERIOD_MS + "]");
        }
        long t = m.getEventTime().toEpochMilli();
        if (t < EARLIEST_EVENT_MS) {
            throw new InvalidSampleException("too_old", "event_time " + m.getEventTime() + " of " + m.getVolumeId()
                    + " is before 2000 (seconds given as milliseconds?)");
        }
        if (t > wallClockMs + futureToleranceMs) {
            throw new InvalidSampleException("future", "event_time " + m.getEventTime() + " of " + m.getVolumeId()
                    + " is " + (t - wallClockMs) / 1000 + " s ahead of the clock");
        }
        double readLatency = nonNegative(m.getReadLatencyUs(), "read_latency_us", m);
        double writeLatency = nonNegative(m.getWriteLatencyUs(), "write_latency_us", m);
        double latency = nonNegative(m.getLatencyUs(), "latency_us", m);
        double readOps = nonNegative(m.getReadOps(), "read_ops", m);
        double writeOps = nonNegative(m.getWriteOps(), "write_ops", m);
        double readBytes = nonNegative(m.getReadBytes(), "read_bytes", m);
        double writeBytes = nonNegative(m.getWriteBytes(), "write_bytes", m);
        double totalBytes = nonNegative(m.getTotalBytes(), "total_bytes", m);
        double queue = nonNegative(m.getQueueDepth(), "queue_depth", m);
        double idle = nonNegative(m.getIdleRatio(), "idle_ratio", m);
        if (idle > 1.0001) {
            throw new InvalidSampleException("bad_value", "idle_ratio " + idle + " of " + m.getVolumeId() + " is above 1");
        }
        if (Double.isNaN(latency)) {
            latency = weighted(readLatency, readOps, writeLatency, writeOps);
        }
        double seconds = period / 1000.0;
        double ops = Double.isNaN(readOps) && Double.isNaN(writeOps) ? Double.NaN : zeroIfNaN(readOps) + zeroIfNaN(writeOps);
        double bytes = !Double.isNaN(totalBytes) ? totalBytes
                : Double.isNaN(readBytes) && Double.isNaN(writeBytes) ? Double.NaN : zeroIfNaN(readBytes) + zeroIfNaN(writeBytes);
        return into.set(t, period, latency, bytes / seconds, ops / seconds, queue, Math.min(1, idle),
                Boolean.TRUE.equals(m.getStalled()));
    }

    /** The ops-weighted mean of the two latencies, or whichever is known. */
    private static double weighted(double readLatency, double readOps, double writeLatency, double writeOps) {
        boolean r = !Double.isNaN(readLatency);
        boolean w = !Double.isNaN(writeLatency);
        if (r && w && readOps + writeOps > 0) {
            return (readLatency * readOps + writeLatency * writeOps) / (readOps + writeOps);
        }
        return r ? readLatency : w ? writeLatency : Double.NaN;
    }

    private static double nonNegative(Number value, String field, VolumeMetric m) {
        if (value == null) {
            return Double.NaN;
        }
        double d = value.doubleValue();
        if (Double.isNaN(d) || Double.isInfinite(d) || d < 0) {
            throw new InvalidSampleException("bad_value", field + " " + d + " of " + m.getVolumeId()
                    + " is not a finite non-negative number");
        }
        return d;
    }

    private static double zeroIfNaN(double d) {
        return Double.isNaN(d) ? 0 : d;
    }
}
