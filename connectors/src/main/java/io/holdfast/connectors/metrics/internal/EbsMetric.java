package io.holdfast.connectors.metrics.internal;

/**
 * The EBS CloudWatch metrics (namespace {@code AWS/EBS}, dimension {@code VolumeId}) a
 * {@code VolumeMetric} is made of, with the statistic that gives each its meaning over a period.
 */
public enum EbsMetric {
    READ_OPS("VolumeReadOps", "Sum", "ro", true),
    WRITE_OPS("VolumeWriteOps", "Sum", "wo", true),
    READ_BYTES("VolumeReadBytes", "Sum", "rb", true),
    WRITE_BYTES("VolumeWriteBytes", "Sum", "wb", true),
    /** Seconds spent by all reads that completed in the period. */
    TOTAL_READ_TIME("VolumeTotalReadTime", "Sum", "rt", true),
    TOTAL_WRITE_TIME("VolumeTotalWriteTime", "Sum", "wt", true),
    /** Requests waiting to be completed, averaged over the period. */
    QUEUE_LENGTH("VolumeQueueLength", "Average", "ql", true),
    /** Seconds of the period with no read or write submitted. */
    IDLE_TIME("VolumeIdleTime", "Sum", "it", true),
    /**
     * 0 when the volume passed EBS's stalled-I/O check, 1 when it failed. Only Nitro instances report
     * it, so a period is complete without it.
     */
    STALLED_IO_CHECK("VolumeStalledIOCheck", "Maximum", "st", false);

    public static final String NAMESPACE = "AWS/EBS";
    public static final String DIMENSION = "VolumeId";
    public static final int COUNT = 9;

    private final String metricName;
    private final String statistic;
    private final String shortId;
    private final boolean required;

    EbsMetric(String metricName, String statistic, String shortId, boolean required) {
        this.metricName = metricName;
        this.statistic = statistic;
        this.shortId = shortId;
        this.required = required;
    }

    public String metricName() {
        return metricName;
    }

    public String statistic() {
        return statistic;
    }

    /** Suffix of the query ids, short because a request's size grows with them. */
    public String shortId() {
        return shortId;
    }

    /** Whether a period without this metric is still waiting for CloudWatch. */
    public boolean required() {
        return required;
    }
}
