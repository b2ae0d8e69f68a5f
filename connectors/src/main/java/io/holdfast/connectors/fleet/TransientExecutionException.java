package io.holdfast.connectors.fleet;

/**
 * A fleet command could not be carried out for a reason that may go away on its own (the fleet's API
 * was unreachable, a hook asked to be retried), and nothing was done. The {@link FleetCommandRunner}
 * tries again with backoff, a bounded number of times and never past the command's deadline.
 */
public final class TransientExecutionException extends Exception {

    private static final long serialVersionUID = 1L;

    public TransientExecutionException(String message) {
        super(message);
    }

    public TransientExecutionException(String message, Throwable cause) {
        super(message, cause);
    }
}
