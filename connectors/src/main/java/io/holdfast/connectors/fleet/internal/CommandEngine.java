package io.holdfast.connectors.fleet.internal;

import io.holdfast.connectors.fleet.CommandCounts;
import io.holdfast.connectors.fleet.SimulationTime;
import io.holdfast.schemas.CommandOutcome;
import io.holdfast.schemas.CommandResult;
import io.holdfast.schemas.FleetCommand;
import io.holdfast.schemas.FleetCommandType;
import io.holdfast.schemas.ReparentMode;
import io.holdfast.schemas.TabletRole;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out fleet commands on the {@link FleetModel} the way vtctld and the infrastructure would:
 * one command at a time per shard (vtctld's shard lock), checks first (compare-and-set fields,
 * candidate, deadline), then the operation's delay, then its effect at once. Idempotent on
 * {@code command_id}: a command seen before gets the answer of the first.
 *
 * <p>Not thread-safe: the simulator calls it, and its scheduled tasks run, with the simulator's lock held.
 */
public final class CommandEngine {

    private static final Logger log = LoggerFactory.getLogger(CommandEngine.class);

    /** What the simulator can be told to do to the next matching command. */
    public enum Fault {
        /** Answer FAILED after the usual delay, changing nothing. */
        FAIL,
        /** Never answer, changing nothing. */
        NO_ANSWER
    }

    private record ArmedFault(FleetCommandType type, String shard, Fault fault) {
        boolean matches(FleetCommand command) {
            return type == command.getType()
                    && (shard == null || shard.equals(command.getShard()) || shard.equals(CommandResults.shardKey(command)));
        }
    }

    private record Pending(FleetCommand command, CompletableFuture<Optional<CommandResult>> answer) {}

    /** Why a command is not carried out: nothing changes. */
    private record Refusal(CommandOutcome outcome, String message) {}

    private final FleetModel model;
    private final SimulationTime time;
    private final CommandDelays delays;
    private final SplittableRandom random;
    private final String executorName;
    private final Map<String, CompletableFuture<Optional<CommandResult>>> answers = new HashMap<>();
    private final Map<String, ArrayDeque<Pending>> waiting = new HashMap<>();
    private final Set<String> busyShards = new HashSet<>();
    private final List<ArmedFault> faults = new ArrayList<>();
    private final Map<FleetCommandType, Long> executed = new EnumMap<>(FleetCommandType.class);
    private final Map<CommandOutcome, Long> outcomes = new EnumMap<>(CommandOutcome.class);
    private long duplicates;
    private long unanswered;

    public CommandEngine(FleetModel model, SimulationTime time, CommandDelays delays, SplittableRandom random, String executorName) {
        this.model = model;
        this.time = time;
        this.delays = delays;
        this.random = random;
        this.executorName = executorName;
    }

    /** Arms {@code fault} for the next command of {@code type} (of {@code shard}, a name or key, when not null). */
    public void arm(FleetCommandType type, String shard, Fault fault) {
        faults.add(new ArmedFault(type, shard, fault));
    }

    /**
     * Accepts {@code command}; the answer completes when the simulated operation ends, empty when it
     * was told not to answer. A {@code command_id} seen before returns the first one's answer.
     */
    public CompletableFuture<Optional<CommandResult>> submit(FleetCommand command) {
        CompletableFuture<Optional<CommandResult>> earlier = answers.get(command.getCommandId());
        if (earlier != null) {
            duplicates++;
            log.info("command {} ({} {}) seen before: not executed again", command.getCommandId(), command.getType(),
                    CommandResults.shardKey(command));
            return earlier;
        }
        CompletableFuture<Optional<CommandResult>> answer = new CompletableFuture<>();
        answers.put(command.getCommandId(), answer);
        String shardKey = CommandResults.shardKey(command);
        waiting.computeIfAbsent(shardKey, k -> new ArrayDeque<>()).add(new Pending(command, answer));
        if (!busyShards.contains(shardKey)) {
            startNext(shardKey);
        }
        return answer;
    }

    private void startNext(String shardKey) {
        ArrayDeque<Pending> queue = waiting.get(shardKey);
        while (true) {
            Pending pending = queue == null ? null : queue.poll();
            if (pending == null) {
                busyShards.remove(shardKey);
                waiting.remove(shardKey);
                return;
            }
            busyShards.add(shardKey);
            FleetCommand command = pending.command();
            long now = time.nowMillis();
            Instant started = Instant.ofEpochMilli(now);
            if (now > command.getDeadlineTime().toEpochMilli()) {
                answer(pending, CommandResults.deadlinePassed(command, executorName, started));
                continue;
            }
            Optional<Refusal> refusal = refusal(command, now);
            if (refusal.isPresent()) {
                answer(pending, CommandResults.of(command, executorName, refusal.get().outcome(), refusal.get().message(),
                        started, started, Map.of()));
                continue;
            }
            Fault fault = takeFault(command);
            executed.merge(command.getType(), 1L, Long::sum);
            long delay = delays.of(command, random);
            time.schedule(now + delay, () -> finish(shardKey, pending, fault, started));
            return;
        }
    }

