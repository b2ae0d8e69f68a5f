package io.holdfast.connectors.binlog;

import java.util.Locale;
import java.util.Optional;

/**
 * The Debezium connectors the binlog source can run. They differ in class name, in how TLS is switched
 * off, and in whether they read a MySQL-protocol binlog (MariaDB, MySQL: server id, schema history,
 * database include list) or a VStream (Vitess: keyspace, no schema history).
 */
public enum ConnectorFlavor {
    MARIADB("io.debezium.connector.mariadb.MariaDbConnector", "disable", true),
    MYSQL("io.debezium.connector.mysql.MySqlConnector", "disabled", true),
    VITESS("io.debezium.connector.vitess.VitessConnector", null, false);

    private final String connectorClass;
    private final String sslDisabledValue;
    private final boolean readsBinlog;

    ConnectorFlavor(String connectorClass, String sslDisabledValue, boolean readsBinlog) {
        this.connectorClass = connectorClass;
        this.sslDisabledValue = sslDisabledValue;
        this.readsBinlog = readsBinlog;
    }

    public String connectorClass() {
        return connectorClass;
    }

    /** {@code database.ssl.mode} meaning "no TLS" for this connector (the two connectors spell it differently). */
    public Optional<String> sslDisabledValue() {
        return Optional.ofNullable(sslDisabledValue);
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
