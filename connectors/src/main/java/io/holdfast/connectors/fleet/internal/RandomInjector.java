package io.holdfast.connectors.fleet.internal;

import io.holdfast.connectors.fleet.InjectionKind;
import io.holdfast.connectors.fleet.SimulationTime;
import io.holdfast.topology.synthetic.Episode;
import io.holdfast.topology.synthetic.EpisodeType;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Injects events at random, as a Poisson process of {@code ratePerHour}: each picks a kind among
 * {@code kinds} and a shard whose customers are currently unaffected, with durations and magnitudes
 * from the synthetic model's field ranges (degraded 1-10 min at 200-500 ms, stall 30 s-5 min).
 * An event that cannot be placed (every volume busy) is skipped and logged.
 */
public final class RandomInjector {

    private static final Logger log = LoggerFactory.getLogger(RandomInjector.class);
    private static final double MILLIS_PER_HOUR = 3_600_000d;

    private final Injector injector;
    private final FleetModel model;
    private final Ledger ledger;
    private final SimulationTime time;
    private final SplittableRandom random;
    private final double ratePerHour;
    private final List<InjectionKind> kinds;
    private final double cellShare;
    private boolean stopped;

    public RandomInjector(Injector injector, FleetModel model, Ledger ledger, SimulationTime time, SplittableRandom random,
                          double ratePerHour, List<InjectionKind> kinds, double cellShare) {
        if (!(ratePerHour > 0) || kinds.isEmpty()) {
            throw new IllegalArgumentException("random injection needs a positive rate and at least one kind");
        }
        this.injector = injector;
        this.model = model;
        this.ledger = ledger;
        this.time = time;
        this.random = random;
        this.ratePerHour = ratePerHour;
        this.kinds = List.copyOf(kinds);
        this.cellShare = cellShare;
    }

    public void start() {
        scheduleNext(time.nowMillis());
    }

    public void stop() {
        stopped = true;
    }

    private void scheduleNext(long fromMillis) {
        double meanGap = MILLIS_PER_HOUR / ratePerHour;
        long gap = Math.max(1, Math.round(-meanGap * Math.log(1 - random.nextDouble())));
        time.schedule(fromMillis + gap, this::fire);
    }

    private void fire() {
        if (stopped) {
            return;
        }
        long now = time.nowMillis();
        InjectionKind kind = kinds.get(random.nextInt(kinds.size()));
        try {
            inject(kind, now);
        } catch (IllegalStateException e) {
            log.info("random {} skipped: {}", kind, e.getMessage());
        }
        scheduleNext(now);
    }

    private void inject(InjectionKind kind, long now) {
        Episode degraded = Episode.random(EpisodeType.DEGRADED, now, random);
        Duration degradedFor = Duration.ofMillis(degraded.durationMillis());
        if (kind == InjectionKind.CELL_EVENT) {
            List<String> cells = model.layout().cells();
            injector.degradeCell(cells.get(random.nextInt(cells.size())), cellShare, degradedFor);
            return;
        }
        List<SimShard> calm = model.shards().stream().filter(s -> s.hasHealthyPrimaryAt(now) && !ledger.hasOpenEntry(s)).toList();
        if (calm.isEmpty()) {
            throw new IllegalStateException("every shard is already affected");
        }
        String shard = calm.get(random.nextInt(calm.size())).name();
        switch (kind) {
            case DEGRADED_PRIMARY -> injector.degradePrimary(shard, degradedFor, degraded.magnitude());
            case STALLED_PRIMARY -> injector.stallPrimary(shard,
                    Duration.ofMillis(Episode.random(EpisodeType.STALL, now, random).durationMillis()));
            case DEGRADED_REPLICA -> injector.degradeReplica(shard, degradedFor);
            case DEGRADED_CANDIDATE -> {
                // The candidate fails right after its primary: the case where a careless workflow promotes a sick replica.
                injector.degradePrimary(shard, degradedFor, degraded.magnitude());
                injector.degradeCandidate(shard, degradedFor);
            }
            case CELL_EVENT -> throw new IllegalStateException("handled above");
        }
    }
}