    private void finish(String shardKey, Pending pending, Fault fault, Instant started) {
        FleetCommand command = pending.command();
        Instant now = Instant.ofEpochMilli(time.nowMillis());
        if (fault == Fault.NO_ANSWER) {
            unanswered++;
            log.info("command {} ({} {}): left unanswered as told", command.getCommandId(), command.getType(), shardKey);
            pending.answer().complete(Optional.empty());
        } else if (fault == Fault.FAIL) {
            answer(pending, CommandResults.of(command, executorName, CommandOutcome.FAILED,
                    "injected failure: the simulator was told to fail this command; nothing changed", started, now, Map.of()));
        } else {
            answer(pending, apply(command, started, now));
        }
        startNext(shardKey);
    }

    private void answer(Pending pending, CommandResult result) {
        outcomes.merge(result.getOutcome(), 1L, Long::sum);
        log.info("command {} ({}{} {}): {}{}", result.getCommandId(), result.getFleetType(),
                pending.command().getReparentMode() == null ? "" : " " + pending.command().getReparentMode(),
                result.getTarget(), result.getOutcome(), result.getMessage() == null ? "" : ": " + result.getMessage());
        pending.answer().complete(Optional.of(result));
    }

    private Fault takeFault(FleetCommand command) {
        for (Iterator<ArmedFault> it = faults.iterator(); it.hasNext(); ) {
            ArmedFault armed = it.next();
            if (armed.matches(command)) {
                it.remove();
                return armed.fault();
            }
        }
        return null;
    }

    /** The checks made before anything happens, in the order vtctld makes them. */
    private Optional<Refusal> refusal(FleetCommand command, long now) {
        if (command.getType() == FleetCommandType.UNKNOWN) {
            return failed("unknown command type: the simulator does not guess what it means");
        }
        Optional<SimShard> found = model.shard(command.getKeyspace(), command.getShard());
        if (found.isEmpty()) {
            return rejected("no shard " + CommandResults.shardKey(command) + " in this fleet");
        }
        SimShard shard = found.get();
        if (command.getType() == FleetCommandType.REPARENT) {
            if (command.getReparentMode() != ReparentMode.PLANNED && command.getReparentMode() != ReparentMode.EMERGENCY) {
                return failed("reparent_mode is " + command.getReparentMode() + ", not PLANNED or EMERGENCY: not reparenting");
            }
            if (command.getNewPrimary() == null || command.getExpectedPrimary() == null || command.getExpectedPrimaryTerm() == null) {
                return failed("a reparent needs new_primary, expected_primary and expected_primary_term");
            }
        }
        Optional<Refusal> compareAndSet = compareAndSet(command, shard);
        if (compareAndSet.isPresent()) {
            return compareAndSet;
        }
        if (command.getType() == FleetCommandType.REPARENT) {
            Optional<SimTablet> candidate = model.tablet(command.getNewPrimary()).filter(t -> t.shard() == shard && !t.retired());
            if (candidate.isEmpty()) {
                return rejected("new_primary " + command.getNewPrimary() + " is not a tablet of " + shard.key());
            }
            SimTablet c = candidate.get();
            if (c.role() != TabletRole.REPLICA || !c.serving() || c.fenced()) {
                return rejected("new_primary " + c.alias() + " is not a serving REPLICA of " + shard.key() + " (" + c.role()
                        + (c.serving() ? ", serving" : ", not serving") + (c.fenced() ? ", fenced" : "") + ")");
            }
            return Optional.empty();
        }
        if (command.getTargetTabletAlias() == null) {
            return failed(command.getType() + " needs target_tablet_alias");
        }
        Optional<SimTablet> target = model.tablet(command.getTargetTabletAlias()).filter(t -> t.shard() == shard);
        if (target.isEmpty()) {
            return rejected("tablet " + command.getTargetTabletAlias() + " is not in " + shard.key());
        }
        SimTablet t = target.get();
        if (command.getTargetVolumeId() != null && !command.getTargetVolumeId().equals(t.volume().volumeId())) {
            return rejected("tablet " + t.alias() + " is on volume " + t.volume().volumeId() + ", not " + command.getTargetVolumeId());
        }
        if (command.getType() == FleetCommandType.PROVISION_VOLUME && command.getCell() != null
                && !model.layout().cells().contains(command.getCell())) {
            return rejected("cell " + command.getCell() + " is not one of " + model.layout().cells());
        }
        if (command.getType() == FleetCommandType.RETIRE_VOLUME && t == shard.primary()) {
            return rejected(t.alias() + " is the primary of " + shard.key() + ": it cannot be retired");
        }
        return Optional.empty();
    }

