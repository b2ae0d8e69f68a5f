package io.holdfast.reconciler.entity;

/**
 * One observation about an entity, from one of the reconciler's three inputs, reduced to what the
 * reconciliation needs. Every input is turned into one of these and re-keyed by entity id, so that
 * one task sees everything about an entity and the merges below can be order-insensitive.
 */
public sealed interface EntityInput {

    /** "None" for revisions and heads: revisions and heads are non-negative. */
    long NONE = -1;

    String entity();

    /** How a row changed, from the Debezium op: c, r (copied by a snapshot), u, d. */
    enum RowChange {
        INSERTED, COPIED, UPDATED, DELETED;

        /** True when the change shows the row as it is (insert, copy, update), false for a delete. */
        public boolean present() {
            return this != DELETED;
        }
    }

    /**
     * A change of a row of the revisions table.
     *
     * @param hash content hash after the change (the deleted row's for a delete)
     * @param previousHash content hash before an update; null otherwise
     * @param committedMs when the change was committed at the source (Debezium's source.ts_ms)
     */
    record RevisionRow(String entity, long revision, RowChange change, String hash, String previousHash,
                       long committedMs) implements EntityInput {
    }

    /**
     * A change of the entity's head row.
     *
     * @param head head revision after the change; {@link #NONE} for a delete
     * @param previous head before the change (update or delete); {@link #NONE} when not known
     */
    record Head(String entity, RowChange change, long head, long previous, long committedMs) implements EntityInput {
    }

    /** Publication tag of a snapshot object, ordered: a tag only ever moves forward. */
    enum Publication {
        UNKNOWN, PENDING, PUBLISHED
    }

    /**
     * A snapshot object listed by a scan pass.
     *
     * @param createdAt the writer's creation time from the object's metadata, or {@link #NONE}
     * @param scanTime when the scanner read the object
     */
    record Snapshot(String entity, long revision, String bucket, String objectKey, String etag, String hash,
                    long sizeBytes, long createdAt, Publication publication, String passId, long scanTime)
            implements EntityInput {
    }

    /**
     * The reconcile executor's answer to attempt {@code attempt} of a repair of {@code revision}: it makes the next
     * attempt due one backoff after the answer rather than after the longest backoff, and a MarkPublished that took
     * effect moves the tag of a pending revision whose snapshot was listed (so the next scan pass need not be waited
     * for). Answers to an earlier attempt than the latest change nothing; the binlog and the scan stay the authority on
     * what the store holds.
     *
     * @param tookEffect SUCCEEDED, or DUPLICATE of a success
     */
    record Answered(String entity, io.holdfast.schemas.ReconcileCommandType type, long revision, int attempt,
                    boolean tookEffect) implements EntityInput {
    }
}
