package io.holdfast.connectors.fleet.internal;

import io.holdfast.schemas.CommandKind;
import io.holdfast.schemas.CommandOutcome;
import io.holdfast.schemas.CommandResult;
import io.holdfast.schemas.FleetCommand;
import java.time.Instant;
import java.util.Map;

/** Builds the {@link CommandResult} of a {@link FleetCommand}: the fields every fleet executor fills the same way. */
public final class CommandResults {

    /** Results longer than this are cut: a message is a hint for an operator, not a log. */
    private static final int MAX_MESSAGE_CHARS = 1_000;

    private CommandResults() {}

    /** {@code <keyspace>/<shard>}: the Kafka key of the command and of its result. */
    public static String shardKey(FleetCommand command) {
        return command.getKeyspace() + "/" + command.getShard();
    }

    public static CommandResult of(FleetCommand command, String executor, CommandOutcome outcome, String message,
                                   Instant started, Instant finished, Map<String, String> observed) {
        return CommandResult.newBuilder()
                .setCommandId(command.getCommandId())
                .setCommandKind(CommandKind.FLEET)
                .setReconcileType(null)
                .setFleetType(command.getType())
                .setTarget(shardKey(command))
                .setAttempt(command.getAttempt())
                .setOutcome(outcome)
                .setMessage(message == null ? null : truncate(message))
                .setExecutor(executor)
                .setStartedTime(started)
                .setFinishedTime(finished)
                .setObserved(Map.copyOf(observed))
                .build();
    }

    /** The command was not started: its deadline had passed. */
    public static CommandResult deadlinePassed(FleetCommand command, String executor, Instant now) {
        return of(command, executor, CommandOutcome.TIMED_OUT,
                "not started: deadline " + command.getDeadlineTime() + " had passed at " + now, now, now, Map.of());
    }

    private static String truncate(String message) {
        return message.length() <= MAX_MESSAGE_CHARS ? message : message.substring(0, MAX_MESSAGE_CHARS - 3) + "...";
    }
}
