package io.holdfast.connectors.writer;

import io.holdfast.connectors.store.EntityStoreSchema;
import io.holdfast.connectors.store.PublicationTags;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Map;
import javax.sql.DataSource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The reference write path of the entity store (DESIGN section 4), in its order:
 * <ol>
 *   <li>choose the revision: one above the entity's highest revision row, or 1;</li>
 *   <li>create the snapshot with {@code If-None-Match: *}, tagged pending, with its metadata. S3 is the
 *       commit point: a 412 means another write (or an earlier one that stopped before its row) took
 *       the revision, so the next one is tried, a bounded number of times;</li>
 *   <li>insert the revision row ({@code INSERT IGNORE}: an existing row is never changed);</li>
 *   <li>advance the head with {@code GREATEST} (never backward);</li>
 *   <li>tag the snapshot published, keeping its other tags.</li>
 * </ol>
 * Every step is idempotent or create-only, so the process may die at any moment: what it leaves is
 * exactly one of the half-done states the reconciler repairs. A {@link FailurePlan} produces those
 * states on purpose by returning early, as a crash would.
 *
 * <p>Safe for concurrent use; writes of one entity from several threads contend on the 412 path.
 */
public final class RevisionWriter {

    /** Revisions found taken, one after the other, before a write gives up. */
    public static final int DEFAULT_MAX_REVISION_CONFLICTS = 256;

    private final S3Client s3;
    private final DataSource database;
    private final String bucket;
    private final String prefix;
    private final FailurePlan failures;
    private final Clock clock;
    private final int maxRevisionConflicts;

    public RevisionWriter(S3Client s3, DataSource database, String bucket, String prefix, FailurePlan failures) {
        this(s3, database, bucket, prefix, failures, Clock.systemUTC(), DEFAULT_MAX_REVISION_CONFLICTS);
    }

    public RevisionWriter(S3Client s3, DataSource database, String bucket, String prefix, FailurePlan failures, Clock clock,
                          int maxRevisionConflicts) {
        if (maxRevisionConflicts < 0) {
            throw new IllegalArgumentException("maxRevisionConflicts must not be negative");
        }
        this.s3 = s3;
        this.database = database;
        this.bucket = bucket;
        this.prefix = prefix;
        this.failures = failures;
        this.clock = clock;
        this.maxRevisionConflicts = maxRevisionConflicts;
    }

    /**
     * Writes {@code content} as the next revision of {@code entity}.
     *
     * @throws RevisionConflictException if more than the allowed number of revisions in a row were taken
     * @throws SQLException              if the database refused a step (the snapshot may already be in S3: as after a crash)
     * @throws software.amazon.awssdk.core.exception.SdkException if S3 failed
     */
    public WriteResult write(String entity, byte[] content) throws SQLException {
        String contentHash = EntityStoreSchema.contentHash(content);
        long createdAt = clock.millis();
        long revision = highestRevision(entity) + 1;
        int conflicts = 0;
        while (!createSnapshot(entity, revision, content, contentHash, createdAt)) {
            conflicts++;
            if (conflicts > maxRevisionConflicts) {
                throw new RevisionConflictException(entity, revision, conflicts);
            }
            revision++;
        }
        if (failures.stopsAfter(StoppedAfter.S3)) {
            return new WriteResult(entity, revision, contentHash, StoppedAfter.S3, conflicts);
        }
        String key = EntityStoreSchema.objectKey(prefix, entity, revision);
        insertRow(entity, revision, contentHash, key, content.length, createdAt);
        if (failures.stopsAfter(StoppedAfter.ROW)) {
            return new WriteResult(entity, revision, contentHash, StoppedAfter.ROW, conflicts);
        }
        advanceHead(entity, revision);
        if (failures.stopsAfter(StoppedAfter.HEAD)) {
            return new WriteResult(entity, revision, contentHash, StoppedAfter.HEAD, conflicts);
        }
        PublicationTags.markPublished(s3, bucket, key);
        return new WriteResult(entity, revision, contentHash, StoppedAfter.NONE, conflicts);
    }

    /** The entity's highest revision row, 0 when it has none. */
    private long highestRevision(String entity) throws SQLException {
        try (Connection c = database.getConnection(); PreparedStatement s = c.prepareStatement(EntityStoreSchema.HIGHEST_REVISION)) {
            s.setString(1, entity);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0; // MAX of no rows is NULL, which getLong reads as 0
            }
        }
    }

    /** Creates the snapshot; false when the revision is taken (412). */
    private boolean createSnapshot(String entity, long revision, byte[] content, String contentHash, long createdAt) {
        try {
            s3.putObject(b -> b.bucket(bucket)
                            .key(EntityStoreSchema.objectKey(prefix, entity, revision))
                            .ifNoneMatch("*")
                            .tagging(EntityStoreSchema.pendingTagging())
                            .metadata(Map.of(
                                    EntityStoreSchema.META_ENTITY, entity,
                                    EntityStoreSchema.META_REVISION, Long.toString(revision),
                                    EntityStoreSchema.META_CONTENT_HASH, contentHash,
                                    EntityStoreSchema.META_CREATED_AT, Long.toString(createdAt))),
                    RequestBody.fromBytes(content));
            return true;
        } catch (S3Exception e) {
            if (e.statusCode() == 412) {
                return false;
            }
            throw e;
        }
    }

    private void insertRow(String entity, long revision, String contentHash, String key, long size, long createdAt) throws SQLException {
        try (Connection c = database.getConnection(); PreparedStatement s = c.prepareStatement(EntityStoreSchema.INSERT_REVISION)) {
            s.setString(1, entity);
            s.setLong(2, revision);
            s.setString(3, contentHash);
            s.setString(4, key);
            s.setLong(5, size);
            s.setTimestamp(6, new Timestamp(createdAt));
            s.executeUpdate();
        }
    }

    private void advanceHead(String entity, long revision) throws SQLException {
        try (Connection c = database.getConnection(); PreparedStatement s = c.prepareStatement(EntityStoreSchema.ADVANCE_HEAD)) {
            s.setString(1, entity);
            s.setLong(2, revision);
            s.setTimestamp(3, new Timestamp(clock.millis()));
            s.executeUpdate();
        }
    }

    public String bucket() {
        return bucket;
    }

    public String prefix() {
        return prefix;
    }
}
