package io.holdfast.connectors.binlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.connectors.binlog.internal.ChangeSummary;
import io.holdfast.connectors.binlog.internal.EngineProperties;
import io.holdfast.connectors.store.StoreConfig;
import io.holdfast.topology.catalog.TopicCatalog;
import io.holdfast.topology.config.HoldfastConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** The binlog source's settings as Debezium will get them, without a database or a cluster. */
class BinlogConfigTest {

    private static BinlogConfig config(Map<String, String> extra) {
        Map<String, String> p = new HashMap<>(Map.of("bootstrap.servers", "127.0.0.1:9092",
                StoreConfig.DB_URL, "jdbc:mariadb://db.example:3307/holdfast?sslMode=disable",
                StoreConfig.DB_PASSWORD, "s3cret", HoldfastConfig.TOPIC_PREFIX, "prod."));
        p.putAll(extra);
        return BinlogConfig.load(Optional.empty(), Map.of(), p);
    }

    @Test
    void engineTopicsAreTheCatalogsAndTheCopyIsAnIncrementalSnapshot() {
        BinlogConfig config = config(Map.of(BinlogConfig.SNAPSHOT_CHUNK_SIZE, "50"));
        TopicCatalog catalog = new TopicCatalog(config);
        Properties p = EngineProperties.of(config, catalog);
        assertEquals("io.debezium.connector.mariadb.MariaDbConnector", p.getProperty("connector.class"));
        assertEquals("db.example", p.getProperty("database.hostname"));
        assertEquals("3307", p.getProperty("database.port"));
        assertEquals("disable", p.getProperty("database.ssl.mode"));
        assertEquals("prod.cdc.holdfast", p.getProperty("topic.prefix"));
        // Debezium names topics <topic.prefix>.<database>.<table>: exactly the catalog's cdc topics.
        assertEquals(catalog.cdcRevisions.name(), p.getProperty("topic.prefix") + ".holdfast.revisions");
        assertEquals(catalog.cdcEntityHeads.name(), p.getProperty("topic.prefix") + ".holdfast.entity_heads");
        assertEquals("holdfast", p.getProperty("database.include.list"));
        assertEquals("holdfast.revisions,holdfast.entity_heads,holdfast.debezium_signal", p.getProperty("table.include.list"));
        assertEquals("holdfast.debezium_signal", p.getProperty("signal.data.collection"));
        assertEquals("no_data", p.getProperty("snapshot.mode"));
        assertEquals("50", p.getProperty("incremental.snapshot.chunk.size"));
        assertEquals("false", p.getProperty("include.schema.changes"));
        assertEquals("sink", p.getProperty("notification.enabled.channels"));
        assertEquals("prod.cdc.holdfast.notifications", p.getProperty("notification.sink.topic.name"));
        assertEquals("org.apache.kafka.connect.storage.KafkaOffsetBackingStore", p.getProperty("offset.storage"));
        assertEquals(catalog.binlogOffsets.name(), p.getProperty("offset.storage.topic"));
        assertEquals(catalog.binlogSchemaHistory.name(), p.getProperty("schema.history.internal.kafka.topic"));
        assertEquals("127.0.0.1:9092", p.getProperty("bootstrap.servers"));
        assertEquals("127.0.0.1:9092", p.getProperty("schema.history.internal.kafka.bootstrap.servers"));
        assertEquals("true", p.getProperty("value.converter.schemas.enable"));
    }

