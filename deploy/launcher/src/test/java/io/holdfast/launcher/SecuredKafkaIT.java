package io.holdfast.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.embedded.EmbeddedKafka;
import io.holdfast.embedded.tls.TestCertificates;
import io.holdfast.schemas.MetricSource;
import io.holdfast.schemas.VolumeHealth;
import io.holdfast.schemas.VolumeMetric;
import io.holdfast.topology.catalog.TopicCatalog;
import io.holdfast.topology.config.HoldfastConfig;
import io.holdfast.topology.testkit.KafkaTestClients;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged {@code holdfast} on a secured cluster, every certificate and password made by the test: a
 * broker with a SASL_SSL (SCRAM-SHA-512) and an SSL (client certificate required) listener. Over each,
 * {@code topics ensure} creates the topics and {@code run health} turns a volume sample the test produced
 * into a health record the test reads back, the secrets given through config providers (a file, the
 * environment) or {@code HOLDFAST_*}. A wrong password or a missing certificate ends {@code topics ensure}
 * with one line and exit 1. No password appears in any process's output or in {@code config --effective},
 * with Kafka's own logging at INFO (where clients print their configuration) and holdfast's at DEBUG.
 */
class SecuredKafkaIT {

    private static final Path LOGS = Path.of("target", "it-logs", "secured-kafka");
    private static final String USER = "holdfast-app";
    /** Not a HOLDFAST_* name: read only through the {@code ${env:...}} config provider. */
    private static final String KEYSTORE_PASSWORD_ENV = "KAFKA_CLIENT_KEYSTORE_PASSWORD";

    @TempDir
    static Path dir;

    private static TestCertificates tls;
    private static String scramPassword;
    private static EmbeddedKafka kafka;
    private static Path verboseLogging;

    @BeforeAll
    static void startSecuredBroker() throws IOException {
        tls = TestCertificates.generate(dir.resolve("tls"));
        scramPassword = TestCertificates.randomPassword();
        kafka = EmbeddedKafka.start(EmbeddedKafka.Options.in(dir.resolve("kafka")).withSecuredListeners(
                new EmbeddedKafka.SecuredListeners(tls.brokerKeyStore().path(), tls.brokerKeyStore().password(),
                        tls.trustStore().path(), tls.trustStore().password(), Map.of(USER, scramPassword))));
        verboseLogging = dir.resolve("logback-verbose.xml");
        Files.writeString(verboseLogging, """
                <configuration>
                  <appender name="STDERR" class="ch.qos.logback.core.ConsoleAppender">
                    <target>System.err</target>
                    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{30} - %msg%n</pattern></encoder>
                  </appender>
                  <logger name="io.holdfast" level="DEBUG"/>
                  <root level="INFO"><appender-ref ref="STDERR"/></root>
                </configuration>
                """);
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void saslSslScramWithTheSecretsInAFile() throws Exception {
        Path secrets = dir.resolve("kafka-secrets.properties");
        Files.writeString(secrets, "scram.password=" + scramPassword + "\ntruststore.password=" + tls.trustStore().password() + "\n");
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("config.providers", "file");
        settings.put("config.providers.file.class", "org.apache.kafka.common.config.provider.FileConfigProvider");
        settings.put("bootstrap.servers", kafka.saslSslBootstrapServers());
        settings.put("security.protocol", "SASL_SSL");
        settings.put("sasl.mechanism", "SCRAM-SHA-512");
        settings.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + USER + "\" password=\"${file:" + secrets + ":scram.password}\";");
        settings.put("ssl.truststore.type", "PKCS12");
        settings.put("ssl.truststore.location", tls.trustStore().path().toString());
        settings.put("ssl.truststore.password", "${file:" + secrets + ":truststore.password}");

        processesOneSampleEndToEnd("sasl", settings, Map.of(), tls.scramClientProperties(kafka.saslSslBootstrapServers(), USER, scramPassword),
                List.of(scramPassword, tls.trustStore().password()));
    }

