package io.holdfast.schemas;

/**
 * Keys of {@link CommandResult#getObserved()} that every reconcile executor sets and the reconciler reads back.
 * The map is free-form for anything else an executor wants an operator to see.
 */
public final class ReconcileObserved {

    /** The revision the command was about, as a decimal; on every reconcile result. */
    public static final String REVISION = "revision";

    /** On a DUPLICATE: the outcome of the earlier execution it repeats (a {@link CommandOutcome} name). */
    public static final String EARLIER_OUTCOME = "earlier_outcome";

    private ReconcileObserved() {
    }

    /**
     * True when the result shows that the command's effect took place: SUCCEEDED, or DUPLICATE of an execution
     * that succeeded.
     */
    public static boolean tookEffect(CommandResult result) {
        if (result.getOutcome() == CommandOutcome.SUCCEEDED) {
            return true;
        }
        if (result.getOutcome() != CommandOutcome.DUPLICATE) {
            return false;
        }
        CharSequence earlier = result.getObserved().get(EARLIER_OUTCOME);
        return earlier != null && CommandOutcome.SUCCEEDED.name().contentEquals(earlier);
    }
}
