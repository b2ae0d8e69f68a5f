package io.holdfast.connectors.binlog;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigException;

/**
 * Where a MySQL-protocol JDBC URL points: Debezium takes host, port and database as separate settings,
 * holdfast takes one URL ({@code holdfast.db.url}) for every component, so the binlog source reads them
 * out of it. With several hosts (failover URLs) the first is the one captured.
 * TLS is read from the settings and the URL by {@link io.holdfast.connectors.store.DbTls}.
 */
public record JdbcLocation(String host, int port, Optional<String> database) {

    private static final int DEFAULT_PORT = 3306;
    private static final Pattern URL = Pattern.compile(
            "jdbc:(?:mariadb|mysql)(?::[a-z:]+)?://([^/?]+)(?:/([^?]*))?(?:\\?(.*))?", Pattern.CASE_INSENSITIVE);
    private static final Pattern HOST_PORT = Pattern.compile("(?:address=\\(host=)?\\[?([^\\]:(),]+)\\]?(?::(\\d+))?.*");

    /** Parses {@code url}; a URL that is not a MariaDB/MySQL JDBC URL is a {@link ConfigException} naming {@code key}. */
    public static JdbcLocation parse(String key, String url) {
        Matcher m = URL.matcher(url.trim());
        if (!m.matches()) {
            throw new ConfigException(key, url, "not a jdbc:mariadb:// or jdbc:mysql:// URL");
        }
        String firstHost = m.group(1).split(",")[0];
        Matcher hp = HOST_PORT.matcher(firstHost);
        if (!hp.matches() || hp.group(1).isBlank()) {
            throw new ConfigException(key, url, "no host in the URL");
        }
        int port = hp.group(2) == null ? DEFAULT_PORT : Integer.parseInt(hp.group(2));
        String database = m.group(2) == null || m.group(2).isBlank() ? null : m.group(2);
        return new JdbcLocation(hp.group(1), port, Optional.ofNullable(database));
    }

    @Override
    public String toString() {
        return host + ":" + port + database.map(d -> "/" + d).orElse("");
    }
}
