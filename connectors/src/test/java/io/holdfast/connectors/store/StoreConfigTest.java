package io.holdfast.connectors.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.connectors.binlog.BinlogConfig;
import io.holdfast.connectors.binlog.internal.EngineProperties;
import io.holdfast.topology.catalog.TopicCatalog;
import java.io.FileInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** Which S3 credentials and which database TLS the store settings give, without a server. */
class StoreConfigTest {

    private static final String URL = "jdbc:mariadb://db.example:3306/holdfast";

    private static StoreConfig store(Map<String, String> settings) {
        Map<String, String> p = new HashMap<>(Map.of(StoreConfig.DB_URL, URL));
        p.putAll(settings);
        return new StoreConfig(p);
    }

    @Test
    void bothKeysAreUsedAsTheyAre() {
        StoreConfig config = store(Map.of(StoreConfig.S3_ACCESS_KEY_ID, "AKIDEXAMPLE", StoreConfig.S3_SECRET_ACCESS_KEY, "wJalr-example"));
        var provider = StoreClients.s3Credentials(config);
        assertInstanceOf(StaticCredentialsProvider.class, provider);
        AwsCredentials credentials = provider.resolveCredentials();
        assertEquals("AKIDEXAMPLE", credentials.accessKeyId());
        assertEquals("wJalr-example", credentials.secretAccessKey());
    }

    @Test
    void noKeysUseTheDefaultChain() {
        var provider = StoreClients.s3Credentials(store(Map.of()));
        var chain = assertInstanceOf(StoreClients.DefaultChain.class, provider);
        assertTrue(chain.chain().toString().contains("DefaultCredentialsProvider"), chain.toString());
    }

    @Test
    void oneKeyAloneIsAOneLineError() {
        ConfigException onlyId = assertThrows(ConfigException.class, () -> store(Map.of(StoreConfig.S3_ACCESS_KEY_ID, "AKIDEXAMPLE")));
        assertTrue(onlyId.getMessage().contains("only " + StoreConfig.S3_ACCESS_KEY_ID + " is set"), onlyId.getMessage());
        ConfigException onlySecret = assertThrows(ConfigException.class,
                () -> store(Map.of(StoreConfig.S3_SECRET_ACCESS_KEY, "wJalr-example")));
        assertTrue(onlySecret.getMessage().contains("only " + StoreConfig.S3_SECRET_ACCESS_KEY + " is set"), onlySecret.getMessage());
        assertFalse(onlySecret.getMessage().contains("wJalr-example"), "the secret is not in the message");
        assertFalse(onlySecret.getMessage().contains("\n"));
    }

    @Test
    void databaseTlsIsOffUnlessAskedAndEveryModeReachesConnectorJ() {
        assertEquals(Map.of("sslMode", "disable"), store(Map.of()).dbTls().jdbcOptions());
        DbTls full = store(Map.of(StoreConfig.DB_SSL_MODE, "verify-full")).dbTls();
        assertEquals(DbTls.Mode.VERIFY_FULL, full.mode());
        assertEquals(URL + "?sslMode=verify-full", full.withJdbcOptions(URL));
        assertEquals(URL + "?connectTimeout=5&sslMode=trust",
                store(Map.of(StoreConfig.DB_SSL_MODE, "trust")).dbTls().withJdbcOptions(URL + "?connectTimeout=5"));
    }

