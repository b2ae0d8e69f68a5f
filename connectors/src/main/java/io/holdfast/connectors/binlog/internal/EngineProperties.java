package io.holdfast.connectors.binlog.internal;

import io.holdfast.connectors.binlog.BinlogConfig;
import io.holdfast.connectors.binlog.ConnectorFlavor;
import io.holdfast.connectors.binlog.JdbcLocation;
import io.holdfast.connectors.store.DbTls;
import io.holdfast.topology.catalog.TopicCatalog;
import io.holdfast.topology.config.HoldfastConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The embedded engine's and the connector's properties, all in one place: what holdfast decides (topics,
 * copy by incremental snapshot, offsets and schema history in Kafka), then the operator's
 * {@code holdfast.binlog.debezium.*} overrides on top.
 */
public final class EngineProperties {

    /** Kafka client settings that every client of the engine needs to reach a secured cluster. */
    private static final String[] CLIENT_KEY_PREFIXES = {"bootstrap.servers", "security.", "sasl.", "ssl.", "client.dns.lookup"};

    private EngineProperties() {}

    /** The notifications topic: Debezium's sink notification channel writes the copy's progress there. */
    public static String notificationsTopic(TopicCatalog catalog) {
        return catalog.cdcNotifications.name();
    }

    /** {@code <database>.<table>}: how Debezium names a MySQL-protocol table in include lists and signals. */
    public static String qualified(String database, String table) {
        return database + "." + table;
    }

    public static Properties of(BinlogConfig config, TopicCatalog catalog) {
        Map<String, String> p = new TreeMap<>();
        ConnectorFlavor flavor = config.flavor();
        JdbcLocation location = config.location();
        String db = config.database();
        TopicCatalog.CdcTopics cdc = catalog.cdc();
        String signal = qualified(db, config.signalTable());

        p.put("name", config.getString(BinlogConfig.ENGINE_NAME));
        p.put("connector.class", config.connectorClass());
        p.put("database.hostname", location.host());
        p.put("database.port", String.valueOf(location.port()));
        p.put("database.user", config.dbUser());
        p.put("database.password", config.dbPassword().value());
        p.putAll(tls(config, flavor));
        p.put("topic.prefix", catalog.debeziumTopicPrefix());
        p.put("table.include.list", String.join(",", qualified(db, cdc.revisionsTable()), qualified(db, cdc.headsTable()), signal));
        p.put("include.schema.changes", "false");
        if (flavor.readsBinlog()) {
            p.put("database.server.id", String.valueOf(config.getLong(BinlogConfig.SERVER_ID)));
            p.put("database.include.list", db);
            // Schema history: the connector needs the tables' DDL to decode row events; kept in Kafka.
            p.put("schema.history.internal", "io.debezium.storage.kafka.history.KafkaSchemaHistory");
            p.put("schema.history.internal.kafka.topic", catalog.binlogSchemaHistory.name());
            p.put("schema.history.internal.kafka.bootstrap.servers", bootstrapServers(config));
            clientSettings(config).forEach((k, v) -> {
                p.put("schema.history.internal.producer." + k, v);
                p.put("schema.history.internal.consumer." + k, v);
            });
        } else {
            p.put("vitess.keyspace", db);
        }

        // The copy of existing rows is an incremental snapshot, requested through the signal table: it is
        // chunked and its position is part of the offsets, so an interrupted copy resumes from its last chunk.
        // The first start reads no data itself (no_data), only the tables' structure.
        p.put("snapshot.mode", "no_data");
        p.put("signal.enabled.channels", "source");
        p.put("signal.data.collection", signal);
        p.put("incremental.snapshot.chunk.size", String.valueOf(config.getInt(BinlogConfig.SNAPSHOT_CHUNK_SIZE)));
        // Copy progress (STARTED, IN_PROGRESS, TABLE_SCAN_COMPLETED, COMPLETED) as records, for the reconciler's gate.
        p.put("notification.enabled.channels", "sink");
        p.put("notification.sink.topic.name", notificationsTopic(catalog));

        p.put("offset.storage", "org.apache.kafka.connect.storage.KafkaOffsetBackingStore");
        p.put("offset.storage.topic", catalog.binlogOffsets.name());
        p.put("offset.storage.partitions", String.valueOf(catalog.binlogOffsets.settings().partitions()));
        p.put("offset.storage.replication.factor", String.valueOf(catalog.binlogOffsets.settings().replicationFactor()));
        p.put("offset.flush.interval.ms", String.valueOf(config.getLong(BinlogConfig.OFFSET_FLUSH_INTERVAL_MS)));
        // Kafka 4.2+ Connect code needs bootstrap.servers even where Debezium does not (DESIGN section 2).
        p.put("bootstrap.servers", bootstrapServers(config));
        p.putAll(clientSettings(config));

        String schemas = String.valueOf(config.getBoolean(BinlogConfig.JSON_SCHEMAS_ENABLE));
        p.put("key.converter.schemas.enable", schemas);
        p.put("value.converter.schemas.enable", schemas);

        p.putAll(config.debeziumOverrides());
        Properties props = new Properties();
        props.putAll(p);
        return props;
    }

    /**
     * {@code database.ssl.*} for {@code flavor}: the mode always (so Debezium does exactly what the pools do,
     * never its own default), and a truststore made of {@code holdfast.db.ssl.ca} when one is given.
     */
    static Map<String, String> tls(BinlogConfig config, ConnectorFlavor flavor) {
        DbTls tls = config.dbTls();
        Map<String, String> p = new TreeMap<>();
        if (flavor.sslModeValue(tls.mode()).isEmpty()) {
            return p;
        }
        if (tls.ca().isPresent()) {
            p.putAll(tls.debeziumTruststore(truststoreDir()));
        }
        p.put("database.ssl.mode", flavor.sslModeValue(tls.mode()).get());
        return p;
    }

    /** A private directory for the truststore (public certificates only); gone when the JVM exits. */
    private static Path truststoreDir() {
        try {
            Path dir = Files.createTempDirectory("holdfast-binlog-tls-");
            dir.toFile().deleteOnExit();
            dir.resolve(DbTls.TRUSTSTORE_FILE).toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory for the database truststore: " + e.getMessage(), e);
        }
    }

    /** The configured {@code bootstrap.servers}; there is no sensible default. */
    public static String bootstrapServers(HoldfastConfig config) {
        Object servers = config.kafkaProperties().get("bootstrap.servers");
        return servers == null ? "" : String.valueOf(servers).trim();
    }

    /** Address and security settings of the Kafka clients, as given (no holdfast keys, no Streams keys). */
    public static Map<String, String> clientSettings(HoldfastConfig config) {
        Map<String, String> client = new TreeMap<>();
        config.kafkaProperties().forEach((k, v) -> {
            for (String prefix : CLIENT_KEY_PREFIXES) {
                if (k.startsWith(prefix) && v != null) {
                    client.put(k, String.valueOf(v instanceof org.apache.kafka.common.config.types.Password pw ? pw.value() : v));
                }
            }
        });
        return client;
    }
}
