package io.holdfast.health.recovery;

import com.fasterxml.jackson.annotation.JsonIgnore;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The one recovery in flight for a shard, durable in the shard's state: what it is repairing, which
 * step it is at, and the command it is waiting for. Every field a restart needs is here.
 */
public final class Workflow {

    /** What the workflow does about its problem. */
    public enum Kind {
        /** Degraded but reachable primary: planned reparent, then replace its volume. */
        PLANNED_REPARENT,
        /** Stalled or unreachable primary: fence it, emergency reparent, then replace its volume. */
        EMERGENCY_REPARENT,
        /** Degraded replica: replace its volume, no reparent. */
        REPLACE_REPLICA,
        /** A replacement provisioned twice over (a late result of a step given up on): retire the extra one. */
        RETIRE_SURPLUS;

        public boolean isReparent() {
            return this == PLANNED_REPARENT || this == EMERGENCY_REPARENT;
        }
    }

    /** Steps, in order; REPLACE_REPLICA starts at PROVISIONING, RETIRE_SURPLUS at RETIRING. */
    public enum Phase { AWAIT_LOCK, FENCING, REPARENTING, PROVISIONING, AWAIT_REPLACEMENT, RETIRING }

    public String id;
    public String problem;
    public String problemKey;
    public Kind kind;
    public Phase phase;
    public int attempt = 1;
    public String degradedTablet;
    public String degradedVolume;
    public String degradedCell;
    public String oldPrimary;
    public long expectedTerm;
    public String candidate;
    public List<String> triedCandidates = new ArrayList<>();
    /** Share of each cell's volumes degraded, as the coordinator reported with the lock grant. */
    public TreeMap<String, Double> cellDegradedShare = new TreeMap<>();
    /** The command waited for; null while none is in flight (e.g. held by pause or dry-run). */
    public String commandId;
    public String commandType;
    public long deadlineMs;
    public String newPrimary;
    public String replacementTablet;
    public String replacementVolume;
    public long startedMs;
    public boolean lockHeld;
    public long nextLockRequestMs;
    /** Decisions already audited for this step (pause, dry-run), so that each is recorded once. */
    public String lastHeldAudit;

    @JsonIgnore
    public boolean isReparent() {
        return kind.isReparent();
    }
}
