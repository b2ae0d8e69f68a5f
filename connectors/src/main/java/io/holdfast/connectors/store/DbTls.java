package io.holdfast.connectors.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * TLS to the metadata database ({@value StoreConfig#DB_SSL_MODE}, {@value StoreConfig#DB_SSL_CA}), rendered
 * for each client that connects: MariaDB Connector/J's options (the pools, the binlog source's checks) and
 * Debezium's {@code database.ssl.*} properties (its own JDBC connection and its binlog reader).
 *
 * <p>The embedded stack's URL carries {@code sslMode=disable} and older settings files may carry TLS options
 * in {@value StoreConfig#DB_URL}: they still count, as the mode, but giving a different mode in both places is
 * refused, so there is one answer to "is this connection encrypted".
 */
public record DbTls(Mode mode, Optional<Path> ca, boolean modeInUrl) {

    /** The four modes, named as MariaDB Connector/J's {@code sslMode} and Debezium's MariaDB connector name them. */
    public enum Mode {
        DISABLE("disable"), TRUST("trust"), VERIFY_CA("verify-ca"), VERIFY_FULL("verify-full");

        private final String setting;

        Mode(String setting) {
            this.setting = setting;
        }

        public String setting() {
            return setting;
        }

        public boolean verifiesCertificate() {
            return this == VERIFY_CA || this == VERIFY_FULL;
        }

        static Optional<Mode> of(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT).replace('_', '-');
            for (Mode m : values()) {
                if (m.setting.equals(v)) {
                    return Optional.of(m);
                }
            }
            // Connector/J's own aliases and the MySQL spellings people bring along in a URL.
            return switch (v) {
                case "disabled" -> Optional.of(DISABLE);
                case "verify-identity" -> Optional.of(VERIFY_FULL);
                default -> Optional.empty();
            };
        }

        public static ConfigDef.Validator validator() {
            return ConfigDef.ValidString.in("disable", "trust", "verify-ca", "verify-full");
        }
    }

    /** The configured TLS; a contradiction or an unreadable CA file is a one-line {@link ConfigException}. */
    public static DbTls of(AbstractConfig config) {
        String url = config.getString(StoreConfig.DB_URL);
        Mode setting = Mode.of(config.getString(StoreConfig.DB_SSL_MODE)).orElseThrow();
        Optional<Mode> inUrl = modeInUrl(url);
        if (inUrl.isPresent() && config.originals().containsKey(StoreConfig.DB_SSL_MODE) && inUrl.get() != setting) {
            throw new ConfigException(StoreConfig.DB_URL + " asks for TLS mode " + inUrl.get().setting() + " but "
                    + StoreConfig.DB_SSL_MODE + " is " + setting.setting() + ": give it in one place ("
                    + StoreConfig.DB_SSL_MODE + ")");
        }
        Mode mode = inUrl.orElse(setting);
        String caSetting = config.getString(StoreConfig.DB_SSL_CA).trim();
        Optional<Path> ca = Optional.empty();
        if (!caSetting.isEmpty()) {
            if (!mode.verifiesCertificate()) {
                // A CA with trust or disable verifies nothing: most likely the mode was meant to be verify-*.
                throw new ConfigException(StoreConfig.DB_SSL_CA + " is set but " + StoreConfig.DB_SSL_MODE + " is "
                        + mode.setting() + ", which checks no certificate: use verify-ca or verify-full");
            }
            Path file = Path.of(caSetting);
            if (!Files.isReadable(file)) {
                throw new ConfigException(StoreConfig.DB_SSL_CA, caSetting, "no readable file there");
            }
            ca = Optional.of(file.toAbsolutePath());
        }
        return new DbTls(mode, ca, inUrl.isPresent());
    }

    /** The TLS mode a JDBC URL's own options ask for ({@code sslMode=...}, {@code useSSL=false}), if any. */
    static Optional<Mode> modeInUrl(String url) {
        int q = url.indexOf('?');
        if (q < 0) {
            return Optional.empty();
        }
        for (String option : url.substring(q + 1).split("&")) {
            int eq = option.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String name = option.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String value = option.substring(eq + 1).trim();
            if (name.equals("sslmode")) {
                return Optional.of(Mode.of(value).orElseThrow(() -> new ConfigException(StoreConfig.DB_URL, url,
                        "sslMode=" + value + " is not one of disable, trust, verify-ca, verify-full")));
            }
            if (name.equals("usessl") && value.equalsIgnoreCase("false")) {
                return Optional.of(Mode.DISABLE);
            }
        }
        return Optional.empty();
    }

    /**
     * MariaDB Connector/J options to add to a connection: {@code sslMode} and, for the verifying modes,
     * {@code serverSslCert} (Connector/J reads a PEM file path there). Nothing when the URL says it itself.
     */
    public Map<String, String> jdbcOptions() {
        Map<String, String> options = new LinkedHashMap<>();
        if (modeInUrl) {
            return options;
        }
        options.put("sslMode", mode.setting());
        ca.ifPresent(file -> options.put("serverSslCert", file.toString()));
        return options;
    }

    /** {@code url} with {@link #jdbcOptions()} appended. */
    public String withJdbcOptions(String url) {
        StringBuilder full = new StringBuilder(url);
        char sep = url.contains("?") ? '&' : '?';
        for (Map.Entry<String, String> option : jdbcOptions().entrySet()) {
            full.append(sep).append(option.getKey()).append('=').append(option.getValue());
            sep = '&';
        }
        return full.toString();
    }

    /**
     * Debezium's {@code database.ssl.truststore} and its password for the CA file, empty without one: Debezium's
     * binlog reader and JDBC connection take a keystore, not PEM. The PKCS#12 file is written to {@code workDir}
     * with a password made here: it protects only public certificates.
     */
    public Map<String, String> debeziumTruststore(Path workDir) {
        Map<String, String> p = new LinkedHashMap<>();
        if (ca.isPresent()) {
            String password = HexFormat.of().formatHex(randomBytes());
            Path truststore = workDir.resolve(TRUSTSTORE_FILE);
            writeTruststore(ca.get(), truststore, password.toCharArray());
            p.put("database.ssl.truststore", truststore.toString());
            p.put("database.ssl.truststore.password", password);
        }
        return p;
    }

    public static final String TRUSTSTORE_FILE = "holdfast-db-truststore.p12";

    private static byte[] randomBytes() {
        byte[] b = new byte[16];
        new SecureRandom().nextBytes(b);
        return b;
    }

    static void writeTruststore(Path pem, Path target, char[] password) {
        try (InputStream in = Files.newInputStream(pem)) {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new ConfigException(StoreConfig.DB_SSL_CA, pem.toString(), "no PEM certificate in the file");
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            int i = 0;
            for (Certificate c : certificates) {
                store.setCertificateEntry("holdfast-db-ca-" + i++, c);
            }
            Files.createDirectories(target.getParent());
            Files.deleteIfExists(target);
            Files.createFile(target, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (OutputStream out = Files.newOutputStream(target)) {
                store.store(out, password);
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException(StoreConfig.DB_SSL_CA, pem.toString(), "cannot read its certificates: " + e.getMessage());
        }
    }
}
