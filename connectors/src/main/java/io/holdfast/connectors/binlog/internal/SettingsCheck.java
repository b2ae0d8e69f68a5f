package io.holdfast.connectors.binlog.internal;

import io.holdfast.connectors.binlog.BinlogConfig;
import io.holdfast.connectors.binlog.JdbcLocation;
import io.holdfast.connectors.store.StoreConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.source.SourceConnector;

/**
 * Checks the settings before anything starts. Debezium validates its own properties when the engine
 * starts, but on Kafka 4.2+ a failed validation surfaces as {@code NoSuchMethodError}
 * ({@code ConfigInfos.values()}, DESIGN section 2): here the connector's {@code validate} is called
 * directly and its complaints become one {@link ConfigException}.
 */
public final class SettingsCheck {

    private SettingsCheck() {}

    /** What can be checked without a database: Kafka's address, the URL, the connector class. */
    public static void offline(BinlogConfig config) {
        if (EngineProperties.bootstrapServers(config).isEmpty()) {
            throw new ConfigException("No bootstrap.servers: the binlog source keeps its offsets and schema history in Kafka");
        }
        JdbcLocation location = config.location();
        if (location.database().isPresent() && !location.database().get().equals(config.database())) {
            throw new ConfigException(StoreConfig.DB_URL + " names database '" + location.database().get() + "' but "
                    + BinlogConfig.CDC_DATABASE + " is '" + config.database() + "': the binlog source captures "
                    + BinlogConfig.CDC_DATABASE + ", whose name is part of the change topics' names");
        }
        connectorClass(config);
    }

    /**
     * The connector's own validation of {@code engine} (it connects to the database, so run it after
     * {@link SourceDatabase#check()}). Its error messages never contain the password.
     */
    public static void withConnector(BinlogConfig config, Properties engine) {
        Map<String, String> props = new TreeMap<>();
        engine.stringPropertyNames().forEach(k -> props.put(k, engine.getProperty(k)));
        SourceConnector connector = newConnector(connectorClass(config));
        Config validated = connector.validate(props);
        List<String> errors = new ArrayList<>();
        for (ConfigValue value : validated.configValues()) {
            for (String message : value.errorMessages()) {
                errors.add(value.name() + ": " + message);
            }
        }
        if (!errors.isEmpty()) {
            throw new ConfigException("Debezium refuses its settings: " + String.join("; ", errors));
        }
    }

    private static Class<? extends SourceConnector> connectorClass(BinlogConfig config) {
        String name = config.connectorClass();
        try {
            return Class.forName(name).asSubclass(SourceConnector.class);
        } catch (ClassNotFoundException e) {
            throw new ConfigException(BinlogConfig.CONNECTOR, name, "no such class on the class path");
        } catch (ClassCastException e) {
            throw new ConfigException(BinlogConfig.CONNECTOR, name, "not a Kafka Connect source connector");
        }
    }

    private static SourceConnector newConnector(Class<? extends SourceConnector> type) {
        try {
            return type.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new ConfigException(BinlogConfig.CONNECTOR, type.getName(), "cannot be instantiated: " + e);
        }
    }
}
