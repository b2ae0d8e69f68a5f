package io.holdfast.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.connectors.binlog.BinlogConfig;
import io.holdfast.connectors.store.EntityStoreSchema;
import io.holdfast.connectors.store.StoreConfig;
import io.holdfast.embedded.EmbeddedKafka;
import io.holdfast.embedded.EmbeddedMariaDb;
import io.holdfast.embedded.junit.EmbeddedStackExtension;
import io.holdfast.embedded.tls.TestCertificates;
import io.holdfast.schemas.MetricSource;
import io.holdfast.schemas.VolumeHealth;
import io.holdfast.schemas.VolumeMetric;
import io.holdfast.topology.catalog.TopicCatalog;
import io.holdfast.topology.catalog.TopicEnsurer;
import io.holdfast.topology.config.HoldfastConfig;
import io.holdfast.topology.testkit.KafkaTestClients;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged {@code holdfast} on a secured cluster, every certificate and password made by the test: a
 * broker with a SASL_SSL (SCRAM-SHA-512) and an SSL (client certificate required) listener. Over each,
 * {@code topics ensure} creates the topics and {@code run health} turns a volume sample the test produced
 * into a health record the test reads back, the secrets given through config providers (a file, the
 * environment) or {@code HOLDFAST_*}; {@code connect binlog} copies a row of the shared MariaDB over SASL_SSL
 * with Debezium's own Kafka clients. A wrong password or a missing certificate ends {@code topics ensure}
 * with one line and exit 1. No password appears in any process's output or in {@code config --effective},
 * with Kafka's own logging at INFO (where clients print their configuration) and holdfast's at DEBUG.
 */
@ExtendWith(EmbeddedStackExtension.class)
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
        Map<String, String> settings = saslSslSettings(writeSecrets("kafka-secrets.properties"));
        processesOneSampleEndToEnd("sasl", settings, Map.of(), tls.scramClientProperties(kafka.saslSslBootstrapServers(), USER, scramPassword),
                List.of(scramPassword, tls.trustStore().password()));
    }

    /** The SCRAM and trust store passwords in a properties file, as an operator would mount a secret. */
    private static Path writeSecrets(String fileName) throws IOException {
        Path secrets = dir.resolve(fileName);
        Files.writeString(secrets, "scram.password=" + scramPassword + "\ntruststore.password=" + tls.trustStore().password() + "\n");
        return secrets;
    }

    /** SASL_SSL with SCRAM-SHA-512, every secret a {@code ${file:...}} reference to {@code secrets}. */
    private static Map<String, String> saslSslSettings(Path secrets) {
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
        return settings;
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

    /**
     * {@code connect binlog} over SASL_SSL: Debezium's offset store and schema history are Kafka clients of their
     * own, configured by holdfast under Debezium's keys. A row of the shared MariaDB reaches its CDC topic through
     * the copy, and the offsets and the schema history are written, all on the secured listener.
     */
    @Test
    void theBinlogSourceAndDebeziumsOwnClientsOverSaslSsl(EmbeddedMariaDb db) throws Exception {
        String suffix = Long.toString(System.nanoTime() % 1_000_000_000L, 36);
        String database = "it_secured_" + suffix;
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE IF NOT EXISTS " + database);
        }
        String entity = "secured-entity-" + suffix;
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(database), db.user(), db.password())) {
            EntityStoreSchema.ensure(c);
            try (PreparedStatement ps = c.prepareStatement(EntityStoreSchema.INSERT_REVISION)) {
                ps.setString(1, entity);
                ps.setLong(2, 1);
                ps.setString(3, "sha256:" + "0".repeat(64));
                ps.setString(4, EntityStoreSchema.objectKey("snapshots/", entity, 1));
                ps.setLong(5, 1000);
                ps.setTimestamp(6, Timestamp.from(Instant.now()));
                ps.executeUpdate();
            }
        }
        String prefix = "it-binlog-" + suffix + ".";
        Map<String, String> settings = saslSslSettings(writeSecrets("binlog-secrets.properties"));
        settings.put(HoldfastConfig.TOPIC_PREFIX, prefix);
        settings.put(HoldfastConfig.TOPIC_PARTITIONS, "1");
        settings.put(HoldfastConfig.HTTP_PORT, "0");
        settings.put(HoldfastConfig.CDC_DATABASE, database);
        settings.put(StoreConfig.DB_URL, db.jdbcUrl(database));
        settings.put(StoreConfig.DB_USER, db.user());
        settings.put(StoreConfig.DB_PASSWORD, db.password());
        settings.put(BinlogConfig.SERVER_ID, Integer.toString(7100 + (int) (System.nanoTime() % 800)));
        settings.put(BinlogConfig.OFFSET_FLUSH_INTERVAL_MS, "200");
        Path config = writeProperties("binlog.properties", settings);
        Map<String, Object> testClient = tls.scramClientProperties(kafka.saslSslBootstrapServers(), USER, scramPassword);
        TopicCatalog catalog = new TopicCatalog(HoldfastConfig.load(Optional.empty(), Map.of(),
                Map.of(HoldfastConfig.TOPIC_PREFIX, prefix, HoldfastConfig.CDC_DATABASE, database)));
        try (Admin admin = Admin.create(testClient)) {
            new TopicEnsurer(admin, Duration.ofSeconds(30)).ensure(catalog.all());
        }

        Path log;
        try (LauncherProcess binlog = new LauncherProcess("binlog-connect", LOGS, "connect", "binlog", "--config", config.toString())
                .withEnvironment(verbose(Map.of())).start()) {
            log = binlog.log();
            StringDeserializer strings = new StringDeserializer();
            List<ConsumerRecord<String, String>> copied = KafkaTestClients.readCommitted(testClient, catalog.cdcRevisions.name(), 1,
                    Duration.ofSeconds(90), strings, strings);
            assertFalse(copied.isEmpty(), "the row was not copied over SASL_SSL; binlog log:\n" + binlog.logTail());
            assertTrue(copied.get(0).value().contains(entity), copied.get(0).value());
            assertFalse(KafkaTestClients.readCommitted(testClient, catalog.binlogOffsets.name(), 1, Duration.ofSeconds(30), strings, strings)
                    .isEmpty(), "no offsets stored by Debezium's offset store");
            assertFalse(KafkaTestClients.readCommitted(testClient, catalog.binlogSchemaHistory.name(), 1, Duration.ofSeconds(30), strings,
                    strings).isEmpty(), "no schema history stored by Debezium");
            binlog.stop();
        }
        assertTrue(Files.readString(log).contains("sasl.jaas.config = [hidden]"), "no client configuration in the log");
        assertNoSecretIn(List.of(log), List.of(scramPassword, tls.trustStore().password()));
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