    private static Optional<Refusal> compareAndSet(FleetCommand command, SimShard shard) {
        String primary = shard.primary() == null ? null : shard.primary().alias();
        if (command.getExpectedPrimary() != null && !command.getExpectedPrimary().equals(primary)) {
            return rejected("the primary of " + shard.key() + " is " + primary + ", not the expected " + command.getExpectedPrimary());
        }
        if (command.getExpectedPrimaryTerm() != null && command.getExpectedPrimaryTerm() != shard.term()) {
            return rejected("the primary term of " + shard.key() + " is " + shard.term() + ", not the expected "
                    + command.getExpectedPrimaryTerm());
        }
        return Optional.empty();
    }

    private static Optional<Refusal> rejected(String message) {
        return Optional.of(new Refusal(CommandOutcome.REJECTED_PRECONDITION, message));
    }

    private static Optional<Refusal> failed(String message) {
        return Optional.of(new Refusal(CommandOutcome.FAILED, message));
    }

    /** The command's effect, at the end of its delay. Commands of one shard never overlap, but injections may have struck meanwhile. */
    private CommandResult apply(FleetCommand command, Instant started, Instant finished) {
        long now = finished.toEpochMilli();
        SimShard shard = model.shard(command.getKeyspace(), command.getShard()).orElseThrow();
        Map<String, String> observed = new HashMap<>();
        switch (command.getType()) {
            case REPARENT -> {
                SimTablet old = shard.primary();
                SimTablet candidate = model.tablet(command.getNewPrimary()).orElseThrow();
                boolean emergency = command.getReparentMode() == ReparentMode.EMERGENCY;
                if (!candidate.reachable() || candidate.volume().stalledAt(now) || candidate.fenced()) {
                    return CommandResults.of(command, executorName, CommandOutcome.FAILED, "primary-elect " + candidate.alias()
                            + " stopped answering during the reparent; nothing changed", started, finished, observed);
                }
                if (!emergency && (!old.reachable() || old.volume().stalledAt(now))) {
                    return CommandResults.of(command, executorName, CommandOutcome.FAILED, "current primary " + old.alias()
                            + " did not answer: a planned reparent needs it to demote itself; nothing changed", started, finished, observed);
                }
                model.promote(candidate, command.getCommandId(), emergency, now);
                model.settle(shard, now);
                observed.put("new_primary", candidate.alias());
                observed.put("old_primary", old.alias());
                observed.put("primary_term", Long.toString(shard.term()));
            }
            case FENCE -> {
                SimTablet target = model.tablet(command.getTargetTabletAlias()).orElseThrow();
                model.fence(target);
                model.settle(shard, now);
                observed.put("fenced", target.alias());
            }
            case PROVISION_VOLUME -> {
                SimTablet replaced = model.tablet(command.getTargetTabletAlias()).orElseThrow();
                String cell = command.getCell() != null ? command.getCell() : replaced.cell();
                long caughtUpAt = now + delays.catchUp(random);
                SimTablet fresh = model.provisionReplacement(replaced, cell, now, caughtUpAt);
                time.schedule(caughtUpAt, () -> {
                    model.caughtUp(fresh);
                    model.settle(shard, time.nowMillis());
                });
                model.settle(shard, now);
                observed.put("tablet_alias", fresh.alias());
                observed.put("volume_id", fresh.volume().volumeId());
                observed.put("node", fresh.volume().node());
                observed.put("cell", fresh.cell());
                observed.put("replaces", replaced.alias());
            }
            case RETIRE_VOLUME -> {
                SimTablet target = model.tablet(command.getTargetTabletAlias()).orElseThrow();
                observed.put("retired", target.alias());
                observed.put("volume_id", target.volume().volumeId());
                if (target.retired()) {
                    return CommandResults.of(command, executorName, CommandOutcome.SUCCEEDED, "already retired", started, finished, observed);
                }
                model.retire(target);
                model.settle(shard, now);
            }
            case UNKNOWN -> throw new IllegalStateException("refused before it started");
        }
        return CommandResults.of(command, executorName, CommandOutcome.SUCCEEDED, null, started, finished, observed);
    }

    /** Ends every command still waiting or running without an answer: the simulator is closing. */
    public void abandon() {
        for (CompletableFuture<Optional<CommandResult>> answer : answers.values()) {
            answer.cancel(false);
        }
        waiting.clear();
        busyShards.clear();
    }

    public CommandCounts counts() {
        return new CommandCounts(executed, outcomes, duplicates, unanswered);
    }
}
