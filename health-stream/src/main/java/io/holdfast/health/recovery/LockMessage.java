package io.holdfast.health.recovery;

import java.util.Map;
import java.util.TreeMap;

/**
 * The reparent lock protocol between shards and the fleet coordinator (internal topics, JSON):
 * a shard asks (REQUEST) before reparenting and gives back (RELEASE) after; the coordinator answers
 * GRANT or DENY according to the fleet-wide and per-cell caps, and tells how degraded each cell is
 * so that the shard can prefer another cell when the degradation looks correlated.
 */
public final class LockMessage {

    public enum Type { REQUEST, RELEASE, GRANT, DENY }

    public Type type;
    public String shard;
    public String workflowId;
    /** Cell of the failing primary: the per-cell cap counts reparents by this cell. */
    public String cell;
    public long timeMs;
    public String reason;
    /** Share of each cell's volumes that are DEGRADED or STALLED (GRANT only). */
    public TreeMap<String, Double> cellDegradedShare = new TreeMap<>();

    public static LockMessage of(Type type, String shard, String workflowId, String cell, long timeMs) {
        LockMessage m = new LockMessage();
        m.type = type;
        m.shard = shard;
        m.workflowId = workflowId;
        m.cell = cell;
        m.timeMs = timeMs;
        return m;
    }
}
