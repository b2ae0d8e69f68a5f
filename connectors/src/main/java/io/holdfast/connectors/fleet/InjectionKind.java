package io.holdfast.connectors.fleet;

/** What the {@link FleetSimulator} was told to do to the fleet. */
public enum InjectionKind {
    /** The primary's volume degrades (hundreds of ms per operation) and stays reachable: a planned reparent fixes it. */
    DEGRADED_PRIMARY,
    /** The primary's volume stalls: no I/O completes and the tablet is unreachable: an emergency reparent (after a fence) fixes it. */
    STALLED_PRIMARY,
    /** A share of one cell's volumes degrade together, primaries and replicas alike: one ledger entry per shard hit. */
    CELL_EVENT,
    /** A replica's volume degrades; the primary is unaffected, so customers see nothing. */
    DEGRADED_REPLICA,
    /** The replica most likely to be promoted degrades, typically right after its primary did. */
    DEGRADED_CANDIDATE
}
