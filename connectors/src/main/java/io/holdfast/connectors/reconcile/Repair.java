package io.holdfast.connectors.reconcile;

import io.holdfast.schemas.CommandOutcome;
import java.util.Map;

/**
 * What a repair did, and the state it saw afterwards (the result's {@code observed}).
 *
 * @param message for an operator; null when there is nothing to add
 */
public record Repair(CommandOutcome outcome, String message, Map<String, String> observed) {

    public Repair {
        observed = Map.copyOf(observed);
    }

    public static Repair succeeded(String message, Map<String, String> observed) {
        return new Repair(CommandOutcome.SUCCEEDED, message, observed);
    }

    /** The expected state did not hold: nothing was done. */
    public static Repair rejected(String message) {
        return new Repair(CommandOutcome.REJECTED_PRECONDITION, message, Map.of());
    }
}
