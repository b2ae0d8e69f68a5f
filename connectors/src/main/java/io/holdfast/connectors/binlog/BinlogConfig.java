package io.holdfast.connectors.binlog;

import io.holdfast.connectors.store.DbTls;
import io.holdfast.connectors.store.StoreConfig;
import io.holdfast.topology.config.ConfigSources;
import io.holdfast.topology.config.HoldfastConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * Settings of {@code holdfast connect binlog}: the base keys, the store's database keys
 * ({@code holdfast.db.url}, {@code .user}, {@code .password}) and {@code holdfast.binlog.*}. Any other
 * Debezium property is given as {@code holdfast.binlog.debezium.<property>}: those keys are not declared
 * (Debezium has hundreds, and validates them itself before the engine starts), so they are taken out
 * before the declared keys are checked.
 */
public final class BinlogConfig extends HoldfastConfig {

    public static final String CONNECTOR = "holdfast.binlog.connector";
    public static final String SERVER_ID = "holdfast.binlog.server.id";
    public static final String ENGINE_NAME = "holdfast.binlog.engine.name";
    public static final String SNAPSHOT_CHUNK_SIZE = "holdfast.binlog.snapshot.chunk.size";
    public static final String SIGNAL_TABLE = "holdfast.binlog.signal.table";
    public static final String JSON_SCHEMAS_ENABLE = "holdfast.binlog.json.schemas.enable";
    public static final String OFFSET_FLUSH_INTERVAL_MS = "holdfast.binlog.offset.flush.interval.ms";
    public static final String CONNECT_TIMEOUT_MS = "holdfast.binlog.connect.timeout.ms";
    /** Prefix of the passthrough keys: {@code holdfast.binlog.debezium.snapshot.fetch.size=2000} sets Debezium's {@code snapshot.fetch.size}. */
    public static final String DEBEZIUM_PREFIX = "holdfast.binlog.debezium.";

    private static final ConfigDef DEFINITION = fullDefinition();

    private final Map<String, String> debeziumOverrides;

    public BinlogConfig(Map<?, ?> props) {
        super(DEFINITION, withoutPassthrough(props));
        this.debeziumOverrides = passthrough(props);
        StoreConfig.checkCombinations(this);
    }

    private BinlogConfig(Map<?, ?> props, boolean refuseUnknownHoldfastKeys) {
        super(DEFINITION, withoutPassthrough(props), refuseUnknownHoldfastKeys);
        this.debeziumOverrides = passthrough(props);
        StoreConfig.checkCombinations(this);
    }

    /** These settings out of {@code props} already validated against every component's keys (by the launcher). */
    public static BinlogConfig ofValidated(Map<?, ?> props) {
        return new BinlogConfig(props, false);
    }

    /** Loads defaults < {@code file} < {@code HOLDFAST_*} environment < {@code overrides}. */
    public static BinlogConfig load(Optional<Path> file, Map<String, String> env, Map<String, String> overrides) {
        return new BinlogConfig(ConfigSources.merge(file, env, overrides, DEFINITION));
    }

    /** The base keys, the store's and the binlog source's. */
    public static ConfigDef fullDefinition() {
        return define(StoreConfig.define(baseDefinition()));
    }

