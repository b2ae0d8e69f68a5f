package io.holdfast.connectors.reconcile;

/**
 * A repair could not be made for a reason that may go away on its own (a database connection lost, a
 * deadlock, S3 answering 5xx or throttling). Every repair is idempotent, so the
 * {@link ReconcileCommandRunner} simply tries again with backoff, a bounded number of times.
 */
public final class TransientStoreException extends Exception {

    private static final long serialVersionUID = 1L;

    public TransientStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
