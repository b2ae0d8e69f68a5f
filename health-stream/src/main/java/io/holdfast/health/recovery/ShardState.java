package io.holdfast.health.recovery;

import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

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
    /**
     * Problem instances that were alerted (no safe candidate, retries exhausted) and when to look at
     * each again; forgotten when the problem goes away. Other problems of the shard are still handled.
     */
    public TreeMap<String, Long> alerted = new TreeMap<>();
    /** With no workflow in flight but a problem held back (anti-flap, pause, dry-run, alerted): look again then. */
    public long nextCheckMs;
    /**
     * Steps still in flight when their workflow was preempted (command id -> "TYPE|tablet"): their
     * results are still applied, so that nothing they did is lost. Bounded; oldest dropped first.
     */
    public TreeMap<String, String> abandonedSteps = new TreeMap<>();
    /** Replacements provisioned with no tablet left to replace (late results of steps given up on): retired. */
    public TreeSet<String> surplus = new TreeSet<>();
    /** Replacements provisioned but not yet used to retire the tablet they replace (degraded -> replacement). */
    public TreeMap<String, String> replacements = new TreeMap<>();
    /**
     * Primaries this app fenced (a fence cannot be undone): such a primary takes no writes, so the
     * shard needs a new one even if the old one recovers. Forgotten once the tablet is not primary.
     */
    public TreeSet<String> fenced = new TreeSet<>();
    /**
     * How many tablets the shard should have: learned when it is quiet and healthy, raised when a
     * tablet this app did not provision joins, lowered when one leaves outside any workflow. 0 =
     * not learned yet.
     */
    public int targetSize;
    /** Tablets this app provisioned and has not retired: only these are retired to restore the size. */
    public TreeSet<String> provisioned = new TreeSet<>();
    /** Decisions not to act ("decision/problem key": paused, dry-run, anti-flap), each audited once. */
    public TreeSet<String> skipsAudited = new TreeSet<>();

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
