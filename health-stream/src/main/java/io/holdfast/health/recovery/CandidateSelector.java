package io.holdfast.health.recovery;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Which replica to promote. Safe candidates are serving, reachable REPLICA tablets whose volume is
 * HEALTHY and whose replication lag is within the SLO; the durability policy then decides which of
 * them may be promoted (an acknowledging replica must remain, in another cell for cross_cell). When
 * the failing primary's cell looks correlated (a large share of its volumes degraded together),
 * candidates in other cells come first. Ties go to the least lag, then the smallest alias.
 */
public final class CandidateSelector {

    private final RecoverySettings settings;

    public CandidateSelector(RecoverySettings settings) {
        this.settings = settings;
    }

    /** The candidate to promote instead of {@code failing}, or null if none is safe. */
    public TabletState select(ShardState shard, TabletState failing, Collection<String> excluded,
                              Map<String, Double> cellDegradedShare) {
        List<TabletState> safe = new ArrayList<>();
        for (TabletState t : shard.tablets.values()) {
            if (isSafe(t, failing, excluded) && durabilityAllows(shard, t, failing)) {
                safe.add(t);
            }
        }
        if (safe.isEmpty()) {
            return null;
        }
        boolean correlated = failing != null && failing.cell != null
                && cellDegradedShare.getOrDefault(failing.cell, 0.0) >= settings.correlatedCellShare();
        Comparator<TabletState> order = Comparator
                .comparing((TabletState t) -> correlated && failing.cell.equals(t.cell))
                .thenComparingLong(t -> t.replicationLagMs == null ? Long.MAX_VALUE : t.replicationLagMs)
                .thenComparing(t -> t.alias);
        safe.sort(order);
        return safe.get(0);
    }

    /** Whether {@code t} may be promoted instead of {@code failing} right now: safe, and the durability policy allows it. */
    public boolean isPromotable(ShardState shard, TabletState t, TabletState failing, Collection<String> excluded) {
        return isSafe(t, failing, excluded) && !shard.fenced.contains(t.alias) && durabilityAllows(shard, t, failing);
    }

    /** Healthy, serving, caught-up replica that is not the failing tablet and was not tried. */
    public boolean isSafe(TabletState t, TabletState failing, Collection<String> excluded) {
        return t.inShard() && "REPLICA".equals(t.role) && t.serving && t.reachable
                && "HEALTHY".equals(t.health)
                && t.replicationLagMs != null && t.replicationLagMs <= settings.candidateMaxLagMs()
                && (failing == null || !t.alias.equals(failing.alias))
                && !excluded.contains(t.alias);
    }

    private boolean durabilityAllows(ShardState shard, TabletState candidate, TabletState failing) {
        if (settings.durabilityPolicy() == RecoverySettings.DurabilityPolicy.NONE) {
            return true;
        }
        for (TabletState acker : shard.tablets.values()) {
            boolean usable = acker != candidate && (failing == null || !acker.alias.equals(failing.alias))
                    && acker.inShard() && "REPLICA".equals(acker.role) && acker.serving && acker.reachable
                    && "HEALTHY".equals(acker.health);
            if (!usable) {
                continue;
            }
            if (settings.durabilityPolicy() == RecoverySettings.DurabilityPolicy.SEMI_SYNC) {
                return true;
            }
            if (acker.cell != null && !acker.cell.equals(candidate.cell)) {
                return true;
            }
        }
        return false;
    }
}
