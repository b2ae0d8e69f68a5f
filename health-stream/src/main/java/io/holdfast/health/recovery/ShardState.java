package io.holdfast.health.recovery;

import java.util.Map;
import java.util.TreeMap;

/**
 * The durable state of one shard in the recovery app: its tablets and their volumes' health, the
 * workflow in flight (at most one), and what must not happen again too soon (anti-flap block, a
 * problem already alerted). Stored as JSON in a changelogged store, keyed by "keyspace/shard".
 */
public final class ShardState {
    public String shard;
    public String keyspace;
    public String shardName;
    /** By tablet alias; ordered so that every decision over them is deterministic. */
    public TreeMap<String, TabletState> tablets = new TreeMap<>();
    public Workflow workflow;
    public long workflowSeq;
    /** No new reparent before this (anti-flap), unless the new primary is STALLED. */
    public long blockedUntilMs;
    public String lastNewPrimary;
    /** A problem instance that was alerted (no safe candidate, retries exhausted) and when to look again. */
    public String alertedProblemKey;
    public long retryAfterMs;
    /** With no workflow in flight but a problem held back (anti-flap, pause, dry-run, alerted): look again then. */
    public long nextCheckMs;
    /** The last problem instance audited without acting (paused, dry-run, anti-flap), recorded once. */
    public String lastSkipAudit;

    /** The primary: the PRIMARY tablet with the highest term (two claims are transient during a reparent). */
    public TabletState primary() {
        TabletState best = null;
        for (TabletState t : tablets.values()) {
            if (t.isPrimary() && t.inShard() && (best == null || t.primaryTerm > best.primaryTerm)) {
                best = t;
            }
        }
        return best;
    }

    public TabletState tablet(String alias) {
        return alias == null ? null : tablets.get(alias);
    }

    public TabletState tabletWithVolume(String volumeId) {
        for (TabletState t : tablets.values()) {
            if (volumeId.equals(t.volumeId)) {
                return t;
            }
        }
        return null;
    }
}
