package io.holdfast.topology.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HoldfastConfigTest {

    @Test
    void documentedDefaultsApplyWhenNothingIsGiven() {
        HoldfastConfig config = HoldfastConfig.load(Optional.empty(), Map.of(), Map.of());
        assertEquals("", config.topicPrefix());
        assertEquals(6, config.getInt(HoldfastConfig.TOPIC_PARTITIONS));
        assertEquals((short) -1, config.getShort(HoldfastConfig.TOPIC_REPLICATION_FACTOR));
        assertEquals("127.0.0.1", config.getString(HoldfastConfig.HTTP_BIND_ADDRESS));
        assertEquals(8080, config.getInt(HoldfastConfig.HTTP_PORT));
        for (var key : HoldfastConfig.baseDefinition().configKeys().values()) {
            assertFalse(key.documentation == null || key.documentation.isBlank(), key.name + " has no documentation");
        }
    }

    @Test
    void fileThenEnvironmentThenOverrides(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("holdfast.properties");
        Files.writeString(file, """
                holdfast.topic.prefix=file.
                holdfast.http.port=9001
                holdfast.topic.partitions=3
                bootstrap.servers=file:9092
                """);
        Map<String, String> env = Map.of(
                "HOLDFAST_HTTP_PORT", "9002",
                "HOLDFAST_BOOTSTRAP_SERVERS", "env:9092",
                "HOLDFAST_SCHEMA_REGISTRY_URL", "http://registry:8081",
                "HOLDFAST_HOME", "/opt/holdfast",
                "PATH", "/usr/bin");
        HoldfastConfig config = HoldfastConfig.load(Optional.of(file), env, Map.of("holdfast.topic.partitions", "12"));

        assertEquals("file.", config.topicPrefix(), "file value kept where nothing overrides it");
        assertEquals(9002, config.getInt(HoldfastConfig.HTTP_PORT), "environment beats the file");
        assertEquals(12, config.getInt(HoldfastConfig.TOPIC_PARTITIONS), "overrides beat everything");
        assertEquals("env:9092", config.kafkaProperties().get("bootstrap.servers"));
        assertEquals("http://registry:8081", config.kafkaProperties().get("schema.registry.url"));
        assertFalse(config.kafkaProperties().containsKey("home"), "launcher variables are not settings");
        assertFalse(config.kafkaProperties().containsKey("path"));
    }

    @Test
    void environmentNamesMapToKeys() {
        var def = HoldfastConfig.baseDefinition();
        assertEquals("holdfast.http.bind.address", ConfigSources.keyForEnvironmentName("HOLDFAST_HTTP_BIND_ADDRESS", def));
        assertEquals("holdfast.topic.prefix", ConfigSources.keyForEnvironmentName("HOLDFAST_HOLDFAST_TOPIC_PREFIX", def));
        assertEquals("sasl.jaas.config", ConfigSources.keyForEnvironmentName("HOLDFAST_SASL_JAAS_CONFIG", def));
        assertEquals("some_key.x", ConfigSources.keyForEnvironmentName("HOLDFAST_SOME__KEY_X", def));
    }

    @Test
    void badValueIsRefusedInOneLineNamingKeyValueAndWhatIsAllowed() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> HoldfastConfig.load(Optional.empty(), Map.of(), Map.of("holdfast.http.port", "70000")));
        assertTrue(e.getMessage().contains("holdfast.http.port"), e.getMessage());
        assertTrue(e.getMessage().contains("70000"), e.getMessage());
        assertTrue(e.getMessage().contains("65535"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());

        ConfigException notANumber = assertThrows(ConfigException.class,
                () -> HoldfastConfig.load(Optional.empty(), Map.of(), Map.of("holdfast.topic.partitions", "many")));
        assertTrue(notANumber.getMessage().contains("many") && notANumber.getMessage().contains("holdfast.topic.partitions"));

        ConfigException rf = assertThrows(ConfigException.class,
                () -> HoldfastConfig.load(Optional.empty(), Map.of(), Map.of("holdfast.topic.replication.factor", "0")));
        assertTrue(rf.getMessage().contains("-1 (broker default) or at least 1"), rf.getMessage());
    }

    @Test
    void unknownHoldfastKeyIsRefusedAsALikelyTypo() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> HoldfastConfig.load(Optional.empty(), Map.of(), Map.of("holdfast.http.prot", "1")));
        assertEquals("Unknown configuration holdfast.http.prot (holdfast keys are listed by `holdfast config --list`)", e.getMessage());
    }

    @Test
    void missingFileIsAOneLineError(@TempDir Path dir) {
        ConfigException e = assertThrows(ConfigException.class,
                () -> HoldfastConfig.load(Optional.of(dir.resolve("absent.properties")), Map.of(), Map.of()));
        assertTrue(e.getMessage().endsWith("absent.properties does not exist"), e.getMessage());
    }

    @Test
    void dumpMasksEverySecret() {
        HoldfastConfig config = HoldfastConfig.load(Optional.empty(), Map.of("HOLDFAST_SSL_KEYSTORE_PASSWORD", "ks-secret-1"), Map.of(
                "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"jaas-secret-2\";",
                "basic.auth.user.info", "user:registry-secret-3",
                "schema.registry.basic.auth.user.info", "user:registry-secret-4",
                "aws.secret.access.key", "aws-secret-5",
                "holdfast.topic.prefix", "visible."));
        String dump = config.maskedDump() + config;
        for (String secret : new String[] {"ks-secret-1", "jaas-secret-2", "registry-secret-3", "registry-secret-4", "aws-secret-5"}) {
            assertFalse(dump.contains(secret), "secret leaked into the dump: " + secret);
        }
        assertTrue(dump.contains("holdfast.topic.prefix = visible."));
        assertTrue(dump.contains("sasl.jaas.config = [hidden]"));
    }

    @Test
    void configProvidersResolveForKafkaAndTheDumpShowsOnlyTheReference(@TempDir Path dir) throws IOException {
        Path secrets = dir.resolve("secrets.properties");
        Files.writeString(secrets, "scram.password=provider-secret-6\nrack=rack-from-file\n");
        Map<String, String> settings = withProviders(Map.of(
                "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" "
                        + "password=\"${file:" + secrets + ":scram.password}\";",
                "client.rack", "${file:" + secrets + ":rack}",
                "client.id", "${env:PATH}"));
        HoldfastConfig config = HoldfastConfig.load(Optional.empty(), Map.of(), settings);

        Map<String, Object> kafka = config.kafkaProperties();
        assertTrue(String.valueOf(kafka.get("sasl.jaas.config")).contains("password=\"provider-secret-6\";"), "clients get the resolved secret");
        assertEquals("rack-from-file", kafka.get("client.rack"));
        assertEquals(System.getenv("PATH"), kafka.get("client.id"), "the env provider reads the process environment");

        String dump = config.maskedDump() + config;
        assertFalse(dump.contains("provider-secret-6"), dump);
        assertFalse(dump.contains("rack-from-file"), "a value behind a provider is shown as its reference: " + dump);
        assertTrue(dump.contains("client.rack = ${file:" + secrets + ":rack}"), dump);
        assertTrue(dump.contains("sasl.jaas.config = [hidden]"), dump);
    }

    @Test
    void aMissingSecretsFileIsAOneLineError(@TempDir Path dir) {
        Map<String, String> settings = withProviders(Map.of("ssl.keystore.password", "${file:" + dir.resolve("absent") + ":ks}"));
        ConfigException e = assertThrows(ConfigException.class, () -> HoldfastConfig.load(Optional.empty(), Map.of(), settings));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().contains("absent"), e.getMessage());
    }

    @Test
    void aReferenceThatDoesNotResolveIsAOneLineError(@TempDir Path dir) throws IOException {
        Path secrets = dir.resolve("secrets.properties");
        Files.writeString(secrets, "scram.password=provider-secret-9\n");
        ConfigException missingKey = assertThrows(ConfigException.class, () -> HoldfastConfig.load(Optional.empty(), Map.of(),
                withProviders(Map.of("ssl.key.password", "${file:" + secrets + ":scram.pasword}"))));
        assertEquals("ssl.key.password: ${file:" + secrets + ":scram.pasword} did not resolve: config provider 'file' has no value "
                + "'scram.pasword' in " + secrets, missingKey.getMessage());

        ConfigException unsetVariable = assertThrows(ConfigException.class, () -> HoldfastConfig.load(Optional.empty(), Map.of(),
                withProviders(Map.of("ssl.key.password", "${env:HOLDFAST_TEST_SURELY_UNSET_VARIABLE}"))));
        assertTrue(unsetVariable.getMessage().startsWith("ssl.key.password: ${env:HOLDFAST_TEST_SURELY_UNSET_VARIABLE} did not resolve"),
                unsetVariable.getMessage());

        ConfigException undeclared = assertThrows(ConfigException.class, () -> HoldfastConfig.load(Optional.empty(), Map.of(),
                Map.of("ssl.key.password", "${file:" + secrets + ":scram.password}")));
        assertTrue(undeclared.getMessage().contains("names config provider 'file', which config.providers does not declare"),
                undeclared.getMessage());
        assertFalse(undeclared.getMessage().contains("provider-secret-9"));
    }

    /**
     * Kafka's {@code org.apache.kafka.automatic.config.providers} system property, when an operator sets it
     * (holdfast does not), restricts which provider classes a config may name; unset, every one is allowed.
     */
    @Test
    void theAutomaticConfigProvidersPropertyRestrictsProviders(@TempDir Path dir) throws IOException {
        Path secrets = dir.resolve("secrets.properties");
        Files.writeString(secrets, "ks=from-file\n");
        Map<String, String> settings = withProviders(Map.of("ssl.keystore.password", "${file:" + secrets + ":ks}"));
        String property = "org.apache.kafka.automatic.config.providers";
        String before = System.getProperty(property);
        try {
            System.setProperty(property, "org.apache.kafka.common.config.provider.FileConfigProvider");
            ConfigException refused = assertThrows(ConfigException.class, () -> HoldfastConfig.load(Optional.empty(), Map.of(), settings));
            assertTrue(refused.getMessage().contains("EnvVarConfigProvider is not allowed"), refused.getMessage());

            System.setProperty(property, "org.apache.kafka.common.config.provider.FileConfigProvider,"
                    + "org.apache.kafka.common.config.provider.EnvVarConfigProvider");
            assertEquals("from-file", HoldfastConfig.load(Optional.empty(), Map.of(), settings).kafkaProperties().get("ssl.keystore.password"));
        } finally {
            if (before == null) {
                System.clearProperty(property);
            } else {
                System.setProperty(property, before);
            }
        }
    }

    private static Map<String, String> withProviders(Map<String, String> settings) {
        Map<String, String> all = new java.util.HashMap<>(settings);
        all.put("config.providers", "file,env");
        all.put("config.providers.file.class", "org.apache.kafka.common.config.provider.FileConfigProvider");
        all.put("config.providers.env.class", "org.apache.kafka.common.config.provider.EnvVarConfigProvider");
        return all;
    }
}
