package io.holdfast.connectors.fleet;

import io.holdfast.schemas.CommandOutcome;
import io.holdfast.schemas.FleetCommandType;
import java.util.Map;

/**
 * What the simulator did with the fleet commands it received.
 *
 * @param executed   commands that passed their checks and were carried out (or were failed or left
 *                   unanswered on request), by type; a duplicate is never counted twice
 * @param outcomes   results given, by outcome (refusals and deadline misses included)
 * @param duplicates commands received again with a {@code command_id} already seen
 * @param unanswered commands deliberately left without an answer
 */
public record CommandCounts(Map<FleetCommandType, Long> executed, Map<CommandOutcome, Long> outcomes, long duplicates,
                            long unanswered) {

    public CommandCounts {
        executed = Map.copyOf(executed);
        outcomes = Map.copyOf(outcomes);
    }

    public long executed(FleetCommandType type) {
        return executed.getOrDefault(type, 0L);
    }

    public long totalExecuted() {
        return executed.values().stream().mapToLong(Long::longValue).sum();
    }

    public long outcome(CommandOutcome outcome) {
        return outcomes.getOrDefault(outcome, 0L);
    }
}
