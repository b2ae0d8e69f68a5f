package io.holdfast.health.recovery;

import java.util.function.Function;

/**
 * What can be wrong with a shard, as a declarative table in the manner of VTOrc's analysis: each
 * problem has a code, a description, a priority (lower is more urgent) and a match over the shard's
 * state that names the tablet at fault. Detection evaluates the table in priority order.
 */
public enum Problem {

    PRIMARY_UNREACHABLE("primary tablet unreachable", 1, Workflow.Kind.EMERGENCY_REPARENT, s -> {
        TabletState p = s.primary();
        return p != null && !p.reachable ? p : null;
    }),
    PRIMARY_FENCED("primary fenced by an earlier emergency reparent that found no candidate: it takes no writes", 1,
            Workflow.Kind.EMERGENCY_REPARENT, s -> {
        TabletState p = s.primary();
        return p != null && s.fenced.contains(p.alias) ? p : null;
    }),
    PRIMARY_STALLED("primary volume STALLED: I/O queued with no completions", 1, Workflow.Kind.EMERGENCY_REPARENT, s -> {
        TabletState p = s.primary();
        return p != null && "STALLED".equals(p.health) ? p : null;
    }),
    PRIMARY_DEGRADED("primary volume DEGRADED, tablet reachable", 2, Workflow.Kind.PLANNED_REPARENT, s -> {
        TabletState p = s.primary();
        return p != null && p.reachable && "DEGRADED".equals(p.health) ? p : null;
    }),
    REPLICA_DEGRADED("replica volume DEGRADED or STALLED, or out of service with its replacement provisioned", 3,
            Workflow.Kind.REPLACE_REPLICA, s -> {
        for (TabletState t : s.tablets.values()) {
            boolean failed = t.isDegradedOrStalled() || !t.serving && s.replacements.containsKey(t.alias);
            if (!t.isPrimary() && t.inShard() && failed && !s.surplus.contains(t.alias)) {
                return t;
            }
        }
        return null;
    }),
    SURPLUS_REPLICA("replacement provisioned twice over: the extra replica is retired", 4, Workflow.Kind.RETIRE_SURPLUS, s -> {
        for (String alias : s.surplus) {
            TabletState t = s.tablets.get(alias);
            if (t != null && t.inShard() && !t.isPrimary()) {
                return t;
            }
        }
        return null;
    });

    private final String description;
    private final int priority;
    private final Workflow.Kind remedy;
    private final Function<ShardState, TabletState> match;

    Problem(String description, int priority, Workflow.Kind remedy, Function<ShardState, TabletState> match) {
        this.description = description;
        this.priority = priority;
        this.remedy = remedy;
        this.match = match;
    }

    public String code() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public String description() {
        return description;
    }

    public int priority() {
        return priority;
    }

    public Workflow.Kind remedy() {
        return remedy;
    }

    /** A problem found in a shard, and the tablet at fault. */
    public record Found(Problem problem, TabletState tablet, long term) {
        /**
         * Identifies this occurrence: the same tablet failing the same way under the same primary
         * term is one problem, however often it is re-detected.
         */
        public String key() {
            return problem.code() + "@" + tablet.alias + "#" + term;
        }
    }

    /** Every problem of the shard, most urgent first (each problem's first matching tablet). */
    public static java.util.List<Found> detectAll(ShardState shard) {
        java.util.List<Found> found = new java.util.ArrayList<>(2);
        TabletState primary = shard.primary();
        long term = primary == null ? 0 : primary.primaryTerm;
        for (Problem p : values()) {
            TabletState t = p.match.apply(shard);
            if (t != null) {
                found.add(new Found(p, t, term));
            }
        }
        found.sort(java.util.Comparator.comparingInt(f -> f.problem().priority()));
        return found;
    }

    /** The most urgent problem of the shard, or null. */
    public static Found detect(ShardState shard) {
        Found best = null;
        TabletState primary = shard.primary();
        long term = primary == null ? 0 : primary.primaryTerm;
        for (Problem p : values()) {
            TabletState t = p.match.apply(shard);
            if (t != null && (best == null || p.priority < best.problem.priority)) {
                best = new Found(p, t, term);
            }
        }
        return best;
    }
}
