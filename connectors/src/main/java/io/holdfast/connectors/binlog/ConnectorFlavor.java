package io.holdfast.connectors.binlog;

import io.holdfast.connectors.store.DbTls;
import java.util.Locale;
import java.util.Optional;

/**
 * The Debezium connectors the binlog source can run. They differ in class name, in how they spell the
 * TLS modes, and in whether they read a MySQL-protocol binlog (MariaDB, MySQL: server id, schema history,
 * database include list) or a VStream (Vitess: keyspace, no schema history).
 */
public enum ConnectorFlavor {
    // database.ssl.mode per DbTls.Mode (disable, trust, verify-ca, verify-full): the MariaDB connector uses
    // Connector/J's words, the MySQL connector MySQL's; Vitess connects to vtgate over gRPC, without these.
    MARIADB("io.debezium.connector.mariadb.MariaDbConnector", new String[] {"disable", "trust", "verify-ca", "verify-full"}, true),
    MYSQL("io.debezium.connector.mysql.MySqlConnector", new String[] {"disabled", "required", "verify_ca", "verify_identity"}, true),
    VITESS("io.debezium.connector.vitess.VitessConnector", null, false);

    private final String connectorClass;
    private final String[] sslModeValues;
    private final boolean readsBinlog;

    ConnectorFlavor(String connectorClass, String[] sslModeValues, boolean readsBinlog) {
        this.connectorClass = connectorClass;
        this.sslModeValues = sslModeValues;
        this.readsBinlog = readsBinlog;
    }

    public String connectorClass() {
        return connectorClass;
    }

    /** This connector's {@code database.ssl.mode} for {@code mode}; empty for a connector without that setting. */
    public Optional<String> sslModeValue(DbTls.Mode mode) {
        return sslModeValues == null ? Optional.empty() : Optional.of(sslModeValues[mode.ordinal()]);
    }

    /** True for the connectors that read a binlog as a replica (server id, schema history, include lists). */
    public boolean readsBinlog() {
        return readsBinlog;
    }

    /**
     * A short name ({@code mariadb}, {@code mysql}, {@code vitess}) or a fully qualified class name; an
     * unknown class is treated like the binlog connectors it most likely extends.
     */
    public static ConnectorFlavor of(String nameOrClass) {
        for (ConnectorFlavor f : values()) {
            if (f.name().equalsIgnoreCase(nameOrClass.trim()) || f.connectorClass.equals(nameOrClass.trim())) {
                return f;
            }
        }
        String lower = nameOrClass.toLowerCase(Locale.ROOT);
        return lower.contains("vitess") ? VITESS : lower.contains("mysql") ? MYSQL : MARIADB;
    }

    /** The class to load: the flavour's own for a short name, else what was configured. */
    public static String connectorClass(String nameOrClass) {
        for (ConnectorFlavor f : values()) {
            if (f.name().equalsIgnoreCase(nameOrClass.trim())) {
                return f.connectorClass;
            }
        }
        return nameOrClass.trim();
    }
}
