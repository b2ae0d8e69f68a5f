package io.holdfast.launcher.scenario;

import io.holdfast.connectors.fleet.FleetSimulator;
import io.holdfast.connectors.fleet.Injection;
import io.holdfast.connectors.fleet.LedgerEntry;
import io.holdfast.health.HealthConfig;
import io.holdfast.launcher.internal.DevSystem;
import io.holdfast.schemas.CommandResult;
import io.holdfast.schemas.FleetCommand;
import io.holdfast.schemas.FleetCommandType;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Most volumes of one cell degrade at once (a correlated event, as when an availability zone's
 * storage slows down). Every shard whose primary was hit is reparented once, to a replica in another
 * cell; no more reparents run at once than the per-cell cap allows; all are repaired.
 */
final class CorrelatedCell implements SystemScenario {

    static final double SHARE = 0.75;

    @Override
    public String name() {
        return "correlated-cell";
    }

    @Override
    public String demonstrates() {
        return "75% of one cell's volumes degrade at once: each hit primary is reparented once to a replica in another cell, "
                + "no more reparents at once than the per-cell cap, every shard repaired, no split brain";
    }

    @Override
    public ScenarioOutcome play(DevSystem system, PrintWriter out) throws Exception {
        FleetWatch watch = new FleetWatch(system, out);
        FleetSimulator sim = watch.simulator();
        ScenarioOutcome outcome = new ScenarioOutcome();
        Duration healthy = watch.awaitFleetHealthy(PrimaryFailure.FLEET_HEALTHY_TIMEOUT);
        outcome.seconds("fleet classified healthy after", healthy);
        if (healthy == null) {
            return outcome.expect("every volume HEALTHY before the event", false, watch.volumeStates().toString());
        }
        // The simulator starts every shard's primary in the first cell: the event hits primaries.
        String cell = sim.cells().get(0);
        Injection injection = sim.degradeCell(cell, SHARE, PrimaryFailure.FAILURE);
        Instant onset = injection.onset();
        watch.say("injected %s in %s: %d volumes of shards %s", injection.kind(), cell, injection.volumeIds().size(),
                injection.shardKeys());
        Instant repaired = FleetWatch.seen(Duration.ofMinutes(5), () -> watch.repaired(injection));
        watch.say("all shards repaired: %s", repaired == null ? "not within 5 minutes" : "yes");

        List<LedgerEntry> entries = watch.entries(injection);
        List<FleetCommand> reparents = new ArrayList<>();
        for (String shardKey : injection.shardKeys()) {
            watch.commands(shardKey, onset.minusSeconds(5)).stream().filter(c -> c.getType() == FleetCommandType.REPARENT)
                    .forEach(reparents::add);
        }
        List<String> sameCell = reparents.stream().map(FleetCommand::getNewPrimary).filter(a -> FleetWatch.cellOf(a).equals(cell))
                .toList();
        int perCellCap = HealthConfig.ofValidated(system.settings()).recoverySettings().maxConcurrentReparentsPerCell();
        int concurrent = maxConcurrent(system, reparents);
        Duration slowest = entries.stream().map(e -> e.impactWindow().orElse(null)).reduce((a, b) -> a == null || b == null ? null
                : a.compareTo(b) >= 0 ? a : b).orElse(null);

        outcome.figure("volumes hit", injection.volumeIds().size() + " in " + cell + " (" + injection.shardKeys().size() + " shards)");
        outcome.figure("primaries hit", Long.toString(entries.stream().filter(e -> e.reparents() > 0).count()));
        outcome.figure("reparents", Integer.toString(reparents.size()));
        outcome.figure("most reparents in progress at once", concurrent + " (per-cell cap " + perCellCap + ")");
        outcome.seconds("longest impact window", slowest);
        outcome.seconds("all repaired after onset", FleetWatch.between(onset, repaired));

        outcome.expect("every hit shard repaired (impact over, replacement provisioned, volume retired)", repaired != null,
                entries.stream().filter(e -> e.open() || !e.degradedVolumeRetired()).map(LedgerEntry::shardKey).toList() + " open");
        outcome.expect("each hit primary reparented exactly once", entries.stream().allMatch(e -> e.reparents() <= 1)
                        && reparents.size() == entries.stream().mapToInt(LedgerEntry::reparents).sum(),
                reparents.size() + " REPARENT commands, ledger " + entries.stream().map(e -> e.shardKey() + "=" + e.reparents()).toList());
        outcome.expect("candidates from other cells than " + cell, sameCell.isEmpty() && !reparents.isEmpty(),
                reparents.stream().map(FleetCommand::getNewPrimary).toList().toString());
        outcome.expect("at most " + perCellCap + " reparents in progress at once", concurrent <= perCellCap, Integer.toString(concurrent));
        outcome.expect("never two writable primaries", sim.splitBrainMoments().isEmpty(), sim.splitBrainMoments().toString());
        return outcome;
    }

    /** The most reparents whose [decided, finished] intervals overlap, from the commands and their results. */
    private static int maxConcurrent(DevSystem system, List<FleetCommand> reparents) {
        List<long[]> edges = new ArrayList<>();
        for (FleetCommand c : reparents) {
            Optional<CommandResult> result = system.feed().result(c.getCommandId());
            long end = result.map(r -> r.getFinishedTime().toEpochMilli()).orElse(Long.MAX_VALUE);
            edges.add(new long[] {c.getDecidedTime().toEpochMilli(), 1});
            edges.add(new long[] {end, -1});
        }
        edges.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        int now = 0;
        int max = 0;
        for (long[] e : edges) {
            now += (int) e[1];
            max = Math.max(max, now);
        }
        return max;
    }
}
