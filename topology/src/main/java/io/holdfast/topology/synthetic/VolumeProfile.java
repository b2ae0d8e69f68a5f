package io.holdfast.topology.synthetic;

/**
 * The physics of a healthy synthetic volume.
 *
 * <p>Latency is flat while the volume is lightly used and rises quadratically once utilisation
 * passes the knee, reaching {@code saturationLatencyFactor} times its idle value at the provisioned
 * limit; beyond the limit the volume throttles (at most {@code provisionedIops}). Utilisation is the
 * larger of the IOPS and the byte-throughput fractions. The application keeps at most
 * {@code clientConcurrency} operations outstanding, so when latency grows its throughput falls
 * (closed loop): that is what makes a degraded volume's throughput collapse.
 *
 * @param provisionedIops IOPS the volume delivers before throttling (gp3: 3,000 baseline)
 * @param provisionedBytesPerSecond throughput limit (gp3: 125 MiB/s baseline)
 * @param readLatencyMs median read latency per operation at low load
 * @param writeLatencyMs median write latency per operation at low load
 * @param kneeUtilization utilisation (0-1) up to which latency stays flat
 * @param saturationLatencyFactor latency multiple at 100 % utilisation
 * @param readIoBytes average read size
 * @param writeIoBytes average write size
 * @param clientConcurrency operations the application keeps in flight at most
 * @param latencySigma log-normal sigma of a one-second average latency around its median
 */
public record VolumeProfile(double provisionedIops, double provisionedBytesPerSecond, double readLatencyMs,
                            double writeLatencyMs, double kneeUtilization, double saturationLatencyFactor,
                            int readIoBytes, int writeIoBytes, int clientConcurrency, double latencySigma) {

    /** Utilisation beyond the limit still adds queueing delay, up to this much demand over the limit. */
    public static final double MAX_UTILIZATION = 1.25;

    public VolumeProfile {
        positive("provisionedIops", provisionedIops);
        positive("provisionedBytesPerSecond", provisionedBytesPerSecond);
        positive("readLatencyMs", readLatencyMs);
        positive("writeLatencyMs", writeLatencyMs);
        if (!(kneeUtilization >= 0 && kneeUtilization < 1)) {
            throw new IllegalArgumentException("kneeUtilization must be in [0, 1), was " + kneeUtilization);
        }
        if (!(saturationLatencyFactor >= 1)) {
            throw new IllegalArgumentException("saturationLatencyFactor must be at least 1, was " + saturationLatencyFactor);
        }
        positive("readIoBytes", readIoBytes);
        positive("writeIoBytes", writeIoBytes);
        positive("clientConcurrency", clientConcurrency);
        if (!(latencySigma >= 0 && latencySigma < 2)) {
            throw new IllegalArgumentException("latencySigma must be in [0, 2), was " + latencySigma);
        }
    }

    /** A gp3 volume at its baseline provisioning, as an OLTP database uses it. */
    public static VolumeProfile gp3() {
        return new VolumeProfile(3_000, 125 * 1024 * 1024, 0.9, 1.4, 0.35, 4, 16 * 1024, 32 * 1024, 32, 0.12);
    }

    /** Latency multiple at {@code utilization}: 1 up to the knee, then rising quadratically. */
    public double latencyFactorAt(double utilization) {
        double u = Math.min(MAX_UTILIZATION, Math.max(0, utilization));
        if (u <= kneeUtilization) {
            return 1;
        }
        double beyondKnee = (u - kneeUtilization) / (1 - kneeUtilization);
        return 1 + (saturationLatencyFactor - 1) * beyondKnee * beyondKnee;
    }

    /** Utilisation of a workload demanding {@code iops} with reads making up {@code readFraction} of them. */
    public double utilizationAt(double iops, double readFraction) {
        double bytesPerSecond = iops * (readFraction * readIoBytes + (1 - readFraction) * writeIoBytes);
        return Math.max(iops / provisionedIops, bytesPerSecond / provisionedBytesPerSecond);
    }

    private static void positive(String name, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }
}
