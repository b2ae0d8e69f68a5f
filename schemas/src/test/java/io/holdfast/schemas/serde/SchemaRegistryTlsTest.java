package io.holdfast.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.schemas.VolumeMetric;
import io.holdfast.schemas.serde.internal.RestSchemaRegistryClient;
import io.holdfast.schemas.serde.internal.RetryPolicy;
import io.holdfast.schemas.testing.InTestSchemaRegistry;
import io.holdfast.schemas.testing.TestCertificates;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry client over TLS, against an in-test HTTPS registry whose certificates keytool generates for
 * this run (the real Confluent registry is not available on this machine). Hostname verification stays on:
 * the server certificate names 127.0.0.1.
 */
class SchemaRegistryTlsTest {

    private static final String STORE_PASSWORD = "tls-St0re-secret";
    private static final String SUBJECT = "commands.fleet-value";

    @TempDir
    static Path certificateDir;

    private static TestCertificates certificates;
    private static InTestSchemaRegistry serverAuthOnly;
    private static InTestSchemaRegistry mutualTls;

    private final List<Duration> sleeps = new ArrayList<>();

    @BeforeAll
    static void startRegistries() throws Exception {
        certificates = TestCertificates.generate(certificateDir, STORE_PASSWORD);
        serverAuthOnly = InTestSchemaRegistry.https(certificates.serverContext(), false);
        mutualTls = InTestSchemaRegistry.https(certificates.serverContext(), true);
    }

    @AfterAll
    static void stopRegistries() {
        serverAuthOnly.close();
        mutualTls.close();
    }

    @Test
    void talksToARegistryItsTrustStoreVouchesFor() {
        RestSchemaRegistryClient client = client(serverAuthOnly, trustingServer());
        try {
            int id = client.register(SUBJECT, VolumeMetric.getClassSchema());
            assertEquals(VolumeMetric.getClassSchema(), client.schemaById(id).orElseThrow());
        } finally {
            client.close();
        }
    }

    @Test
    void refusesAnUntrustedCertificateWithoutRetrying() {
        RestSchemaRegistryClient client = client(serverAuthOnly, Map.of());
        try {
            SchemaRegistryException failure = assertThrows(SchemaRegistryException.class,
                    () -> client.register(SUBJECT, VolumeMetric.getClassSchema()));
            assertFalse(failure.retriable());
            assertTrue(failure.getMessage().contains("TLS"), failure.getMessage());
            assertTrue(sleeps.isEmpty(), "a certificate problem does not heal by retrying");
        } finally {
            client.close();
        }
    }

    @Test
    void presentsItsClientCertificateForMutualTls() {
        Map<String, Object> config = new HashMap<>(trustingServer());
        config.put(SchemaRegistryConfig.SSL_KEYSTORE_LOCATION, certificates.clientKeystore.toString());
        config.put(SchemaRegistryConfig.SSL_KEYSTORE_PASSWORD, STORE_PASSWORD);
        RestSchemaRegistryClient client = client(mutualTls, config);
        try {
            assertTrue(client.register(SUBJECT, VolumeMetric.getClassSchema()) > 0);
        } finally {
            client.close();
        }
    }

    @Test
    void withoutAClientCertificateMutualTlsFails() {
        RestSchemaRegistryClient client = client(mutualTls, trustingServer());
        int hitsBefore = mutualTls.totalHits();
        try {
            assertThrows(SchemaRegistryException.class, () -> client.register(SUBJECT, VolumeMetric.getClassSchema()));
            assertEquals(hitsBefore, mutualTls.totalHits(), "no request got through");
        } finally {
            client.close();
        }
    }

    @Test
    void aWrongStorePasswordIsAConfigErrorThatKeepsThePasswordSecret() {
        Map<String, Object> config = new HashMap<>(trustingServer());
        config.put(SchemaRegistryConfig.SSL_TRUSTSTORE_PASSWORD, "not-" + STORE_PASSWORD);
        ConfigException failure = assertThrows(ConfigException.class, () -> client(serverAuthOnly, config));
        assertTrue(failure.getMessage().contains(SchemaRegistryConfig.SSL_TRUSTSTORE_LOCATION), failure.getMessage());
        assertFalse(failure.getMessage().contains(STORE_PASSWORD), failure.getMessage());
    }

    private Map<String, Object> trustingServer() {
        return Map.of(SchemaRegistryConfig.SSL_TRUSTSTORE_LOCATION, certificates.clientTruststore.toString(),
                SchemaRegistryConfig.SSL_TRUSTSTORE_PASSWORD, STORE_PASSWORD,
                SchemaRegistryConfig.SSL_TRUSTSTORE_TYPE, "PKCS12");
    }

    private RestSchemaRegistryClient client(InTestSchemaRegistry registry, Map<String, Object> overrides) {
        Map<String, Object> config = new HashMap<>(overrides);
        config.put(SchemaRegistryConfig.SCHEMA_REGISTRY_URL, registry.url());
        config.put(SchemaRegistryConfig.RETRIES, "2");
        SchemaRegistryConfig parsed = new SchemaRegistryConfig(config);
        return new RestSchemaRegistryClient(parsed, RetryPolicy.from(parsed, sleeps::add));
    }
}
