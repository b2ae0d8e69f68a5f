package io.holdfast.connectors.reconcile;

import io.holdfast.connectors.reconcile.internal.TransientFailures;
import io.holdfast.connectors.store.EntityStoreSchema;
import io.holdfast.connectors.store.PublicationTags;
import io.holdfast.connectors.store.StoreClients;
import io.holdfast.connectors.store.StoreConfig;
import io.holdfast.schemas.CommandOutcome;
import io.holdfast.schemas.ReconcileCommand;
import io.holdfast.schemas.SnapshotRef;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import javax.sql.DataSource;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Carries out one reconcile command on the entity store, idempotently: running a command twice has the
 * effect of running it once, so redelivery and retries are harmless.
 * <ul>
 *   <li>REPLAY_SNAPSHOT: the snapshot must exist and its metadata name the command's entity and revision;
 *       its row is then inserted from that metadata with {@code INSERT IGNORE}, which never changes an
 *       existing row (history is immutable; a differing row is the reconciler's to alert on).</li>
 *   <li>ADVANCE_HEAD: only to a revision whose row exists; {@code GREATEST}, so never backward.</li>
 *   <li>MARK_PUBLISHED: only for a revision whose row exists; the tag set is rewritten with
 *       publication_state=published and every other tag kept.</li>
 * </ul>
 * A precondition that does not hold is answered REJECTED_PRECONDITION and nothing is done.
 */
public final class StoreRepairs implements Repairs {

    /** Keys of {@code CommandResult.observed}. */
    public static final String OBSERVED_ROWS_AFFECTED = "rows_affected";
    public static final String OBSERVED_CONTENT_HASH = "content_hash";
    public static final String OBSERVED_EXISTING_CONTENT_HASH = "existing_content_hash";
    public static final String OBSERVED_HEAD_BEFORE = "head_before";
    public static final String OBSERVED_HEAD = "head";
    public static final String OBSERVED_TAGS = "tags";

    private final S3Client s3;
    private final DataSource database;
    private final String bucket;
    private final String prefix;
    private final Clock clock;

    public StoreRepairs(S3Client s3, DataSource database, String bucket, String prefix, Clock clock) {
        this.s3 = s3;
        this.database = database;
        this.bucket = bucket;
        this.prefix = prefix;
        this.clock = clock;
    }

    /** Repairs on the store of {@code config}, through {@code clients} (which stay the caller's to close). */
    public static StoreRepairs of(StoreClients clients, StoreConfig config) {
        return new StoreRepairs(clients.s3(), clients.database(), config.bucket(), config.prefix(), Clock.systemUTC());
    }

    /**
     * @throws TransientStoreException when the store failed in a way that may pass (nothing harmful was done: retry)
     * @throws IllegalStateException   when the store refused for good (reported FAILED)
     */
    @Override
    public Repair execute(ReconcileCommand command) throws TransientStoreException {
        try {
            return switch (command.getType()) {
                case REPLAY_SNAPSHOT -> replaySnapshot(command);
                case ADVANCE_HEAD -> advanceHead(command);
                case MARK_PUBLISHED -> markPublished(command);
                // The decoder sends these to the dead-letter topic; answering here keeps the switch total.
                case UNKNOWN -> new Repair(CommandOutcome.FAILED, "unknown command type: nothing done", Map.of());
            };
        } catch (SQLException | SdkException e) {
            if (TransientFailures.isTransient(e)) {
                throw new TransientStoreException(e.getClass().getSimpleName() + ": " + e.getMessage(), e);
            }
            throw new IllegalStateException(e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    private Repair replaySnapshot(ReconcileCommand command) throws SQLException {
        SnapshotRef ref = command.getSnapshot();
        Optional<String> otherBucket = foreignBucket(ref);
        if (otherBucket.isPresent()) {
            return Repair.rejected(otherBucket.get());
        }
        Optional<HeadObjectResponse> found = head(ref.getObjectKey());
        if (found.isEmpty()) {
            return Repair.rejected("snapshot s3://" + bucket + "/" + ref.getObjectKey() + " does not exist");
        }
        HeadObjectResponse head = found.get();
        Map<String, String> meta = head.metadata();
        String entity = meta.get(EntityStoreSchema.META_ENTITY);
        String revision = meta.get(EntityStoreSchema.META_REVISION);
        if (!command.getEntityId().equals(entity) || !Long.toString(command.getRevision()).equals(revision)) {
            return Repair.rejected("snapshot " + ref.getObjectKey() + " is entity " + entity + " revision " + revision
                    + " by its metadata, not entity " + command.getEntityId() + " revision " + command.getRevision());
        }
        String contentHash = meta.get(EntityStoreSchema.META_CONTENT_HASH);
        if (contentHash == null || contentHash.isBlank()) {
            return Repair.rejected("snapshot " + ref.getObjectKey() + " has no " + EntityStoreSchema.META_CONTENT_HASH + " metadata");
        }
        long createdAt = createdAt(meta.get(EntityStoreSchema.META_CREATED_AT), head);
        Map<String, String> observed = new LinkedHashMap<>();
        observed.put(OBSERVED_CONTENT_HASH, contentHash);
        try (Connection c = database.getConnection()) {
            int rows;
            try (PreparedStatement s = c.prepareStatement(EntityStoreSchema.INSERT_REVISION)) {
                s.setString(1, command.getEntityId());
                s.setLong(2, command.getRevision());
                s.setString(3, contentHash);
                s.setString(4, ref.getObjectKey());
                s.setLong(5, head.contentLength());
                s.setTimestamp(6, new Timestamp(createdAt));
                rows = s.executeUpdate();
            }
            observed.put(OBSERVED_ROWS_AFFECTED, Integer.toString(rows));
            if (rows > 0) {
                return Repair.succeeded("revision row inserted from the snapshot's metadata", observed);
            }
            String existing = rowContentHash(c, command.getEntityId(), command.getRevision()).orElse("");
            observed.put(OBSERVED_EXISTING_CONTENT_HASH, existing);
            return Repair.succeeded(existing.equals(contentHash) ? "the revision row was already there"
                    : "a revision row with another content hash was already there: left as it is", observed);
        }
    }

    private Repair advanceHead(ReconcileCommand command) throws SQLException {
        try (Connection c = database.getConnection()) {
            if (rowContentHash(c, command.getEntityId(), command.getRevision()).isEmpty()) {
                return Repair.rejected(noRow(command) + ": a head only moves to a revision that has its row");
            }
            Map<String, String> observed = new LinkedHashMap<>();
            OptionalLong before = head(c, command.getEntityId());
            observed.put(OBSERVED_HEAD_BEFORE, before.isPresent() ? Long.toString(before.getAsLong()) : "none");
            try (PreparedStatement s = c.prepareStatement(EntityStoreSchema.ADVANCE_HEAD)) {
                s.setString(1, command.getEntityId());
                s.setLong(2, command.getRevision());
                s.setTimestamp(3, new Timestamp(clock.millis()));
                s.executeUpdate();
            }
            long after = head(c, command.getEntityId()).orElseThrow(() -> new SQLException("the head of " + command.getEntityId()
                    + " is not there right after its upsert"));
            observed.put(OBSERVED_HEAD, Long.toString(after));
            return Repair.succeeded(after > command.getRevision() ? "the head was already past " + command.getRevision() + ": left as it is"
                    : "head at " + after, observed);
        }
    }

    private Repair markPublished(ReconcileCommand command) throws SQLException {
        SnapshotRef ref = command.getSnapshot();
        Optional<String> otherBucket = foreignBucket(ref);
        if (otherBucket.isPresent()) {
            return Repair.rejected(otherBucket.get());
        }
        try (Connection c = database.getConnection()) {
            if (rowContentHash(c, command.getEntityId(), command.getRevision()).isEmpty()) {
                return Repair.rejected(noRow(command) + ": only a revision with its row is published");
            }
        }
        String key = ref != null ? ref.getObjectKey() : EntityStoreSchema.objectKey(prefix, command.getEntityId(), command.getRevision());
        try {
            Map<String, String> tags = PublicationTags.markPublished(s3, bucket, key);
            return Repair.succeeded("snapshot tagged " + EntityStoreSchema.PUBLISHED, Map.of(OBSERVED_TAGS, PublicationTags.describe(tags)));
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Repair.rejected("snapshot s3://" + bucket + "/" + key + " does not exist");
            }
            throw e;
        }
    }

    /** Why a snapshot outside this executor's bucket is refused; empty when it is ours. */
    private Optional<String> foreignBucket(SnapshotRef ref) {
        if (ref == null || ref.getBucket().equals(bucket)) {
            return Optional.empty();
        }
        return Optional.of("snapshot is in bucket " + ref.getBucket() + "; this executor repairs the store of bucket " + bucket);
    }

    private Optional<HeadObjectResponse> head(String key) {
        try {
            return Optional.of(s3.headObject(b -> b.bucket(bucket).key(key)));
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** The metadata's creation time; S3's own, when the metadata lacks it (older writers), so that the row can still be made. */
    private static long createdAt(String metadata, HeadObjectResponse head) {
        if (metadata != null) {
            try {
                return Long.parseLong(metadata.trim());
            } catch (NumberFormatException e) {
                // not epoch millis: fall back to S3's time
            }
        }
        return head.lastModified().toEpochMilli();
    }

    private static Optional<String> rowContentHash(Connection c, String entity, long revision) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(EntityStoreSchema.SELECT_REVISION)) {
            s.setString(1, entity);
            s.setLong(2, revision);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    private static OptionalLong head(Connection c, String entity) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(EntityStoreSchema.SELECT_HEAD)) {
            s.setString(1, entity);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
            }
        }
    }

    private static String noRow(ReconcileCommand command) {
        return "no revision row for entity " + command.getEntityId() + " revision " + command.getRevision();
    }
}