    /**
     * Debezium's own Kafka clients reach a secured cluster: the offset store's producer, consumer and admin
     * read the engine's top-level client settings, the schema history's read theirs under its producer and
     * consumer prefixes; a secret given through a config provider arrives resolved in every one of them.
     */
    @Test
    void securitySettingsReachTheOffsetStoreAndTheSchemaHistory(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path secrets = dir.resolve("kafka-secrets.properties");
        Files.writeString(secrets, "scram=engine-secret-7\ntruststore=engine-secret-8\n");
        String jaas = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"binlog\" password=\"";
        Map<String, String> security = new HashMap<>();
        security.put("config.providers", "file");
        security.put("config.providers.file.class", "org.apache.kafka.common.config.provider.FileConfigProvider");
        security.put("security.protocol", "SASL_SSL");
        security.put("sasl.mechanism", "SCRAM-SHA-512");
        security.put("sasl.jaas.config", jaas + "${file:" + secrets + ":scram}\";");
        security.put("ssl.truststore.location", "/etc/holdfast/truststore.p12");
        security.put("ssl.truststore.password", "${file:" + secrets + ":truststore}");
        Properties p = EngineProperties.of(config(security), new TopicCatalog(config(security)));

        for (String prefix : new String[] {"", "schema.history.internal.producer.", "schema.history.internal.consumer."}) {
            assertEquals("SASL_SSL", p.getProperty(prefix + "security.protocol"), prefix);
            assertEquals("SCRAM-SHA-512", p.getProperty(prefix + "sasl.mechanism"), prefix);
            assertEquals(jaas + "engine-secret-7\";", p.getProperty(prefix + "sasl.jaas.config"), prefix);
            assertEquals("/etc/holdfast/truststore.p12", p.getProperty(prefix + "ssl.truststore.location"), prefix);
            assertEquals("engine-secret-8", p.getProperty(prefix + "ssl.truststore.password"), prefix);
        }
    }

    @Test
    void debeziumPropertiesPassThroughAndWin() {
        BinlogConfig config = config(Map.of(BinlogConfig.DEBEZIUM_PREFIX + "snapshot.fetch.size", "77",
                BinlogConfig.DEBEZIUM_PREFIX + "database.ssl.mode", "trust", BinlogConfig.CONNECTOR, "mysql"));
        Properties p = EngineProperties.of(config, new TopicCatalog(config));
        assertEquals("77", p.getProperty("snapshot.fetch.size"));
        assertEquals("trust", p.getProperty("database.ssl.mode"));
        assertEquals("io.debezium.connector.mysql.MySqlConnector", p.getProperty("connector.class"));
        assertFalse(config.maskedDump().contains("s3cret"));
        assertThrows(ConfigException.class, () -> config(Map.of("holdfast.binlog.chunk", "5")));
    }

    @Test
    void jdbcUrlsGiveHostPortAndDatabase() {
        JdbcLocation plain = JdbcLocation.parse("k", "jdbc:mysql://vtgate:15306/commerce");
        assertEquals("vtgate", plain.host());
        assertEquals(15306, plain.port());
        assertEquals(Optional.of("commerce"), plain.database());
        JdbcLocation failover = JdbcLocation.parse("k", "jdbc:mariadb:sequential://a,b:3310/?useSSL=false");
        assertEquals("a", failover.host());
        assertEquals(3306, failover.port());
        assertEquals(Optional.empty(), failover.database());
        assertThrows(ConfigException.class, () -> JdbcLocation.parse("k", "jdbc:postgresql://h/db"));
        assertEquals(ConnectorFlavor.VITESS, ConnectorFlavor.of("io.debezium.connector.vitess.VitessConnector"));
        assertEquals(ConnectorFlavor.MARIADB, ConnectorFlavor.of("MariaDB"));
    }

    @Test
    void changeSummariesAreReadWithAndWithoutTheSchemaWrapper() throws Exception {
        Path fixture = Path.of("..", "reconciler-stream", "src", "test", "resources", "debezium", "mariadb", "with-schema",
                "insert-revision.json");
        var records = com.fasterxml.jackson.databind.json.JsonMapper.builder().build().readTree(fixture.toFile());
        ChangeSummary withSchema = ChangeSummary.of(records.get(0).get("value").asText());
        assertEquals("c", withSchema.op());
        assertEquals("revisions", withSchema.table());
        assertTrue(withSchema.sourceTsMs() > 0);
        ChangeSummary plain = ChangeSummary.of("{\"before\":null,\"after\":{\"a\":1},\"source\":{\"ts_ms\":5,\"table\":\"t\"},\"op\":\"r\"}");
        assertEquals(new ChangeSummary("r", "t", 5), plain);
        assertTrue(plain.isCopy());
        assertEquals(ChangeSummary.NONE, ChangeSummary.of(null));
        assertEquals(ChangeSummary.NONE, ChangeSummary.of("{\"id\":\"x\",\"type\":\"STARTED\"}"));
        assertTrue(Files.exists(fixture));
    }
}
