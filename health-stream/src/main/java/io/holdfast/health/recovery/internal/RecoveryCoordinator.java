package io.holdfast.health.recovery.internal;

import io.holdfast.health.recovery.LockMessage;
import io.holdfast.health.recovery.RecoverySettings;
import io.holdfast.schemas.VolumeHealth;
import io.holdfast.schemas.VolumeHealthState;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The fleet-wide view no single shard has, on one partition: which reparents are in progress (the
 * slots, capped fleet-wide and per cell) and how degraded each cell is. Slots are granted in arrival
 * order and leased: a slot not released within the lease is taken back. Only the slots are ever
 * iterated (at most the fleet-wide cap), never the volumes.
 */
final class RecoveryCoordinator {

    static final String SLOTS_STORE = "recovery-coordinator-slots";
    static final String VOLUMES_STORE = "recovery-coordinator-volumes";
    static final String CELLS_STORE = "recovery-coordinator-cells";

    private final RecoverySettings settings;
    private final KeyValueStore<String, LockMessage> slots;
    private final KeyValueStore<String, String> volumes;
    private final KeyValueStore<String, String> cells;

    RecoveryCoordinator(RecoverySettings settings, KeyValueStore<String, LockMessage> slots,
                        KeyValueStore<String, String> volumes, KeyValueStore<String, String> cells) {
        this.settings = settings;
        this.slots = slots;
        this.volumes = volumes;
        this.cells = cells;
    }

    /** Answers a REQUEST (GRANT or DENY) or applies a RELEASE (no answer). */
    LockMessage onLock(LockMessage m, long now) {
        expireLeases(now);
        if (m.type == LockMessage.Type.RELEASE) {
            slots.delete(m.workflowId);
            return null;
        }
        if (m.type != LockMessage.Type.REQUEST) {
            return null;
        }
        LockMessage held = slots.get(m.workflowId);
        if (held == null) {
            int fleet = 0;
            int cell = 0;
            try (KeyValueIterator<String, LockMessage> it = slots.all()) {
                while (it.hasNext()) {
                    LockMessage slot = it.next().value;
                    fleet++;
                    if (slot.cell != null && slot.cell.equals(m.cell)) {
                        cell++;
                    }
                }
            }
            if (fleet >= settings.maxConcurrentReparents()) {
                return reply(m, LockMessage.Type.DENY, now, fleet + " reparents in progress fleet-wide (cap "
                        + settings.maxConcurrentReparents() + ")");
            }
            if (cell >= settings.maxConcurrentReparentsPerCell()) {
                return reply(m, LockMessage.Type.DENY, now, cell + " reparents in progress in " + m.cell + " (cap "
                        + settings.maxConcurrentReparentsPerCell() + ")");
            }
            LockMessage slot = LockMessage.of(LockMessage.Type.GRANT, m.shard, m.workflowId, m.cell, now);
            slots.put(m.workflowId, slot);
        }
        LockMessage grant = reply(m, LockMessage.Type.GRANT, now, "slot granted");
        grant.cellDegradedShare = cellShares();
        return grant;
    }

    /**
     * Keeps per-cell counts of reporting volumes and of DEGRADED/STALLED ones, from health transitions.
     * A volume that falls silent (UNKNOWN: retired, detached, or not reporting) leaves the counts, so
     * that volumes replaced long ago do not dilute a cell's share.
     */
    void onHealth(VolumeHealth h) {
        if (h.getCell() == null) {
            return;
        }
        boolean degraded = h.getState() == VolumeHealthState.DEGRADED || h.getState() == VolumeHealthState.STALLED;
        boolean reporting = h.getState() != VolumeHealthState.UNKNOWN;
        String before = volumes.get(h.getVolumeId());
        String after = reporting ? h.getCell() + "|" + (degraded ? "1" : "0") : null;
        if (java.util.Objects.equals(after, before)) {
            return;
        }
        if (before != null) {
            String[] b = before.split("\\|");
            adjust(b[0], -1, "1".equals(b[1]) ? -1 : 0);
        }
        if (after == null) {
            volumes.delete(h.getVolumeId());
            return;
        }
        adjust(h.getCell(), 1, degraded ? 1 : 0);
        volumes.put(h.getVolumeId(), after);
    }

    private void adjust(String cell, int total, int degraded) {
        long[] c = counts(cell);
        cells.put(cell, (c[0] + total) + "|" + (c[1] + degraded));
    }

    private long[] counts(String cell) {
        String v = cells.get(cell);
        if (v == null) {
            return new long[2];
        }
        String[] p = v.split("\\|");
        return new long[] {Long.parseLong(p[0]), Long.parseLong(p[1])};
    }

    private TreeMap<String, Double> cellShares() {
        TreeMap<String, Double> shares = new TreeMap<>();
        try (KeyValueIterator<String, String> it = cells.all()) {
            // Cells are few (availability zones): iterating them is not iterating the fleet.
            while (it.hasNext()) {
                KeyValue<String, String> e = it.next();
                String[] p = e.value.split("\\|");
                long total = Long.parseLong(p[0]);
                shares.put(e.key, total == 0 ? 0.0 : Long.parseLong(p[1]) / (double) total);
            }
        }
        return shares;
    }

    private void expireLeases(long now) {
        List<String> expired = new ArrayList<>();
        try (KeyValueIterator<String, LockMessage> it = slots.all()) {
            while (it.hasNext()) {
                KeyValue<String, LockMessage> e = it.next();
                if (e.value.timeMs + settings.lockLeaseMs() < now) {
                    expired.add(e.key);
                }
            }
        }
        expired.forEach(slots::delete);
    }

    private static LockMessage reply(LockMessage request, LockMessage.Type type, long now, String reason) {
        LockMessage r = LockMessage.of(type, request.shard, request.workflowId, request.cell, now);
        r.reason = reason;
        return r;
    }
}
