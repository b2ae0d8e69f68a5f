package io.holdfast.topology.synthetic;

/** What happens to a synthetic volume during an {@link Episode}. */
public enum EpisodeType {

    /**
     * EBS degradation: per-operation latency jumps to hundreds of milliseconds, the volume is never
     * idle, and an application with bounded concurrency sees its throughput collapse.
     */
    DEGRADED,

    /** I/O is queued and nothing completes: no operations, a growing queue, the stall flag set. */
    STALL,

    /**
     * The workload, not the volume, changes: several times the usual throughput, with latency
     * rising along the healthy volume's load curve. A classifier must not call this degradation.
     */
    LOAD_SPIKE,

    /** Fail-slow: median latency a little above normal (1.2-1.5x) with a clearly heavier tail. */
    SUBTLE_SLOW;

    /** Whether a health classifier is expected to flag the episode; a load spike is healthy behaviour. */
    public boolean isFault() {
        return this != LOAD_SPIKE;
    }
}
