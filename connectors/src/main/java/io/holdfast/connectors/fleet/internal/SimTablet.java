package io.holdfast.connectors.fleet.internal;

import io.holdfast.schemas.TabletRole;

/**
 * One simulated tablet. Two views of it are kept apart on purpose: what the topology says
 * ({@link #role}, {@link #serving}, {@link #reachable}) and what its MySQL actually does
 * ({@link #runningAsPrimary}: read-write as a primary). They differ exactly when it matters: a primary
 * that could not be reached during an emergency reparent still takes writes until it is fenced or
 * learns of the new primary.
 */
public final class SimTablet {

    private final String alias;
    private final int uid;
    private final SimShard shard;
    private final String cell;
    private final SimVolume volume;

    TabletRole role;
    boolean serving;
    boolean reachable = true;
    boolean fenced;
    boolean runningAsPrimary;
    /** Demoted by an emergency reparent: its data may have diverged, so it never serves again. */
    boolean demotedInEmergency;
    boolean retired;
    /** The shard's term as this tablet last saw it. */
    long seenTerm;
    long seenTermStartMillis;
    long baseLagMillis;
    /** Provisioned and still restoring/catching up: between these times, -1 when not catching up. */
    long catchUpFromMillis = -1;
    long catchUpUntilMillis = -1;
    String replacedBy;
    boolean changed = true;

    SimTablet(String alias, int uid, SimShard shard, String cell, SimVolume volume) {
        this.alias = alias;
        this.uid = uid;
        this.shard = shard;
        this.cell = cell;
        this.volume = volume;
    }

    public String alias() {
        return alias;
    }

    public int uid() {
        return uid;
    }

    public SimShard shard() {
        return shard;
    }

    public String cell() {
        return cell;
    }

    public SimVolume volume() {
        return volume;
    }

    public TabletRole role() {
        return role;
    }

    public boolean serving() {
        return serving;
    }

    public boolean reachable() {
        return reachable;
    }

    public boolean fenced() {
        return fenced;
    }

    public boolean retired() {
        return retired;
    }

    public boolean runningAsPrimary() {
        return runningAsPrimary;
    }

    public String replacedBy() {
        return replacedBy;
    }

    boolean catchingUpAt(long nowMillis) {
        return catchUpUntilMillis >= 0 && nowMillis < catchUpUntilMillis;
    }

    /**
     * Whether writes committed here would be acknowledged to a client now: it runs as a primary, no
     * fence stops it, it is still attached, and its volume completes I/O (a stalled volume commits nothing).
     */
    public boolean writableAt(long nowMillis) {
        return runningAsPrimary && !fenced && !retired && !volume.stalledAt(nowMillis);
    }

    void markChanged() {
        changed = true;
    }

    @Override
    public String toString() {
        return alias + "[" + role + (serving ? ", serving" : "") + (reachable ? "" : ", unreachable") + (fenced ? ", fenced" : "")
                + (runningAsPrimary ? ", read-write" : "") + (retired ? ", retired" : "") + "]";
    }
}
