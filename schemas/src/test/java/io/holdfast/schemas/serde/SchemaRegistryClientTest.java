package io.holdfast.schemas.serde;

import static io.holdfast.schemas.testing.InTestSchemaRegistry.BY_ID;
import static io.holdfast.schemas.testing.InTestSchemaRegistry.LATEST;
import static io.holdfast.schemas.testing.InTestSchemaRegistry.LOOKUP;
import static io.holdfast.schemas.testing.InTestSchemaRegistry.REGISTER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.holdfast.schemas.Alert;
import io.holdfast.schemas.VolumeMetric;
import io.holdfast.schemas.serde.internal.RestSchemaRegistryClient;
import io.holdfast.schemas.serde.internal.RetryPolicy;
import io.holdfast.schemas.testing.InTestSchemaRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The registry client against {@link InTestSchemaRegistry}, an in-test HTTP server implementing the subset
 * of the Confluent Schema Registry REST API the client uses. The real Confluent registry is not available
 * on this machine (its artifacts are not on the reachable repository), so compatibility with it rests on
 * following its documented API: routes, bodies, error codes and the application/vnd.schemaregistry.v1+json
 * content type.
 */
class SchemaRegistryClientTest {

    private static final String SUBJECT = "fleet.volume-metrics-value";
    private static final String SECRET = "s3cr3t-Pa55word";
    private static final Schema METRIC = VolumeMetric.getClassSchema();

    private InTestSchemaRegistry registry;
    private final List<Duration> sleeps = new ArrayList<>();
    private final List<RestSchemaRegistryClient> clients = new ArrayList<>();
    private ListAppender<ILoggingEvent> logs;

    @BeforeEach
    void start() throws IOException {
        registry = InTestSchemaRegistry.http();
        logs = new ListAppender<>();
        logs.start();
        rootLogger().addAppender(logs);
    }

    @AfterEach
    void stop() {
        clients.forEach(RestSchemaRegistryClient::close);
        registry.close();
        rootLogger().detachAppender(logs);
        for (ILoggingEvent event : logs.list) {
            assertFalse(event.getFormattedMessage().contains(SECRET), "a log line reveals a secret: " + event);
        }
    }

    @Test
    void registersOnceAndServesRepeatsFromItsCache() {
        SchemaRegistryClient client = client(Map.of());

        int id = client.register(SUBJECT, METRIC);
        assertEquals(id, client.register(SUBJECT, METRIC));
        assertEquals(1, registry.hits(REGISTER), "the second registration comes from the cache");

        assertEquals(Optional.of(METRIC), client.schemaById(id));
        assertEquals(0, registry.hits(BY_ID), "a registered schema is known by id without asking");
        assertEquals(List.of(RestSchemaRegistryClient.CONTENT_TYPE), registry.contentTypes());
        assertTrue(registry.accepts().get(0).startsWith(RestSchemaRegistryClient.CONTENT_TYPE));
    }

    @Test
    void sameSchemaUnderAnotherSubjectKeepsItsGlobalId() {
        SchemaRegistryClient client = client(Map.of());
        int id = client.register(SUBJECT, METRIC);
        assertEquals(id, client.register("other-topic-value", METRIC));
        assertEquals(2, registry.hits(REGISTER));
    }

    @Test
    void looksUpSchemasByIdOnceEach() {
        int id = registry.register(SUBJECT, METRIC.toString());
        SchemaRegistryClient client = client(Map.of());

        for (int i = 0; i < 5; i++) {
            assertEquals(Optional.of(METRIC), client.schemaById(id));
        }
        assertEquals(1, registry.hits(BY_ID));
        assertEquals(Optional.empty(), client.schemaById(id + 1000));
    }

    @Test
    void looksUpASchemaUnderItsSubject() {
        SchemaRegistryClient client = client(Map.of());
        assertEquals(Optional.empty(), client.lookup(SUBJECT, METRIC), "unknown subject");
        registry.register(SUBJECT, Alert.getClassSchema().toString());
        assertEquals(Optional.empty(), client.lookup(SUBJECT, METRIC), "known subject, schema not among its versions");

        int id = registry.register(SUBJECT, METRIC.toString());
        RegisteredSchema found = client.lookup(SUBJECT, METRIC).orElseThrow();
        assertEquals(new RegisteredSchema(SUBJECT, id, 2, METRIC), found);
        assertEquals(found, client.lookup(SUBJECT, METRIC).orElseThrow());
        assertEquals(3, registry.hits(LOOKUP), "a found schema is cached, a missing one is asked again");
    }

