package io.holdfast.health.classifier;

/**
 * One volume sample reduced to what the classifier needs, in plain numbers (NaN = not measured).
 * Mutable and reused by the caller: the classifier never keeps a reference to it.
 */
public final class Sample {
    public long eventTimeMs;
    public long periodMs;
    /** Average latency over all completed operations, µs; NaN when none completed or not measured. */
    public double latencyUs = Double.NaN;
    public double bytesPerSecond = Double.NaN;
    public double opsPerSecond = Double.NaN;
    public double queueDepth = Double.NaN;
    public double idleRatio = Double.NaN;
    /** The source's own stall flag. */
    public boolean stalledFlag;

    public Sample set(long eventTimeMs, long periodMs, double latencyUs, double bytesPerSecond, double opsPerSecond,
                      double queueDepth, double idleRatio, boolean stalledFlag) {
        this.eventTimeMs = eventTimeMs;
        this.periodMs = periodMs;
        this.latencyUs = latencyUs;
        this.bytesPerSecond = bytesPerSecond;
        this.opsPerSecond = opsPerSecond;
        this.queueDepth = queueDepth;
        this.idleRatio = idleRatio;
        this.stalledFlag = stalledFlag;
        return this;
    }

    /** I/O queued and nothing completed, or the source says so. */
    public boolean isStalled() {
        return stalledFlag || (opsPerSecond == 0 && queueDepth > 0);
    }

    /**
     * Load bucket (one per doubling of throughput) that conditions baselines and peer comparison;
     * bytes per second when known, else operations per second counted as 4 KiB each, else
     * {@link #UNKNOWN_LOAD}.
     */
    public int loadBucket() {
        double load = !Double.isNaN(bytesPerSecond) ? bytesPerSecond
                : !Double.isNaN(opsPerSecond) ? opsPerSecond * 4096 : Double.NaN;
        if (Double.isNaN(load)) {
            return UNKNOWN_LOAD;
        }
        if (load < 1) {
            return 0;
        }
        return Math.min(63, 1 + (int) (Math.log(load) / Math.log(2)));
    }

    public static final int UNKNOWN_LOAD = -1;
}
