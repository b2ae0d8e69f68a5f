package io.holdfast.reconciler.entity;

/**
 * The invariant violations the reconciler alerts on and never repairs by itself: each needs a human,
 * because any automatic fix would rewrite history or hide a bug in a writer.
 */
public final class Alerts {

    private Alerts() {
    }

    /** An update or delete of the heads table lowered an entity's head. */
    public static final String HEAD_MOVED_BACKWARD = "head_moved_backward";
    /** A revision row whose snapshot no complete S3 scan pass started after the row found. */
    public static final String REVISION_WITHOUT_SNAPSHOT = "revision_without_snapshot";
    /** A revision row whose content hash differs from its snapshot's. */
    public static final String CONTENT_HASH_MISMATCH = "content_hash_mismatch";
    /** A revision row was updated with another content hash: history is immutable. */
    public static final String REVISION_REWRITTEN = "revision_rewritten";
    /** A revision row was deleted: history is immutable. */
    public static final String REVISION_DELETED = "revision_deleted";
}