    @Test
    void latestVersionIsAlwaysAskedFor() {
        SchemaRegistryClient client = client(Map.of());
        assertEquals(Optional.empty(), client.latest(SUBJECT));
        registry.register(SUBJECT, Alert.getClassSchema().toString());
        int newest = registry.register(SUBJECT, METRIC.toString());

        RegisteredSchema latest = client.latest(SUBJECT).orElseThrow();
        assertEquals(newest, latest.id());
        assertEquals(2, latest.version());
        assertEquals(METRIC, latest.schema());
        client.latest(SUBJECT);
        assertEquals(3, registry.hits(LATEST));
    }

    @Test
    void subjectsArePercentEncoded() {
        client(Map.of()).register("odd+topic name-value", METRIC);
        assertEquals(List.of("odd+topic name-value"), registry.subjectsSeen());
    }

    @Test
    void retriesUnavailableThenSucceeds() {
        registry.failNext(503, 2);
        int id = client(Map.of(SchemaRegistryConfig.RETRY_BACKOFF_MS, "100")).register(SUBJECT, METRIC);

        assertTrue(id > 0);
        assertEquals(3, registry.hits(REGISTER));
        assertEquals(2, sleeps.size());
        assertBetween(50, 100, sleeps.get(0));
        assertBetween(100, 200, sleeps.get(1));
    }

    @Test
    void retriesTooManyRequests() {
        registry.failNext(429, 1);
        client(Map.of()).register(SUBJECT, METRIC);
        assertEquals(2, registry.hits(REGISTER));
        assertEquals(1, sleeps.size());
    }

    @Test
    void givesUpAfterTheConfiguredRetriesWithAClearError() {
        registry.failNext(503, 100);
        SchemaRegistryClient client = client(Map.of(SchemaRegistryConfig.RETRIES, "3",
                SchemaRegistryConfig.RETRY_BACKOFF_MS, "100", SchemaRegistryConfig.RETRY_BACKOFF_MAX_MS, "250"));

        SchemaRegistryException failure = assertThrows(SchemaRegistryException.class, () -> client.schemaById(7));

        assertEquals(4, registry.hits(BY_ID));
        assertEquals(3, sleeps.size());
        assertBetween(125, 250, sleeps.get(2));
        assertTrue(failure.retriable());
        assertEquals(503, failure.httpStatus());
        assertEquals(50301, failure.errorCode());
        assertTrue(failure.getMessage().contains("GET /schemas/ids/7 failed after 4 attempts"), failure.getMessage());
        assertTrue(failure.getMessage().contains("HTTP 503"), failure.getMessage());
    }

    @Test
    void retriesWhenNothingListensThenFails() throws IOException {
        String deadUrl = "http://127.0.0.1:" + freePort();
        SchemaRegistryClient client = client(Map.of(SchemaRegistryConfig.SCHEMA_REGISTRY_URL, deadUrl,
                SchemaRegistryConfig.RETRIES, "2"));

        SchemaRegistryException failure = assertThrows(SchemaRegistryException.class,
                () -> client.register(SUBJECT, METRIC));

        assertTrue(failure.retriable());
        assertEquals(0, failure.httpStatus());
        assertEquals(2, sleeps.size());
        assertTrue(failure.getMessage().contains("failed after 3 attempts"), failure.getMessage());
    }

    @Test
    void failsOverToTheNextRegistryUrl() throws IOException {
        String urls = "http://127.0.0.1:" + freePort() + "," + registry.url();
        int id = client(Map.of(SchemaRegistryConfig.SCHEMA_REGISTRY_URL, urls)).register(SUBJECT, METRIC);
        assertTrue(id > 0);
        assertEquals(1, sleeps.size());
    }

    @Test
    void doesNotRetryARejectedSchema() {
        registry.rejectRegistrationsWith(409);
        SchemaRegistryException failure = assertThrows(SchemaRegistryException.class,
                () -> client(Map.of()).register(SUBJECT, METRIC));
        assertFalse(failure.retriable());
        assertEquals(409, failure.httpStatus());
        assertEquals(1, registry.hits(REGISTER));
        assertTrue(sleeps.isEmpty());
        assertTrue(failure.getMessage().contains("incompatible"), failure.getMessage());
    }

