package io.holdfast.health.backtest;

/** The backtest's verdict on one drive: one row of its CSV output. */
public record DriveResult(String cluster, String host, String disk, long samples, long naSamples, long observedSeconds,
                          long degradedSeconds, int episodes, long firstDegradedTs, boolean slow) {

    public static final String CSV_HEADER = "cluster,host,disk,samples,na_samples,degraded_seconds,episodes,first_degraded_ts,verdict";

    public String csv() {
        return cluster + "," + host + "," + disk + "," + samples + "," + naSamples + "," + degradedSeconds + "," + episodes
                + "," + (firstDegradedTs < 0 ? "" : Long.toString(firstDegradedTs)) + "," + (slow ? "slow" : "healthy");
    }

    /** Share of the drive's observed time it spent DEGRADED or STALLED. */
    public double degradedFraction() {
        return observedSeconds == 0 ? 0 : (double) degradedSeconds / observedSeconds;
    }
}
