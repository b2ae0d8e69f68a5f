package io.holdfast.connectors.fleet.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** One simulated shard: its tablets (retired ones included), its primary in the topology and its term. */
public final class SimShard {

    private final String keyspace;
    private final String name;
    private final List<SimTablet> tablets = new ArrayList<>();
    private final List<Long> reparentTimes = new ArrayList<>();
    SimTablet primary;
    long term;
    long termStartMillis;

    SimShard(String keyspace, String name) {
        this.keyspace = keyspace;
        this.name = name;
    }

    public String keyspace() {
        return keyspace;
    }

    public String name() {
        return name;
    }

    /** {@code <keyspace>/<shard>}. */
    public String key() {
        return keyspace + "/" + name;
    }

    public List<SimTablet> tablets() {
        return Collections.unmodifiableList(tablets);
    }

    void add(SimTablet tablet) {
        tablets.add(tablet);
    }

    /** The PRIMARY of the topology; null only before the shard is initialised. */
    public SimTablet primary() {
        return primary;
    }

    public long term() {
        return term;
    }

    public long termStartMillis() {
        return termStartMillis;
    }

    void reparented(long nowMillis) {
        reparentTimes.add(nowMillis);
    }

    /** Reparents that completed in {@code [fromMillis, toMillis]}. */
    public int reparentsBetween(long fromMillis, long toMillis) {
        int count = 0;
        for (long at : reparentTimes) {
            if (at >= fromMillis && at <= toMillis) {
                count++;
            }
        }
        return count;
    }

    /** Tablets that could take writes now; more than one is split brain. */
    public List<SimTablet> writablePrimariesAt(long nowMillis) {
        List<SimTablet> writable = new ArrayList<>(1);
        for (SimTablet tablet : tablets) {
            if (tablet.writableAt(nowMillis)) {
                writable.add(tablet);
            }
        }
        return writable;
    }

    /**
     * Whether customers are served normally: the topology's PRIMARY serves, can be reached, is not
     * fenced, and its volume is neither degraded nor stalled.
     */
    public boolean hasHealthyPrimaryAt(long nowMillis) {
        SimTablet p = primary;
        return p != null && p.serving && p.reachable && !p.fenced && !p.retired && !p.volume().impairedAt(nowMillis);
    }

    @Override
    public String toString() {
        return key() + "[term " + term + ", primary " + (primary == null ? "none" : primary.alias()) + "]";
    }
}