    @Test
    void mutualTlsWithTheStorePasswordsFromTheEnvironment() throws Exception {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("config.providers", "env");
        settings.put("config.providers.env.class", "org.apache.kafka.common.config.provider.EnvVarConfigProvider");
        settings.put("bootstrap.servers", kafka.mutualTlsBootstrapServers());
        settings.put("security.protocol", "SSL");
        settings.put("ssl.keystore.type", "PKCS12");
        settings.put("ssl.keystore.location", tls.clientKeyStore().path().toString());
        settings.put("ssl.keystore.password", "${env:" + KEYSTORE_PASSWORD_ENV + "}");
        settings.put("ssl.key.password", "${env:" + KEYSTORE_PASSWORD_ENV + "}");
        settings.put("ssl.truststore.type", "PKCS12");
        settings.put("ssl.truststore.location", tls.trustStore().path().toString());
        // The trust store's password the other way: a HOLDFAST_* variable is a setting (ssl.truststore.password).
        Map<String, String> env = Map.of(KEYSTORE_PASSWORD_ENV, tls.clientKeyStore().password(),
                "HOLDFAST_SSL_TRUSTSTORE_PASSWORD", tls.trustStore().password());

        processesOneSampleEndToEnd("mtls", settings, env, tls.mutualTlsClientProperties(kafka.mutualTlsBootstrapServers()),
                List.of(tls.clientKeyStore().password(), tls.trustStore().password()));
    }

    @Test
    void aWrongScramPasswordOrNoClientCertificateIsOneLineAndExitOne() throws Exception {
        String wrongPassword = TestCertificates.randomPassword();
        Map<String, String> wrongScram = new LinkedHashMap<>();
        wrongScram.put("bootstrap.servers", kafka.saslSslBootstrapServers());
        wrongScram.put("security.protocol", "SASL_SSL");
        wrongScram.put("sasl.mechanism", "SCRAM-SHA-512");
        wrongScram.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + USER + "\" password=\"" + wrongPassword + "\";");
        wrongScram.put("ssl.truststore.type", "PKCS12");
        wrongScram.put("ssl.truststore.location", tls.trustStore().path().toString());
        wrongScram.put("ssl.truststore.password", tls.trustStore().password());
        String refused = failingTopicsEnsure("wrong-scram", wrongScram, List.of(wrongPassword, tls.trustStore().password()));
        assertTrue(refused.startsWith("holdfast: Kafka authentication failed: ") && refused.contains("invalid credentials")
                && refused.contains("SCRAM-SHA-512"), refused);