    @Test
    void basicAuthIsRequiredAndSent() {
        registry.requireBasicAuth("holdfast", SECRET);

        SchemaRegistryException withoutCredentials = assertThrows(SchemaRegistryException.class,
                () -> client(Map.of()).register(SUBJECT, METRIC));
        assertEquals(401, withoutCredentials.httpStatus());
        assertFalse(withoutCredentials.retriable());
        assertTrue(withoutCredentials.getMessage().contains(SchemaRegistryConfig.BASIC_AUTH_USER_INFO));

        SchemaRegistryException wrongPassword = assertThrows(SchemaRegistryException.class,
                () -> client(credentials("holdfast:wrong-" + SECRET)).register(SUBJECT, METRIC));
        assertEquals(401, wrongPassword.httpStatus());
        assertFalse(wrongPassword.getMessage().contains(SECRET));

        assertTrue(client(credentials("holdfast:" + SECRET)).register(SUBJECT, METRIC) > 0);
        assertTrue(sleeps.isEmpty(), "authentication failures are not retried");
    }

    @Test
    void secretsNeverAppearInDescriptionsOrErrors() {
        Map<String, Object> config = new HashMap<>(credentials("holdfast:" + SECRET));
        config.put(SchemaRegistryConfig.SSL_TRUSTSTORE_PASSWORD, SECRET);
        config.put(SchemaRegistryConfig.SSL_KEYSTORE_PASSWORD, SECRET);
        config.put(SchemaRegistryConfig.SSL_KEY_PASSWORD, SECRET);

        SchemaRegistryConfig parsed = new SchemaRegistryConfig(config);
        assertFalse(parsed.toString().contains(SECRET), parsed.toString());
        assertTrue(parsed.toString().contains("[hidden]"));
        assertFalse(client(credentials("holdfast:" + SECRET)).toString().contains(SECRET));

        ConfigException badUserInfo = assertThrows(ConfigException.class,
                () -> new SchemaRegistryConfig(Map.of(SchemaRegistryConfig.BASIC_AUTH_USER_INFO, SECRET)));
        assertFalse(badUserInfo.getMessage().contains(SECRET), badUserInfo.getMessage());

        ConfigException credentialsInUrl = assertThrows(ConfigException.class, () -> new SchemaRegistryConfig(
                Map.of(SchemaRegistryConfig.SCHEMA_REGISTRY_URL, "http://holdfast:" + SECRET + "@127.0.0.1:1")));
        assertFalse(credentialsInUrl.getMessage().contains(SECRET), credentialsInUrl.getMessage());
        assertTrue(credentialsInUrl.getMessage().contains(SchemaRegistryConfig.BASIC_AUTH_USER_INFO));
    }

    @Test
    void aNonAvroSchemaIsNotMistakenForOne() {
        int id = registry.registerOtherType("proto-value", "syntax = \"proto3\"; message M {}", "PROTOBUF");
        SchemaParseException failure = assertThrows(SchemaParseException.class, () -> client(Map.of()).schemaById(id));
        assertTrue(failure.getMessage().contains("PROTOBUF"), failure.getMessage());
    }

    @Test
    void backoffDoublesUpToItsCeilingWithBoundedJitter() {
        RetryPolicy policy = new RetryPolicy(10, Duration.ofMillis(100), Duration.ofMillis(1000), d -> { });
        assertEquals(List.of(100L, 200L, 400L, 800L, 1000L, 1000L),
                List.of(policy.ceilingMs(0), policy.ceilingMs(1), policy.ceilingMs(2), policy.ceilingMs(3),
                        policy.ceilingMs(4), policy.ceilingMs(60)));
        for (int retry = 0; retry < 8; retry++) {
            for (int draw = 0; draw < 50; draw++) {
                assertBetween(policy.ceilingMs(retry) / 2, policy.ceilingMs(retry), policy.backoff(retry));
            }
        }
    }

    private RestSchemaRegistryClient client(Map<String, ?> overrides) {
        Map<String, Object> config = new HashMap<>();
        config.put(SchemaRegistryConfig.SCHEMA_REGISTRY_URL, registry.url());
        config.putAll(overrides);
        SchemaRegistryConfig parsed = new SchemaRegistryConfig(config);
        RestSchemaRegistryClient client = new RestSchemaRegistryClient(parsed, RetryPolicy.from(parsed, sleeps::add));
        clients.add(client);
        return client;
    }

    private static Map<String, Object> credentials(String userInfo) {
        return Map.of(SchemaRegistryConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO",
                SchemaRegistryConfig.BASIC_AUTH_USER_INFO, userInfo);
    }

    private static void assertBetween(long lowMs, long highMs, Duration actual) {
        assertTrue(actual.toMillis() >= lowMs && actual.toMillis() <= highMs,
                "expected " + lowMs + ".." + highMs + " ms, was " + actual.toMillis());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }

    private static Logger rootLogger() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }
}
