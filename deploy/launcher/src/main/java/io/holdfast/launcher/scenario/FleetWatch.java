package io.holdfast.launcher.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import io.holdfast.connectors.fleet.FleetSimulator;
import io.holdfast.connectors.fleet.Injection;
import io.holdfast.connectors.fleet.LedgerEntry;
import io.holdfast.launcher.internal.DevSystem;
import io.holdfast.launcher.internal.HttpJson;
import io.holdfast.schemas.FleetCommand;
import io.holdfast.schemas.TabletRole;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What the fleet scenarios look at: volume health as the health app's HTTP endpoint reports it, the
 * simulator's view of each shard and its ledger, and the fleet commands holdfast sent. Waiting is
 * polling, four times a second, with a deadline.
 */
final class FleetWatch {

    private static final Duration POLL = Duration.ofMillis(250);

    private final DevSystem system;
    private final FleetSimulator simulator;
    private final PrintWriter out;

    FleetWatch(DevSystem system, PrintWriter out) {
        this.system = system;
        this.simulator = system.fleet().simulator();
        this.out = out;
    }

    FleetSimulator simulator() {
        return simulator;
    }

    /** Volume id to its state (HEALTHY, DEGRADED, ...) as the health app has it now. */
    Map<String, String> volumeStates() {
        Map<String, String> states = new HashMap<>();
        Optional<JsonNode> volumes = HttpJson.get("http://127.0.0.1:" + system.fleet().health().http().port() + "/volumes");
        volumes.ifPresent(v -> v.path("volumes").forEach(n -> states.put(n.path("volume_id").asText(), n.path("state").asText())));
        return states;
    }

    /** Live (not retired) tablets of the simulated fleet. */
    int liveTablets() {
        return simulator.status().liveTablets();
    }

    /** Waits until the health app has classified every live volume HEALTHY; how long that took, or null. */
    Duration awaitFleetHealthy(Duration timeout) throws InterruptedException {
        out.printf("scenario: waiting until the health app classifies all %d volumes HEALTHY%n", liveTablets());
        out.flush();
        return await(timeout, () -> volumeStates().values().stream().filter("HEALTHY"::equals).count() >= liveTablets());
    }

    /** Polls {@code condition} until it holds; the time it took, or null at the deadline. */
    static Duration await(Duration timeout, Supplier<Boolean> condition) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.get()) {
                return Duration.ofNanos(System.nanoTime() - start);
            }
            Thread.sleep(POLL.toMillis());
        }
        return condition.get() ? Duration.ofNanos(System.nanoTime() - start) : null;
    }

    /** Polls {@code condition} until it holds; when it was first seen holding, or null at the deadline. */
    static Instant seen(Duration timeout, Supplier<Boolean> condition) throws InterruptedException {
        return await(timeout, condition) == null ? null : Instant.now();
    }

    /** From {@code from} to {@code to}, or null when {@code to} never came. */
    static Duration between(Instant from, Instant to) {
        return to == null ? null : Duration.between(from, to);
    }

    /** The ledger entries of {@code injection}, one per shard it hit. */
    List<LedgerEntry> entries(Injection injection) {
        return simulator.ledger().stream().filter(e -> e.injectionId() == injection.id()).toList();
    }

    /** Every entry of the injection closed: impact over, replacement provisioned, degraded volume retired. */
    boolean repaired(Injection injection) {
        List<LedgerEntry> entries = entries(injection);
        return !entries.isEmpty() && entries.stream().allMatch(e -> e.impactEnd().isPresent() && e.replacementProvisioned()
                && e.degradedVolumeRetired());
    }

    /**
     * The fleet commands sent for {@code shardKey} since {@code since}, in the order read, each command id once
     * (a step sent again after its deadline is the same command).
     */
    List<FleetCommand> commands(String shardKey, Instant since) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        return system.feed().fleetCommands().stream()
                .filter(c -> (c.getKeyspace() + "/" + c.getShard()).equals(shardKey) && !c.getDecidedTime().isBefore(since))
                .filter(c -> seen.add(c.getCommandId()))
                .toList();
    }

    /** Tablets of the shard that are in it (not retired). */
    long tabletsInShard(String shard) {
        return simulator.shard(shard).tablets().stream().filter(t -> t.getRole() != TabletRole.SPARE).count();
    }

    /** The cell of a tablet alias {@code <cell>-<uid>}. */
    static String cellOf(String alias) {
        int dash = alias.lastIndexOf('-');
        return dash < 0 ? alias : alias.substring(0, dash);
    }

    void say(String format, Object... args) {
        out.printf("scenario: " + format + "%n", args);
        out.flush();
    }
}
