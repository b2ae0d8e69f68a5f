package io.holdfast.reconciler.entity;

import static io.holdfast.reconciler.entity.EntityInput.NONE;

/**
 * What is known about one revision of an entity that is not resolved yet: its snapshot as listed in
 * S3, its row as seen in the binlog, and the repairs attempted. Every field is merged so that the
 * order in which observations arrive, and how often, does not matter: a flag once set stays set,
 * first-seen times take the minimum, the publication tag the maximum.
 */
public final class PendingRevision {

    final long revision;

    // The snapshot, once a scan pass listed it.
    boolean snapshotSeen;
    String bucket;
    String objectKey;
    String etag;
    String snapshotHash;
    long sizeBytes = NONE;
    long createdAt = NONE;
    EntityInput.Publication publication = EntityInput.Publication.UNKNOWN;
    long snapshotFirstSeen = NONE;

    // The revision row, once the binlog showed it.
    boolean rowSeen;
    String rowHash;
    long rowCommitted = NONE;

    // Repairs attempted: attempt counts and when the next attempt may be made.
    int replayAttempts;
    long replayNextAt;
    int publishAttempts;
    long publishNextAt;

    PendingRevision(long revision) {
        this.revision = revision;
    }

    void mergeSnapshot(EntityInput.Snapshot s) {
        if (!snapshotSeen) {
            snapshotSeen = true;
            bucket = s.bucket();
            objectKey = s.objectKey();
            etag = s.etag();
            snapshotHash = s.hash();
            sizeBytes = s.sizeBytes();
            createdAt = s.createdAt();
        }
        if (snapshotHash == null) {
            snapshotHash = s.hash();
        }
        snapshotFirstSeen = snapshotFirstSeen == NONE ? s.scanTime() : Math.min(snapshotFirstSeen, s.scanTime());
        if (s.publication().ordinal() > publication.ordinal()) {
            publication = s.publication();
        }
    }

    /** The tag is at its last state; a scan that read it before the executor wrote it cannot move it back. */
    void markPublished() {
        publication = EntityInput.Publication.PUBLISHED;
    }

    void mergeRow(String hash, long committed) {
        if (!rowSeen) {
            rowSeen = true;
            rowHash = hash;
        } else if (rowHash == null) {
            rowHash = hash;
        }
        rowCommitted = rowCommitted == NONE ? committed : Math.min(rowCommitted, committed);
    }

    boolean hashesDisagree() {
        return rowSeen && snapshotSeen && rowHash != null && snapshotHash != null && !rowHash.equals(snapshotHash);
    }

    public long revision() {
        return revision;
    }

    public boolean snapshotSeen() {
        return snapshotSeen;
    }

    public boolean rowSeen() {
        return rowSeen;
    }

    public EntityInput.Publication publication() {
        return publication;
    }

    public String objectKey() {
        return objectKey;
    }

    public String snapshotHash() {
        return snapshotHash;
    }

    public String rowHash() {
        return rowHash;
    }

    public long snapshotFirstSeen() {
        return snapshotFirstSeen;
    }

    public long rowCommitted() {
        return rowCommitted;
    }

    public int replayAttempts() {
        return replayAttempts;
    }

    public int publishAttempts() {
        return publishAttempts;
    }
}
