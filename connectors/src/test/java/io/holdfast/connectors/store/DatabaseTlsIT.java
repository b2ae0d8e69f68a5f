package io.holdfast.connectors.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.connectors.binlog.BinlogConfig;
import io.holdfast.connectors.binlog.internal.EngineProperties;
import io.holdfast.connectors.binlog.internal.SettingsCheck;
import io.holdfast.connectors.binlog.internal.SourceDatabase;
import io.holdfast.embedded.EmbeddedMariaDb;
import io.holdfast.topology.catalog.TopicCatalog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code holdfast.db.ssl.*} against a real MariaDB serving TLS with a certificate signed by a CA made here
 * (openssl), and an account that may only connect over TLS ({@code REQUIRE SSL}): the pools, the binlog
 * source's own connection and Debezium's validation all connect with {@code verify-full} and the CA, over an
 * encrypted session; with TLS off the account is refused, and a CA that did not sign the server's certificate
 * fails verification. A MariaDB of its own: the shared embedded stack runs without TLS.
 */
class DatabaseTlsIT {

    private static final String TLS_USER = "holdfast_tls";

    @TempDir
    static Path dir;

    private static EmbeddedMariaDb db;
    private static String tlsPassword;

    @BeforeAll
    static void startMariaDbWithTls() throws Exception {
        Path certs = Files.createDirectories(dir.resolve("certs"));
        openssl(certs, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
                "-subj", "/CN=holdfast test CA");
        openssl(certs, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "other-ca.key", "-out", "other-ca.pem",
                "-days", "2", "-subj", "/CN=holdfast unrelated CA");
        openssl(certs, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
                "-subj", "/CN=127.0.0.1");
        // verify-full checks the name the client dialled (127.0.0.1) against the certificate's subject alternative names.
        Files.writeString(certs.resolve("san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        openssl(certs, "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "server.pem", "-days", "2", "-extfile", "san.ext");

        EmbeddedMariaDb.Options defaults = EmbeddedMariaDb.Options.in(dir.resolve("mariadb"));
        // The embedded defaults say --skip-ssl; the later --ssl wins.
        db = EmbeddedMariaDb.start(new EmbeddedMariaDb.Options(defaults.dataDir(), 0, defaults.binariesCache(),
                List.of("--ssl", "--ssl-cert=" + certs.resolve("server.pem"), "--ssl-key=" + certs.resolve("server.key"),
                        "--ssl-ca=" + certs.resolve("ca.pem")), Duration.ofSeconds(120)));
        byte[] random = new byte[12];
        new SecureRandom().nextBytes(random);
        tlsPassword = HexFormat.of().formatHex(random);
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE USER '" + TLS_USER + "'@'%' IDENTIFIED BY '" + tlsPassword + "' REQUIRE SSL");
            s.execute("GRANT ALL PRIVILEGES ON *.* TO '" + TLS_USER + "'@'%'");
        }
    }

    @AfterAll
    static void stop() {
        if (db != null) {
            db.close();
        }
    }

    private static Map<String, String> settings(String mode, String ca) {
        Map<String, String> p = new HashMap<>();
        p.put("bootstrap.servers", "127.0.0.1:9");
        // A short connect timeout: the pool waits that long for a connection it is refused.
        p.put(StoreConfig.DB_URL, "jdbc:mariadb://127.0.0.1:" + db.port() + "/" + EmbeddedMariaDb.DATABASE + "?connectTimeout=3000");
        p.put(StoreConfig.DB_USER, TLS_USER);
        p.put(StoreConfig.DB_PASSWORD, tlsPassword);
        p.put(StoreConfig.DB_POOL_SIZE, "1");
        p.put(StoreConfig.DB_SSL_MODE, mode);
        if (ca != null) {
            p.put(StoreConfig.DB_SSL_CA, dir.resolve("certs").resolve(ca).toString());
        }
        return p;
    }

    @Test
    void verifiedTlsConnectsEncryptedThroughThePoolTheBinlogChecksAndDebezium() throws Exception {
        Map<String, String> settings = settings("verify-full", "ca.pem");
        try (var pool = StoreClients.pool(new StoreConfig(settings)); Connection c = pool.getConnection()) {
            assertEncryptedAs(c);
        }
        BinlogConfig binlog = new BinlogConfig(settings);
        try (Connection c = new SourceDatabase(binlog).connect()) {
            assertEncryptedAs(c);
        }
        // Debezium's validation opens its own JDBC connection with database.ssl.mode and the truststore made of the CA.
        SettingsCheck.withConnector(binlog, EngineProperties.of(binlog, new TopicCatalog(binlog)));
    }

    @Test
    void withTlsOffTheRequireSslAccountIsRefusedEverywhere() {
        Map<String, String> settings = settings("disable", null);
        BinlogConfig binlog = new BinlogConfig(settings);
        SQLException direct = assertThrows(SQLException.class, () -> new SourceDatabase(binlog).connect().close());
        assertTrue(messages(direct).contains("Access denied"), messages(direct));
        // The pool keeps the server's answer to itself and reports a timeout.
        assertThrows(SQLException.class, () -> {
            try (var p = StoreClients.pool(new StoreConfig(settings)); Connection c = p.getConnection()) {
                c.isValid(1);
            }
        });
        ConfigException debezium = assertThrows(ConfigException.class,
                () -> SettingsCheck.withConnector(binlog, EngineProperties.of(binlog, new TopicCatalog(binlog))));
        assertFalse(debezium.getMessage().contains(tlsPassword), "the password is not in Debezium's complaint");
    }

    @Test
    void aCaThatDidNotSignTheServersCertificateFailsVerification() {
        Map<String, String> settings = settings("verify-ca", "other-ca.pem");
        SQLException e = assertThrows(SQLException.class, () -> new SourceDatabase(new BinlogConfig(settings)).connect().close());
        assertTrue(e.getMessage().toLowerCase().contains("certif") || e.getMessage().toLowerCase().contains("ssl"), e.getMessage());
    }

    private static String messages(Throwable t) {
        StringBuilder all = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            all.append(c.getMessage()).append(" / ");
        }
        return all.toString();
    }

    private static void assertEncryptedAs(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            try (ResultSet r = s.executeQuery("SHOW STATUS LIKE 'Ssl_cipher'")) {
                assertTrue(r.next());
                assertFalse(r.getString(2).isBlank(), "the session is not encrypted");
            }
            try (ResultSet r = s.executeQuery("SELECT CURRENT_USER()")) {
                assertTrue(r.next());
                assertEquals(TLS_USER + "@%", r.getString(1));
            }
        }
    }

    private static void openssl(Path workDir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "openssl " + args[0] + " did not finish");
        assertEquals(0, p.exitValue(), "openssl " + String.join(" ", args) + ":\n" + output);
    }
}
