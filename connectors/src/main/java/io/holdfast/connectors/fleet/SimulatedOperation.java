package io.holdfast.connectors.fleet;

/** Operations of the simulated fleet that take time; each has a range of durations, scaled by the time scale. */
public enum SimulatedOperation {
    /** PlannedReparentShard (default 1-3 s). */
    PLANNED_REPARENT,
    /** EmergencyReparentShard (default 2-5 s). */
    EMERGENCY_REPARENT,
    /** An infrastructure fence (default 0.5-1.5 s). */
    FENCE,
    /** Creating and attaching a volume and starting a tablet on it (default 30-120 s). */
    PROVISION,
    /** Taking a tablet out of its shard and detaching its volume (default 1-3 s). */
    RETIRE,
    /** A provisioned tablet restoring and replaying until it serves (default 5-15 s). */
    CATCH_UP,
    /** A tablet whose stall ended answering health checks again (default 2-5 s). */
    RECONNECT
}