        Map<String, String> noCertificate = new LinkedHashMap<>();
        noCertificate.put("bootstrap.servers", kafka.mutualTlsBootstrapServers());
        noCertificate.put("security.protocol", "SSL");
        noCertificate.put("ssl.truststore.type", "PKCS12");
        noCertificate.put("ssl.truststore.location", tls.trustStore().path().toString());
        noCertificate.put("ssl.truststore.password", tls.trustStore().password());
        String handshake = failingTopicsEnsure("no-certificate", noCertificate, List.of(tls.trustStore().password()));
        // TLS 1.3 refuses the missing certificate after the handshake: "... (Received fatal alert: bad_certificate)".
        assertTrue(handshake.startsWith("holdfast: Kafka authentication failed: ") && handshake.contains("certificate"), handshake);
    }

    /**
     * {@code topics ensure}, {@code config --effective} and {@code run health} as their own processes with
     * {@code settings} in a file; a sample produced by the test with {@code testClient} must come back as a
     * health record, and none of {@code secrets} may appear in any of their output.
     */
    private static void processesOneSampleEndToEnd(String name, Map<String, String> settings, Map<String, String> env,
                                                  Map<String, Object> testClient, List<String> secrets) throws Exception {
        String prefix = "it-" + name + "-" + System.nanoTime() + ".";
        Map<String, String> all = new LinkedHashMap<>(settings);
        all.put(HoldfastConfig.TOPIC_PREFIX, prefix);
        all.put(HoldfastConfig.TOPIC_PARTITIONS, "1");
        all.put(HoldfastConfig.HTTP_PORT, "0");
        all.put("state.dir", dir.resolve(name + "-state").toString());
        all.put("commit.interval.ms", "100");
        Path config = writeProperties(name + ".properties", all);
        Map<String, String> environment = verbose(env);
        List<Path> logs = new ArrayList<>();

        try (LauncherProcess ensure = new LauncherProcess(name + "-topics-ensure", LOGS, "topics", "ensure", "--config", config.toString())
                .withEnvironment(environment).start()) {
            logs.add(ensure.log());
            assertEquals(0, ensure.awaitExit(90, TimeUnit.SECONDS), ensure.logTail());
            assertTrue(Files.readString(ensure.log()).contains("topics: "), ensure.logTail());
        }
        try (LauncherProcess effective = new LauncherProcess(name + "-config-effective", LOGS, "config", "--effective", "--config", config.toString())
                .withEnvironment(environment).start()) {
            logs.add(effective.log());
            assertEquals(0, effective.awaitExit(60, TimeUnit.SECONDS), effective.logTail());
            String dump = Files.readString(effective.log());
            assertTrue(dump.contains("security.protocol = " + settings.get("security.protocol")), dump);
            assertTrue(dump.contains("ssl.truststore.password = [hidden]"), dump);
        }

        TopicCatalog catalog = new TopicCatalog(HoldfastConfig.load(Optional.empty(), Map.of(), Map.of(HoldfastConfig.TOPIC_PREFIX, prefix)));
        String volume = name + "-volume-1";
        try (LauncherProcess health = new LauncherProcess(name + "-run-health", LOGS, "run", "health", "--config", config.toString())
                .withEnvironment(environment).start()) {
            logs.add(health.log());
            VolumeMetric sample = VolumeMetric.newBuilder().setVolumeId(volume).setPeerGroup("it-node")
                    .setEventTime(Instant.now()).setSamplePeriodMs(1_000).setReadLatencyUs(400.0)
                    .setSource(MetricSource.SIMULATOR).build();
            KafkaTestClients.produce(testClient, List.of(new ProducerRecord<>(catalog.volumeMetrics.name(), volume, sample)),
                    new StringSerializer(), catalog.volumeMetrics.valueSerde().serializer());
            List<ConsumerRecord<String, VolumeHealth>> judged = KafkaTestClients.readCommitted(testClient, catalog.volumeHealth.name(), 1,
                    Duration.ofSeconds(90), new StringDeserializer(), catalog.volumeHealth.valueSerde().deserializer());
            assertFalse(judged.isEmpty(), "no health record over " + name + "; health log:\n" + health.logTail());
            assertEquals(volume, judged.get(0).value().getVolumeId());
            assertEquals(0, health.stop(), health.logTail());
        }

        String healthLog = Files.readString(logs.get(2));
        // The search below means something only if the clients did print their configuration.
        assertTrue(healthLog.contains("StreamsConfig values:") && healthLog.contains("sasl.jaas.config = ")
                && healthLog.contains("ssl.truststore.password = [hidden]"), "no client configuration in the log");
        assertNoSecretIn(logs, secrets);
    }

    /**
     * {@code topics ensure} with the launcher's own logging must fail: exit 1, its last line {@code holdfast: ...},
     * no stack trace; returns that line.
     */
    private static String failingTopicsEnsure(String name, Map<String, String> settings, List<String> secrets) throws Exception {
        Path config = writeProperties(name + ".properties", settings);
        try (LauncherProcess ensure = new LauncherProcess(name + "-topics-ensure", LOGS, "topics", "ensure", "--config",
                config.toString(), "--timeout", "PT30S").start()) {
            assertEquals(1, ensure.awaitExit(60, TimeUnit.SECONDS), ensure.logTail());
            List<String> lines = Files.readAllLines(ensure.log(), StandardCharsets.UTF_8);
            assertFalse(lines.stream().anyMatch(l -> l.startsWith("\tat ") || l.startsWith("Caused by:")), "a stack trace:\n" + ensure.logTail());
            String last = lines.get(lines.size() - 1);
            assertTrue(last.startsWith("holdfast: "), ensure.logTail());
            assertNoSecretIn(List.of(ensure.log()), secrets);
            return last;
        }
    }

    /** The environment plus logging that shows what Kafka's clients print at INFO (their configuration). */
    private static Map<String, String> verbose(Map<String, String> env) {
        Map<String, String> all = new HashMap<>(env);
        all.put("HOLDFAST_JAVA_OPTS", "-Dlogback.configurationFile=" + verboseLogging);
        return all;
    }

    private static Path writeProperties(String fileName, Map<String, String> settings) throws IOException {
        java.util.Properties props = new java.util.Properties();
        props.putAll(settings);
        Path file = dir.resolve(fileName);
        try (var out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            props.store(out, null);
        }
        return file;
    }

    private static void assertNoSecretIn(List<Path> logs, List<String> secrets) throws IOException {
        for (Path log : logs) {
            String text = Files.readString(log);
            for (String secret : secrets) {
                assertFalse(text.contains(secret), "a secret appears in " + log);
            }
        }
    }
}
