package io.holdfast.connectors.reconcile.internal;

import io.holdfast.schemas.CommandKind;
import io.holdfast.schemas.CommandOutcome;
import io.holdfast.schemas.CommandResult;
import io.holdfast.schemas.ReconcileCommand;
import io.holdfast.schemas.ReconcileObserved;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds the {@link CommandResult} of a {@link ReconcileCommand}, keyed and targeted by its entity. */
public final class ReconcileResults {

    /** Observed key of a DUPLICATE: the outcome of the execution it repeats. */
    public static final String OBSERVED_EARLIER_OUTCOME = ReconcileObserved.EARLIER_OUTCOME;

    /** Observed key of a DUPLICATE answered for a repair that took effect under another command id: that command's id. */
    public static final String OBSERVED_EARLIER_COMMAND = "earlier_command_id";

    /** Results longer than this are cut: a message is a hint for an operator, not a log. */
    private static final int MAX_MESSAGE_CHARS = 1_000;

    private ReconcileResults() {}

    public static CommandResult of(ReconcileCommand command, String executor, CommandOutcome outcome, String message,
                                   Instant started, Instant finished, Map<String, String> observed) {
        return CommandResult.newBuilder()
                .setCommandId(command.getCommandId())
                .setCommandKind(CommandKind.RECONCILE)
                .setReconcileType(command.getType())
                .setFleetType(null)
                .setTarget(command.getEntityId())
                .setAttempt(command.getAttempt())
                .setOutcome(outcome)
                .setMessage(message == null ? null : truncate(message))
                .setExecutor(executor)
                .setStartedTime(started)
                .setFinishedTime(finished)
                .setObserved(withRevision(observed, command.getRevision()))
                .build();
    }

    /** The executor's observations plus the command's revision, which the reconciler reads back (ReconcileObserved). */
    private static Map<String, String> withRevision(Map<String, String> observed, long revision) {
        Map<String, String> all = new LinkedHashMap<>(observed);
        all.put(ReconcileObserved.REVISION, Long.toString(revision));
        return Map.copyOf(all);
    }

    /**
     * The answer to a command whose id was already executed: DUPLICATE, with the earlier execution's
     * observed state and outcome. Nothing is done again, so this answer is about that execution.
     */
    public static CommandResult duplicateOf(CommandResult earlier, String executor, Instant now) {
        Map<String, String> observed = new LinkedHashMap<>();
        earlier.getObserved().forEach((k, v) -> observed.put(k.toString(), v.toString()));
        observed.putIfAbsent(OBSERVED_EARLIER_OUTCOME, earlier.getOutcome().name());
        return CommandResult.newBuilder(earlier)
                .setOutcome(CommandOutcome.DUPLICATE)
                .setMessage("already executed (" + observed.get(OBSERVED_EARLIER_OUTCOME) + " at " + earlier.getFinishedTime()
                        + "): not executed again")
                .setExecutor(executor)
                .setStartedTime(now)
                .setFinishedTime(now)
                .setObserved(Map.copyOf(observed))
                .build();
    }

    /**
     * The answer to a command whose repair (same type, entity and revision) already took effect under another command
     * id: DUPLICATE, naming that command, with its observed state. Nothing is done again.
     */
    public static CommandResult sameEffectAs(ReconcileCommand command, CommandResult earlier, String executor, Instant now) {
        Map<String, String> observed = new LinkedHashMap<>();
        earlier.getObserved().forEach((k, v) -> observed.put(k.toString(), v.toString()));
        observed.put(OBSERVED_EARLIER_OUTCOME, CommandOutcome.SUCCEEDED.name());
        observed.put(OBSERVED_EARLIER_COMMAND, earlier.getCommandId());
        return of(command, executor, CommandOutcome.DUPLICATE, "the same repair took effect at " + earlier.getFinishedTime()
                + " by command " + earlier.getCommandId() + ": not executed again", now, now, observed);
    }

    private static String truncate(String message) {
        return message.length() <= MAX_MESSAGE_CHARS ? message : message.substring(0, MAX_MESSAGE_CHARS - 3) + "...";
    }
}
