package io.holdfast.launcher.scenario;

import io.holdfast.connectors.fleet.FleetSimulator;
import io.holdfast.connectors.fleet.Injection;
import io.holdfast.connectors.fleet.LedgerEntry;
import io.holdfast.launcher.internal.DevSystem;
import io.holdfast.schemas.FleetCommand;
import io.holdfast.schemas.FleetCommandType;
import io.holdfast.schemas.ReparentMode;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * One shard's primary fails and holdfast recovers it without a human: the failure is detected from
 * the volume's metrics, the shard is reparented once to a healthy replica (fenced first when the
 * primary is stalled), a replacement volume is provisioned and the failed one retired, and the
 * shard never has two writable primaries. The figures are measured from the injection's onset.
 */
abstract class PrimaryFailure implements SystemScenario {

    static final Duration FLEET_HEALTHY_TIMEOUT = Duration.ofMinutes(3);
    static final Duration REPAIR_TIMEOUT = Duration.ofMinutes(3);
    /** How long the injected failure lasts: longer than any recovery, so that only holdfast ends the impact. */
    static final Duration FAILURE = Duration.ofMinutes(30);

    /** Injects the failure into the primary of {@code shard}. */
    abstract Injection inject(FleetSimulator simulator, String shard);

    /** The health state the failed volume must reach (DEGRADED or STALLED). */
    abstract String failedState();

    abstract ReparentMode expectedMode();

    abstract boolean expectFence();

    /** The longest acceptable impact window (onset to a healthy serving primary). */
    abstract Duration impactBound();

    @Override
    public ScenarioOutcome play(DevSystem system, PrintWriter out) throws Exception {
        FleetWatch watch = new FleetWatch(system, out);
        FleetSimulator sim = watch.simulator();
        ScenarioOutcome outcome = new ScenarioOutcome();
        Duration healthy = watch.awaitFleetHealthy(FLEET_HEALTHY_TIMEOUT);
        outcome.seconds("fleet classified healthy after", healthy);
        if (healthy == null) {
            return outcome.expect("every volume HEALTHY before the failure", false, watch.volumeStates().toString());
        }
        String shard = sim.shardNames().get(0);
        String shardKey = sim.keyspace() + "/" + shard;
        String oldPrimary = sim.shard(shard).primary();
        Injection injection = inject(sim, shard);
        Instant onset = injection.onset();
        String volume = injection.volumeIds().get(0);
        watch.say("injected %s on %s: primary %s, volume %s", injection.kind(), shardKey, oldPrimary, volume);

        Instant detected = FleetWatch.seen(Duration.ofMinutes(1), () -> failedState().equals(watch.volumeStates().get(volume)));
        watch.say("volume %s is %s on the health app's endpoint", volume, detected == null ? "not yet " + failedState() : failedState());
        Instant reparented = FleetWatch.seen(Duration.ofMinutes(2), () -> {
            String now = sim.shard(shard).primary();
            return now != null && !now.equals(oldPrimary);
        });
        String newPrimary = sim.shard(shard).primary();
        watch.say("primary of %s: %s -> %s", shardKey, oldPrimary, newPrimary);
        Instant repaired = FleetWatch.seen(REPAIR_TIMEOUT, () -> watch.repaired(injection) && watch.tabletsInShard(shard) >= 3);
        watch.say("replacement provisioned and %s retired: %s", volume, repaired == null ? "not within " + REPAIR_TIMEOUT : "yes");

        LedgerEntry entry = watch.entries(injection).get(0);
        List<FleetCommand> commands = watch.commands(shardKey, onset.minusSeconds(5));
        Map<String, Long> byType = commands.stream().collect(Collectors.groupingBy(c -> c.getType().name(), TreeMap::new,
                Collectors.counting()));
        List<FleetCommand> reparents = commands.stream().filter(c -> c.getType() == FleetCommandType.REPARENT).toList();
        long fences = byType.getOrDefault(FleetCommandType.FENCE.name(), 0L);

        outcome.seconds("seen " + failedState() + " after onset", FleetWatch.between(onset, detected));
        outcome.seconds("new primary serving after onset", FleetWatch.between(onset, reparented));
        outcome.seconds("impact window (ledger)", entry.impactWindow().orElse(null));
        outcome.seconds("replacement provisioned and old volume retired after onset", FleetWatch.between(onset, repaired));
        outcome.figure("commands for " + shardKey, byType.toString());
        outcome.figure("reparent", reparents.isEmpty() ? "none" : reparents.get(0).getReparentMode() + " " + oldPrimary + " -> "
                + reparents.get(0).getNewPrimary());

        outcome.expect("volume classified " + failedState(), detected != null, String.valueOf(watch.volumeStates().get(volume)));
        outcome.expect("impact window at most " + impactBound().toSeconds() + " s",
                entry.impactWindow().map(d -> d.compareTo(impactBound()) <= 0).orElse(false),
                entry.impactWindow().map(Duration::toString).orElse("still open"));
        outcome.expect("exactly one reparent", entry.reparents() == 1 && reparents.size() == 1,
                entry.reparents() + " in the ledger, " + reparents.size() + " REPARENT commands");
        outcome.expect("reparent mode " + expectedMode(), !reparents.isEmpty() && reparents.get(0).getReparentMode() == expectedMode(),
                reparents.isEmpty() ? "none" : String.valueOf(reparents.get(0).getReparentMode()));
        outcome.expect("the new primary is not the failed tablet", newPrimary != null && !newPrimary.equals(oldPrimary),
                String.valueOf(newPrimary));
        if (expectFence()) {
            int fenceAt = indexOf(commands, FleetCommandType.FENCE);
            int reparentAt = indexOf(commands, FleetCommandType.REPARENT);
            outcome.expect("the old primary fenced once, before the reparent", fences == 1 && fenceAt >= 0 && fenceAt < reparentAt
                    && oldPrimary.equals(commands.get(fenceAt).getTargetTabletAlias()), byType.toString());
        } else {
            outcome.expect("no fence for a reachable primary", fences == 0, fences + " FENCE commands");
        }
        outcome.expect("replacement provisioned, failed volume retired, shard back to 3 tablets", repaired != null,
                "provisioned " + entry.replacementProvisioned() + ", retired " + entry.degradedVolumeRetired() + ", tablets "
                        + watch.tabletsInShard(shard));
        outcome.expect("never two writable primaries", sim.splitBrainMoments().isEmpty(), sim.splitBrainMoments().toString());
        return outcome;
    }

    private static int indexOf(List<FleetCommand> commands, FleetCommandType type) {
        for (int i = 0; i < commands.size(); i++) {
            if (commands.get(i).getType() == type) {
                return i;
            }
        }
        return -1;
    }
}
