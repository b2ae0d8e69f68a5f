package io.holdfast.reconciler.entity;

import io.holdfast.schemas.Alert;
import io.holdfast.schemas.ReconcileCommand;

/** What one evaluation of an entity decided: a repair to issue, or an invariant violation to alert. */
public sealed interface Decision {

    /** The audit decision code, e.g. {@code replay_snapshot} or {@code alert_head_moved_backward}. */
    String code();

    /**
     * A repair. {@code dryRun} decisions are audited but not emitted.
     */
    record Repair(String code, ReconcileCommand command, boolean dryRun) implements Decision {
    }

    record Violation(Alert alert) implements Decision {
        @Override
        public String code() {
            return "alert_" + alert.getCode();
        }
    }
}
