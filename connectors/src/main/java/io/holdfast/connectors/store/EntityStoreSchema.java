package io.holdfast.connectors.store;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;

/**
 * The entity store's layout, the one place it is spelled (DESIGN section 4):
 * <ul>
 *   <li>S3: {@code <prefix><entity>/<revision>}, created with {@code If-None-Match: *} (S3 is the commit
 *       point; a 412 means the revision is taken), tagged {@code publication_state=pending} then
 *       {@code published}, with user metadata entity, revision, content-hash ({@code sha256:<hex>}) and
 *       created-at (epoch millis).</li>
 *   <li>{@code revisions(entity_id, revision, content_hash, object_key, size_bytes, created_at)}, primary key
 *       (entity_id, revision): inserted once, never updated.</li>
 *   <li>{@code entity_heads(entity_id, head_revision, updated_at)}: only ever moved up, with {@code GREATEST}.</li>
 * </ul>
 */
public final class EntityStoreSchema {

    private EntityStoreSchema() {
    }

    public static final String TAG = "publication_state";
    public static final String PENDING = "pending";
    public static final String PUBLISHED = "published";
    public static final String META_ENTITY = "entity";
    public static final String META_REVISION = "revision";
    public static final String META_CONTENT_HASH = "content-hash";
    public static final String META_CREATED_AT = "created-at";

    public static String objectKey(String prefix, String entity, long revision) {
        return prefix + entity + "/" + revision;
    }

    /** {@code sha256:<lower-case hex>} of {@code content}: the content hash of a snapshot and of its revision row. */
    public static String contentHash(byte[] content) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** The tag set of a new snapshot in S3's query form, as PutObject takes it (both words are URL-safe). */
    public static String pendingTagging() {
        return TAG + "=" + PENDING;
    }

    public static final String CREATE_REVISIONS = "CREATE TABLE IF NOT EXISTS revisions ("
            + "entity_id VARCHAR(128) NOT NULL, revision BIGINT NOT NULL, content_hash VARCHAR(100) NOT NULL, "
            + "object_key VARCHAR(512) NOT NULL, size_bytes BIGINT NOT NULL, created_at DATETIME(3) NOT NULL, "
            + "PRIMARY KEY (entity_id, revision))";

    public static final String CREATE_HEADS = "CREATE TABLE IF NOT EXISTS entity_heads ("
            + "entity_id VARCHAR(128) NOT NULL PRIMARY KEY, head_revision BIGINT NOT NULL, updated_at DATETIME(3) NOT NULL)";

    /** Inserts a revision row; an existing row is left exactly as it is (history is immutable). */
    public static final String INSERT_REVISION = "INSERT IGNORE INTO revisions "
            + "(entity_id, revision, content_hash, object_key, size_bytes, created_at) VALUES (?, ?, ?, ?, ?, ?)";

    /** Moves a head up, never down; creates it if the entity has none. */
    public static final String ADVANCE_HEAD = "INSERT INTO entity_heads (entity_id, head_revision, updated_at) "
            + "VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE "
            + "updated_at = IF(VALUES(head_revision) > head_revision, VALUES(updated_at), updated_at), "
            + "head_revision = GREATEST(head_revision, VALUES(head_revision))";

    /** The highest revision row of an entity: one parameter (entity_id); NULL when it has none. */
    public static final String HIGHEST_REVISION = "SELECT MAX(revision) FROM revisions WHERE entity_id = ?";

    /** One revision row: parameters entity_id, revision; columns content_hash, object_key, size_bytes, created_at. */
    public static final String SELECT_REVISION = "SELECT content_hash, object_key, size_bytes, created_at FROM revisions "
            + "WHERE entity_id = ? AND revision = ?";

    /** The head of an entity: one parameter (entity_id); no row when the entity has no head. */
    public static final String SELECT_HEAD = "SELECT head_revision FROM entity_heads WHERE entity_id = ?";

    /** Creates both tables if they do not exist. */
    public static void ensure(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(CREATE_REVISIONS);
            s.execute(CREATE_HEADS);
        }
    }
}
