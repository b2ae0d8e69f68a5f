package io.holdfast.connectors.writer;

/**
 * A write found too many revisions in a row already taken in S3 (412 on create-only puts): other
 * writers keep winning, or many earlier writes stopped after S3 without their rows. Nothing was created.
 */
public final class RevisionConflictException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    public RevisionConflictException(String entity, long lastTried, int conflicts) {
        super("entity " + entity + ": " + conflicts + " revisions in a row were taken in S3 (up to " + lastTried
                + "); giving up on this write");
    }
}
