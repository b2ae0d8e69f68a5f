package io.holdfast.connectors.fleet.internal;

import io.holdfast.connectors.fleet.Injection;
import io.holdfast.connectors.fleet.InjectionKind;
import io.holdfast.connectors.fleet.SimulationTime;
import io.holdfast.schemas.TabletRole;
import io.holdfast.topology.synthetic.Episode;
import io.holdfast.topology.synthetic.EpisodeType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Strikes volumes with episodes of the synthetic model and records each strike in the {@link Ledger}.
 * An injection is all or nothing: if one of its volumes is already in an episode, nothing happens.
 *
 * <p>Not thread-safe: the simulator calls it, and its scheduled tasks run, with the simulator's lock held.
 */
public final class Injector {

    private static final Logger log = LoggerFactory.getLogger(Injector.class);

    private final FleetModel model;
    private final Ledger ledger;
    private final SimulationTime time;
    private final CommandDelays delays;
    private final SplittableRandom random;
    private long nextId = 1;

    public Injector(FleetModel model, Ledger ledger, SimulationTime time, CommandDelays delays, SplittableRandom random) {
        this.model = model;
        this.ledger = ledger;
        this.time = time;
        this.delays = delays;
        this.random = random;
    }

    public Injection degradePrimary(String shardName, Duration duration, double latencyMs) {
        if (!(latencyMs > 0) || Double.isInfinite(latencyMs)) {
            throw new IllegalArgumentException("latency must be a positive number of ms, was " + latencyMs);
        }
        SimTablet primary = primaryOf(model.requireShard(shardName));
        return strike(InjectionKind.DEGRADED_PRIMARY, List.of(primary), duration, EpisodeType.DEGRADED, latencyMs);
    }

    public Injection stallPrimary(String shardName, Duration duration) {
        SimTablet primary = primaryOf(model.requireShard(shardName));
        return strike(InjectionKind.STALLED_PRIMARY, List.of(primary), duration, EpisodeType.STALL, 0);
    }

    /** {@code share} of the cell's attached volumes that are in no episode degrade at once (at least one). */
    public Injection degradeCell(String cell, double share, Duration duration) {
        if (!model.layout().cells().contains(cell)) {
            throw new IllegalArgumentException("no cell '" + cell + "' (cells: " + String.join(", ", model.layout().cells()) + ")");
        }
        if (!(share > 0 && share <= 1)) {
            throw new IllegalArgumentException("share must be in (0, 1], was " + share);
        }
        long now = time.nowMillis();
        List<SimTablet> inCell = model.tablets().stream().filter(t -> t.cell().equals(cell) && !t.retired()).toList();
        List<SimTablet> eligible = new ArrayList<>(inCell.stream().filter(t -> !t.volume().inEpisodeAt(now)).toList());
        int count = Math.max(1, (int) Math.round(share * inCell.size()));
        if (eligible.size() < count) {
            throw new IllegalStateException("cell " + cell + " has " + eligible.size() + " volumes in no episode, " + count + " needed");
        }
        // Fisher-Yates on the first `count` places: a seeded, reproducible choice.
        for (int i = 0; i < count; i++) {
            int j = i + random.nextInt(eligible.size() - i);
            SimTablet swap = eligible.get(i);
            eligible.set(i, eligible.get(j));
            eligible.set(j, swap);
        }
        List<SimTablet> hit = eligible.subList(0, count).stream().sorted(Comparator.comparing(SimTablet::alias)).toList();
        return strike(InjectionKind.CELL_EVENT, hit, duration, EpisodeType.DEGRADED, Double.NaN);
    }

