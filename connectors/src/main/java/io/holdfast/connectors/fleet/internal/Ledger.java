package io.holdfast.connectors.fleet.internal;

import io.holdfast.connectors.fleet.InjectionKind;
import io.holdfast.connectors.fleet.LedgerEntry;
import io.holdfast.connectors.fleet.Promotion;
import io.holdfast.connectors.fleet.SplitBrainMoment;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The simulator's record of what customers saw. It is shown every shard after every change of that
 * shard's state (commands completing, episodes starting or ending, tablets reconnecting), so the
 * impact windows and split-brain moments it keeps are exact to the millisecond of simulated time.
 *
 * <p>Not thread-safe: the simulator calls it with its lock held.
 */
public final class Ledger implements FleetModel.ShardObserver {

    private static final class Entry {
        final long injectionId;
        final InjectionKind kind;
        final SimShard shard;
        final long onsetMillis;
        final List<SimTablet> tablets;
        long impactEndMillis = -1;

        Entry(long injectionId, InjectionKind kind, SimShard shard, long onsetMillis, List<SimTablet> tablets) {
            this.injectionId = injectionId;
            this.kind = kind;
            this.shard = shard;
            this.onsetMillis = onsetMillis;
            this.tablets = List.copyOf(tablets);
        }
    }

    private static final class Moment {
        final String shardKey;
        final long fromMillis;
        final Set<String> writable = new LinkedHashSet<>();
        long untilMillis = -1;

        Moment(String shardKey, long fromMillis) {
            this.shardKey = shardKey;
            this.fromMillis = fromMillis;
        }
    }

    private final List<Entry> entries = new ArrayList<>();
    private final List<Moment> moments = new ArrayList<>();
    private final Map<String, Moment> ongoing = new HashMap<>();
    private final List<Promotion> promotions = new ArrayList<>();

    /** Opens an entry for an event that hit {@code tablets} of {@code shard} at {@code onsetMillis}. */
    public void open(long injectionId, InjectionKind kind, SimShard shard, List<SimTablet> tablets, long onsetMillis) {
        entries.add(new Entry(injectionId, kind, shard, onsetMillis, tablets));
    }

    @Override
    public void observe(SimShard shard, long nowMillis) {
        if (shard.hasHealthyPrimaryAt(nowMillis)) {
            for (Entry entry : entries) {
                if (entry.shard == shard && entry.impactEndMillis < 0) {
                    entry.impactEndMillis = nowMillis;
                }
            }
        }
        List<SimTablet> writable = shard.writablePrimariesAt(nowMillis);
        Moment moment = ongoing.get(shard.key());
        if (writable.size() >= 2) {
            if (moment == null) {
                moment = new Moment(shard.key(), nowMillis);
                moments.add(moment);
                ongoing.put(shard.key(), moment);
            }
            for (SimTablet tablet : writable) {
                moment.writable.add(tablet.alias());
            }
        } else if (moment != null) {
            moment.untilMillis = nowMillis;
            ongoing.remove(shard.key());
        }
    }

    @Override
    public void promoting(SimTablet candidate, String commandId, boolean emergency, long nowMillis, long lagMillis,
                          long impairedSinceMillis) {
        promotions.add(new Promotion(candidate.shard().key(), candidate.alias(), candidate.shard().term() + 1, Instant.ofEpochMilli(nowMillis),
                commandId, emergency, lagMillis, impairedSinceMillis < 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(impairedSinceMillis))));
    }

    /** Every promotion so far, in order. */
    public List<Promotion> promotions() {
        return List.copyOf(promotions);
    }

    public List<LedgerEntry> entries(long nowMillis) {
        List<LedgerEntry> view = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            long until = e.impactEndMillis >= 0 ? e.impactEndMillis : nowMillis;
            boolean replaced = e.tablets.stream().allMatch(t -> t.replacedBy() != null);
            boolean retired = e.tablets.stream().allMatch(SimTablet::retired);
            view.add(new LedgerEntry(e.injectionId, e.kind, e.shard.key(), Instant.ofEpochMilli(e.onsetMillis),
                    e.impactEndMillis >= 0 ? Optional.of(Instant.ofEpochMilli(e.impactEndMillis)) : Optional.empty(),
                    e.tablets.stream().map(SimTablet::alias).toList(),
                    e.tablets.stream().map(t -> t.volume().volumeId()).toList(),
                    e.shard.reparentsBetween(e.onsetMillis, until), replaced, retired));
        }
        return view;
    }

    public List<SplitBrainMoment> splitBrainMoments() {
        List<SplitBrainMoment> view = new ArrayList<>(moments.size());
        for (Moment m : moments) {
            view.add(new SplitBrainMoment(m.shardKey, Instant.ofEpochMilli(m.fromMillis),
                    m.untilMillis >= 0 ? Optional.of(Instant.ofEpochMilli(m.untilMillis)) : Optional.empty(),
                    List.copyOf(m.writable)));
        }
        return view;
    }

    public int openEntries() {
        return (int) entries.stream().filter(e -> e.impactEndMillis < 0).count();
    }

    public int closedEntries() {
        return entries.size() - openEntries();
    }

    /** Whether an event still affects {@code shard}'s customers. */
    public boolean hasOpenEntry(SimShard shard) {
        return entries.stream().anyMatch(e -> e.shard == shard && e.impactEndMillis < 0);
    }
}
