package io.holdfast.connectors.binlog.internal;

import io.holdfast.connectors.binlog.BinlogConfig;
import io.holdfast.connectors.binlog.BinlogSourceException;
import io.holdfast.connectors.binlog.JdbcLocation;
import io.holdfast.connectors.store.StoreConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

/**
 * The captured database as the binlog source sees it over plain JDBC, before and beside Debezium: the
 * reachability and binlog checks made before the engine starts (Debezium's own failure at that point is a
 * {@code NoSuchMethodError} on Kafka 4.2+, DESIGN section 2), and the signal table through which copies are
 * requested.
 */
public final class SourceDatabase {

    private final BinlogConfig config;
    private final JdbcLocation location;

    public SourceDatabase(BinlogConfig config) {
        this.config = config;
        this.location = config.location();
    }

    public Connection connect() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", config.dbUser());
        props.setProperty("password", config.dbPassword().value());
        props.setProperty("connectTimeout", String.valueOf(config.connectTimeout().toMillis()));
        // Connector/J 3 takes jdbc:mysql: URLs only when asked to.
        props.setProperty("permitMysqlScheme", "true");
        config.dbTls().jdbcOptions().forEach(props::setProperty);
        return DriverManager.getConnection(config.dbUrl(), props);
    }

    /**
     * Connects, checks that the server writes the row binlog Debezium reads and that the database exists,
     * and creates the signal table if missing. Every failure is one line naming the server (never the password).
     */
    public void check() {
        try (Connection c = connect()) {
            if (config.flavor().readsBinlog()) {
                checkBinlog(c);
            }
            if (!databaseExists(c)) {
                throw new BinlogSourceException("database '" + config.database() + "' does not exist on " + location
                        + " (" + BinlogConfig.CDC_DATABASE + ")");
            }
            ensureSignalTable(c);
        } catch (SQLException e) {
            throw new BinlogSourceException("cannot reach the database at " + location.host() + ":" + location.port()
                    + " (" + StoreConfig.DB_URL + "): " + firstLine(e.getMessage()), e);
        }
    }

    private void checkBinlog(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT @@log_bin, @@binlog_format, @@binlog_row_image")) {
            rs.next();
            if (!rs.getBoolean(1)) {
                throw new BinlogSourceException("the database at " + location + " writes no binlog (start it with --log-bin)");
            }
            if (!"ROW".equalsIgnoreCase(rs.getString(2)) || !"FULL".equalsIgnoreCase(rs.getString(3))) {
                throw new BinlogSourceException("the database at " + location + " logs binlog_format=" + rs.getString(2)
                        + ", binlog_row_image=" + rs.getString(3) + ": Debezium needs ROW and FULL");
            }
        }
    }

    private boolean databaseExists(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?")) {
            ps.setString(1, config.database());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Debezium's required layout: id, type, data, in this order. */
    private void ensureSignalTable(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + signalTable()
                    + " (id VARCHAR(42) PRIMARY KEY, type VARCHAR(32) NOT NULL, data VARCHAR(2048) NULL)");
        }
    }

    /**
     * Asks the connector for an incremental snapshot of {@code tables} ({@code <db>.<table>}): Debezium sees
     * the row in the binlog, so this must happen while it streams. Returns the signal's id, which the
     * notifications of that copy carry.
     */
    public String requestCopy(List<String> tables) throws SQLException {
        String id = UUID.randomUUID().toString();
        StringBuilder data = new StringBuilder("{\"data-collections\":[");
        for (int i = 0; i < tables.size(); i++) {
            data.append(i == 0 ? "" : ",").append('"').append(tables.get(i)).append('"');
        }
        data.append("],\"type\":\"incremental\"}");
        try (Connection c = connect();
             PreparedStatement ps = c.prepareStatement("INSERT INTO " + signalTable() + " (id, type, data) VALUES (?, ?, ?)")) {
            ps.setString(1, id);
            ps.setString(2, "execute-snapshot");
            ps.setString(3, data.toString());
            ps.executeUpdate();
        }
        return id;
    }

    private String signalTable() {
        return quote(config.database()) + "." + quote(config.signalTable());
    }

    private static String quote(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no reason given";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    public JdbcLocation location() {
        return location;
    }
}
