package io.holdfast.topology.synthetic.internal;

/**
 * What happened on a volume during one sample period, summed over the parts of the period a volume
 * spent in different conditions (healthy, then degraded, say). Reused from sample to sample, so that
 * generating a sample allocates only the record it returns.
 */
public final class PeriodTotals {

    public long readOps;
    public long writeOps;
    /** Sum over completed reads of their latency, in milliseconds. */
    public double readLatencyMsSum;
    /** Sum over completed writes of their latency, in milliseconds. */
    public double writeLatencyMsSum;
    public long readBytes;
    public long writeBytes;
    /** Integral of the number of operations in flight over the period, in operation-seconds. */
    public double queueIntegral;
    public double idleSeconds;
    public boolean stalled;

    public void clear() {
        readOps = 0;
        writeOps = 0;
        readLatencyMsSum = 0;
        writeLatencyMsSum = 0;
        readBytes = 0;
        writeBytes = 0;
        queueIntegral = 0;
        idleSeconds = 0;
        stalled = false;
    }
}