    /** Adds the binlog source's keys to {@code definition} and returns it. */
    public static ConfigDef define(ConfigDef definition) {
        return definition
                .define(CONNECTOR, Type.STRING, "mariadb", new ConfigDef.NonEmptyString(), Importance.HIGH,
                        "Debezium connector: mariadb, mysql or vitess, or a connector class name. The Vitess connector is "
                                + "not bundled: put its jar on the class path and give its own settings with "
                                + DEBEZIUM_PREFIX + "*.")
                .define(SERVER_ID, Type.LONG, 5400L, Range.between(1, 4_294_967_295L), Importance.HIGH,
                        "Server id the connector uses as a replica of the database; unique among all its replicas.")
                .define(ENGINE_NAME, Type.STRING, "holdfast-binlog", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                        "Name of the embedded Debezium engine; its offsets are stored under it, so changing it starts over.")
                .define(SNAPSHOT_CHUNK_SIZE, Type.INT, 1024, Range.between(1, 1_000_000), Importance.MEDIUM,
                        "Rows per chunk of the copy of existing rows (Debezium incremental snapshot). After a crash the copy "
                                + "resumes from the last chunk whose offsets were flushed.")
                .define(SIGNAL_TABLE, Type.STRING, "debezium_signal", new ConfigDef.NonEmptyString(), Importance.LOW,
                        "Debezium's signal table in " + CDC_DATABASE + " (created if missing): copies are requested, and "
                                + "their chunks delimited, by rows written there.")
                .define(JSON_SCHEMAS_ENABLE, Type.BOOLEAN, true, Importance.MEDIUM,
                        "Keys and values carry the JsonConverter schema/payload wrapper, as Kafka Connect does by default.")
                .define(OFFSET_FLUSH_INTERVAL_MS, Type.LONG, 5_000L, Range.atLeast(0), Importance.LOW,
                        "How often the engine stores its offsets (binlog position, copy position) in Kafka; what was sent "
                                + "after the last flush is sent again after a crash.")
                .define(CONNECT_TIMEOUT_MS, Type.INT, 10_000, Range.between(100, 600_000), Importance.LOW,
                        "How long the check of the database before start may wait for a connection.");
    }

    /** {@code props} without the {@code holdfast.binlog.debezium.*} keys. */
    public static Map<Object, Object> withoutPassthrough(Map<?, ?> props) {
        Map<Object, Object> rest = new LinkedHashMap<>();
        props.forEach((k, v) -> {
            if (!String.valueOf(k).startsWith(DEBEZIUM_PREFIX)) {
                rest.put(k, v);
            }
        });
        return rest;
    }

    private static Map<String, String> passthrough(Map<?, ?> props) {
        Map<String, String> debezium = new TreeMap<>();
        props.forEach((k, v) -> {
            String key = String.valueOf(k);
            if (key.startsWith(DEBEZIUM_PREFIX)) {
                String property = key.substring(DEBEZIUM_PREFIX.length());
                if (property.isEmpty()) {
                    throw new ConfigException(key, v, "name a Debezium property after " + DEBEZIUM_PREFIX);
                }
                debezium.put(property, v == null ? "" : String.valueOf(v));
            }
        });
        return Map.copyOf(debezium);
    }

    public ConnectorFlavor flavor() {
        return ConnectorFlavor.of(getString(CONNECTOR));
    }

    public String connectorClass() {
        return ConnectorFlavor.connectorClass(getString(CONNECTOR));
    }

    public String dbUrl() {
        return getString(StoreConfig.DB_URL);
    }

    public String dbUser() {
        return getString(StoreConfig.DB_USER);
    }

    public Password dbPassword() {
        return getPassword(StoreConfig.DB_PASSWORD);
    }

    /** TLS to the database, as the pools use it. */
    public DbTls dbTls() {
        return DbTls.of(this);
    }

    /** Host, port and database of {@code holdfast.db.url}. */
    public JdbcLocation location() {
        return JdbcLocation.parse(StoreConfig.DB_URL, dbUrl());
    }

    /** The database captured: {@code holdfast.cdc.database}, whose name is part of the change topics' names. */
    public String database() {
        return getString(CDC_DATABASE);
    }

    public String signalTable() {
        return getString(SIGNAL_TABLE);
    }

    public Duration connectTimeout() {
        return Duration.ofMillis(getInt(CONNECT_TIMEOUT_MS));
    }

    /** Debezium properties given with {@code holdfast.binlog.debezium.*}, without the prefix; they win over holdfast's. */
    public Map<String, String> debeziumOverrides() {
        return debeziumOverrides;
    }
}