    @Test
    void badTlsSettingsAreOneLineErrors(@TempDir Path dir) {
        ConfigException badMode = assertThrows(ConfigException.class, () -> store(Map.of(StoreConfig.DB_SSL_MODE, "required")));
        assertEquals("Invalid value required for configuration holdfast.db.ssl.mode: String must be one of: disable, trust, "
                + "verify-ca, verify-full", badMode.getMessage());
        ConfigException noFile = assertThrows(ConfigException.class, () -> store(Map.of(StoreConfig.DB_SSL_MODE, "verify-ca",
                StoreConfig.DB_SSL_CA, dir.resolve("missing.pem").toString())));
        assertTrue(noFile.getMessage().contains("no readable file there"), noFile.getMessage());
        ConfigException caWithoutVerify = assertThrows(ConfigException.class, () -> store(Map.of(StoreConfig.DB_SSL_MODE, "trust",
                StoreConfig.DB_SSL_CA, dir.toString())));
        assertTrue(caWithoutVerify.getMessage().contains("checks no certificate"), caWithoutVerify.getMessage());
        ConfigException twoPlaces = assertThrows(ConfigException.class, () -> store(Map.of(
                StoreConfig.DB_URL, URL + "?sslMode=disable", StoreConfig.DB_SSL_MODE, "verify-full")));
        assertTrue(twoPlaces.getMessage().contains("give it in one place"), twoPlaces.getMessage());
    }

    @Test
    void aModeInTheUrlStillCountsAndIsNotRepeated() {
        String embedded = URL + "?sslMode=disable";
        DbTls tls = store(Map.of(StoreConfig.DB_URL, embedded)).dbTls();
        assertEquals(DbTls.Mode.DISABLE, tls.mode());
        assertEquals(embedded, tls.withJdbcOptions(embedded));
        assertEquals(DbTls.Mode.DISABLE, store(Map.of(StoreConfig.DB_URL, URL + "?useSSL=false")).dbTls().mode());
        assertEquals(DbTls.Mode.VERIFY_CA, store(Map.of(StoreConfig.DB_URL, URL + "?sslMode=verify-ca",
                StoreConfig.DB_SSL_MODE, "verify-ca")).dbTls().mode(), "the same mode in both places is fine");
    }

    @Test
    void debeziumGetsTheSameModeInItsConnectorsWordsAndTheCaAsATruststore(@TempDir Path dir) throws Exception {
        Path ca = dir.resolve("ca.pem");
        X509Certificate someCa = anyTrustedCa();
        Files.writeString(ca, "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(someCa.getEncoded())
                + "\n-----END CERTIFICATE-----\n");
        Map<String, String> settings = new HashMap<>(Map.of("bootstrap.servers", "127.0.0.1:9", StoreConfig.DB_URL, URL,
                StoreConfig.DB_SSL_MODE, "verify-full", StoreConfig.DB_SSL_CA, ca.toString()));
        BinlogConfig mariadb = new BinlogConfig(settings);
        Properties p = EngineProperties.of(mariadb, new TopicCatalog(mariadb));
        assertEquals("verify-full", p.getProperty("database.ssl.mode"));
        KeyStore truststore = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(p.getProperty("database.ssl.truststore"))) {
            truststore.load(in, p.getProperty("database.ssl.truststore.password").toCharArray());
        }
        assertEquals(someCa, truststore.getCertificate("holdfast-db-ca-0"));

        settings.put(BinlogConfig.CONNECTOR, "mysql");
        settings.put(StoreConfig.DB_SSL_MODE, "verify-ca");
        BinlogConfig mysql = new BinlogConfig(settings);
        assertEquals("verify_ca", EngineProperties.of(mysql, new TopicCatalog(mysql)).getProperty("database.ssl.mode"));
        settings.remove(StoreConfig.DB_SSL_CA);
        settings.put(StoreConfig.DB_SSL_MODE, "disable");
        BinlogConfig plain = new BinlogConfig(settings);
        Properties plainProps = EngineProperties.of(plain, new TopicCatalog(plain));
        assertEquals("disabled", plainProps.getProperty("database.ssl.mode"));
        assertFalse(plainProps.containsKey("database.ssl.truststore"));
    }

    private static X509Certificate anyTrustedCa() throws Exception {
        KeyStore cacerts = KeyStore.getInstance(KeyStore.getDefaultType());
        try (FileInputStream in = new FileInputStream(Path.of(System.getProperty("java.home"), "lib", "security", "cacerts").toFile())) {
            cacerts.load(in, null);
        }
        return (X509Certificate) cacerts.getCertificate(cacerts.aliases().nextElement());
    }
}
