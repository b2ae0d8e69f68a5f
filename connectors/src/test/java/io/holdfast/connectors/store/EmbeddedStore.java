package io.holdfast.connectors.store;

import io.holdfast.embedded.EmbeddedMariaDb;
import io.holdfast.embedded.EmbeddedS3;
import io.holdfast.embedded.junit.EmbeddedStackExtension;
import io.holdfast.topology.config.HoldfastConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The entity store on the embedded MariaDB and S3, under a key prefix of its own so that tests do not
 * see each other's snapshots, and the reads a test checks it with.
 */
public final class EmbeddedStore implements AutoCloseable {

    /** A revision row as stored. */
    public record Row(String contentHash, String objectKey, long sizeBytes, long createdAtMillis) {}

    private final Map<String, String> settings;
    private final StoreConfig config;
    private final StoreClients clients;

    public EmbeddedStore(EmbeddedMariaDb db, EmbeddedS3 s3, String prefix) throws SQLException {
        settings = new HashMap<>();
        settings.put(StoreConfig.DB_URL, db.jdbcUrl());
        settings.put(StoreConfig.DB_USER, db.user());
        settings.put(StoreConfig.DB_PASSWORD, db.password());
        settings.put(StoreConfig.DB_POOL_SIZE, "4");
        settings.put(StoreConfig.S3_ENDPOINT, s3.endpoint());
        settings.put(StoreConfig.S3_REGION, EmbeddedS3.REGION);
        settings.put(StoreConfig.S3_PATH_STYLE, "true");
        settings.put(StoreConfig.S3_ACCESS_KEY_ID, EmbeddedS3.ACCESS_KEY);
        settings.put(StoreConfig.S3_SECRET_ACCESS_KEY, EmbeddedS3.SECRET_KEY);
        settings.put(HoldfastConfig.SNAPSHOTS_BUCKET, EmbeddedStackExtension.TEST_BUCKET);
        settings.put(HoldfastConfig.SNAPSHOTS_PREFIX, prefix);
        config = new StoreConfig(settings);
        clients = StoreClients.open(config);
        try (Connection c = clients.connection()) {
            EntityStoreSchema.ensure(c);
        }
    }

    /** The settings of this store, to be merged into a component's configuration. */
    public Map<String, String> settings() {
        return Map.copyOf(settings);
    }

    public StoreConfig config() {
        return config;
    }

    public StoreClients clients() {
        return clients;
    }

    public String bucket() {
        return config.bucket();
    }

    public String key(String entity, long revision) {
        return EntityStoreSchema.objectKey(config.prefix(), entity, revision);
    }

    public Optional<Row> row(String entity, long revision) throws SQLException {
        try (Connection c = clients.connection(); PreparedStatement s = c.prepareStatement(EntityStoreSchema.SELECT_REVISION)) {
            s.setString(1, entity);
            s.setLong(2, revision);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(new Row(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getTimestamp(4).getTime()))
                        : Optional.empty();
            }
        }
    }

    public int rowCount(String entity) throws SQLException {
        try (Connection c = clients.connection(); PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM revisions WHERE entity_id = ?")) {
            s.setString(1, entity);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    public OptionalLong head(String entity) throws SQLException {
        try (Connection c = clients.connection(); PreparedStatement s = c.prepareStatement(EntityStoreSchema.SELECT_HEAD)) {
            s.setString(1, entity);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
            }
        }
    }

    public Map<String, String> tags(String entity, long revision) {
        return PublicationTags.read(clients.s3(), bucket(), key(entity, revision));
    }

    public Map<String, String> metadata(String entity, long revision) {
        return clients.s3().headObject(b -> b.bucket(bucket()).key(key(entity, revision))).metadata();
    }

    @Override
    public void close() {
        clients.close();
    }
}