    /** The replica least likely to be promoted degrades (the likeliest one is {@link #degradeCandidate}'s). */
    public Injection degradeReplica(String shardName, Duration duration) {
        SimShard shard = model.requireShard(shardName);
        long now = time.nowMillis();
        List<SimTablet> promotable = model.promotableReplicas(shard, now);
        List<SimTablet> replicas = shard.tablets().stream()
                .filter(t -> t.role() == TabletRole.REPLICA && !t.retired() && !t.volume().inEpisodeAt(now))
                .sorted(Comparator.comparingInt((SimTablet t) -> promotable.contains(t) ? promotable.indexOf(t) : Integer.MAX_VALUE)
                        .thenComparing(SimTablet::alias))
                .toList();
        if (replicas.isEmpty()) {
            throw new IllegalStateException("shard " + shard.key() + " has no replica whose volume is in no episode");
        }
        return strike(InjectionKind.DEGRADED_REPLICA, List.of(replicas.get(replicas.size() - 1)), duration, EpisodeType.DEGRADED, Double.NaN);
    }

    /** The replica a recovery workflow would most likely promote degrades. */
    public Injection degradeCandidate(String shardName, Duration duration) {
        SimShard shard = model.requireShard(shardName);
        List<SimTablet> promotable = model.promotableReplicas(shard, time.nowMillis());
        if (promotable.isEmpty()) {
            throw new IllegalStateException("shard " + shard.key() + " has no replica that could be promoted");
        }
        return strike(InjectionKind.DEGRADED_CANDIDATE, List.of(promotable.get(0)), duration, EpisodeType.DEGRADED, Double.NaN);
    }

    private static SimTablet primaryOf(SimShard shard) {
        if (shard.primary() == null) {
            throw new IllegalStateException("shard " + shard.key() + " has no primary");
        }
        return shard.primary();
    }

    /** {@code latencyMs} NaN: each volume draws its own from the field's range. */
    private Injection strike(InjectionKind kind, List<SimTablet> targets, Duration duration, EpisodeType type, double latencyMs) {
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("an episode needs a positive duration, was " + duration);
        }
        long now = time.nowMillis();
        for (SimTablet target : targets) {
            SimVolume volume = target.volume();
            if (!volume.attached()) {
                throw new IllegalStateException("tablet " + target.alias() + " is retired");
            }
            if (volume.episode() != null && volume.episode().endMillis() > now) {
                throw new IllegalStateException("volume " + volume.volumeId() + " of " + target.alias() + " is already in a "
                        + volume.episode().type() + " episode until " + Instant.ofEpochMilli(volume.episode().endMillis()));
            }
        }
        long id = nextId++;
        Map<SimShard, List<SimTablet>> byShard = new LinkedHashMap<>();
        for (SimTablet target : targets) {
            if (type == EpisodeType.STALL) {
                model.stall(target, Episode.stall(now, duration), now);
            } else {
                double latency = Double.isNaN(latencyMs)
                        ? random.nextDouble(Episode.DEGRADED_MIN_LATENCY_MS, Episode.DEGRADED_MAX_LATENCY_MS) : latencyMs;
                model.degrade(target, Episode.degraded(now, duration, latency), now);
            }
            time.schedule(now + duration.toMillis(), () -> episodeEnded(target, type));
            byShard.computeIfAbsent(target.shard(), s -> new ArrayList<>()).add(target);
        }
        for (Map.Entry<SimShard, List<SimTablet>> e : byShard.entrySet()) {
            ledger.open(id, kind, e.getKey(), e.getValue(), now);
            model.settle(e.getKey(), now);
        }
        Injection injection = new Injection(id, kind, Instant.ofEpochMilli(now), duration,
                byShard.keySet().stream().map(SimShard::key).toList(),
                targets.stream().map(SimTablet::alias).toList(),
                targets.stream().map(t -> t.volume().volumeId()).toList());
        log.info("injected #{} {} for {} s on {}", id, kind, duration.toSeconds(), injection.tabletAliases());
        return injection;
    }

    /**
     * The volume completes I/O again. A stalled tablet answers health checks only some seconds
     * later: until then it may take writes again without knowing that the shard has moved on.
     */
    private void episodeEnded(SimTablet tablet, EpisodeType type) {
        long now = time.nowMillis();
        model.settle(tablet.shard(), now);
        if (type == EpisodeType.STALL) {
            time.schedule(now + delays.reconnect(random), () -> {
                long at = time.nowMillis();
                if (!tablet.retired()) {
                    model.reconnect(tablet, at);
                }
                model.settle(tablet.shard(), at);
            });
        }
    }
}
