package io.holdfast.connectors.reconcile.internal;

import io.holdfast.schemas.CommandResult;
import io.holdfast.schemas.ReconcileCommand;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Repairs that took effect lately, by what they do (type, entity, revision) rather than by command id. Every repair
 * only moves the store forward (a row inserted once, a head raised with {@code GREATEST}, a tag moved to
 * {@code published}), so a later attempt of the same repair has nothing left to do. The reconciler sends such
 * attempts when its retry comes before the earlier attempt's effect reached it (the executor behind, the scan not
 * yet round); answering them from here keeps a backlog from turning into repeated S3 and database calls.
 * Remembered for {@code memory} only, so that an effect undone by someone else is repaired again by a later
 * attempt; at most {@code capacity} repairs, the oldest forgotten first. Thread-safe.
 */
public final class RecentEffects {

    private final Duration memory;
    private final int capacity;
    private final LinkedHashMap<String, Remembered> byEffect;

    private record Remembered(CommandResult result, Instant at) {
    }

    public RecentEffects(Duration memory, int capacity) {
        this.memory = memory;
        this.capacity = capacity;
        this.byEffect = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Remembered> eldest) {
                return size() > RecentEffects.this.capacity;
            }
        };
    }

    /** The result of the same repair that took effect within {@code memory} before {@code now}, if any. */
    public synchronized Optional<CommandResult> tookEffect(ReconcileCommand command, Instant now) {
        Remembered r = byEffect.get(key(command));
        if (r == null) {
            return Optional.empty();
        }
        if (r.at().plus(memory).isBefore(now)) {
            byEffect.remove(key(command));
            return Optional.empty();
        }
        return Optional.of(r.result());
    }

    /** Remembers {@code command}'s repair when {@code result} shows it took effect. */
    public synchronized void record(ReconcileCommand command, CommandResult result, Instant now) {
        if (memory.isZero() || capacity == 0 || !io.holdfast.schemas.ReconcileObserved.tookEffect(result)) {
            return;
        }
        String key = key(command);
        byEffect.remove(key); // re-inserted last: the map is ordered by when each repair last took effect
        byEffect.put(key, new Remembered(result, now));
    }

    public synchronized int size() {
        return byEffect.size();
    }

    private static String key(ReconcileCommand c) {
        return c.getType() + "\u0000" + c.getEntityId() + "\u0000" + c.getRevision();
    }
}
