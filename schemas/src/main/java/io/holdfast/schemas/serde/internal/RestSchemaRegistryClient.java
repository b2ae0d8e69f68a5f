package io.holdfast.schemas.serde.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.holdfast.schemas.serde.RegisteredSchema;
import io.holdfast.schemas.serde.SchemaRegistryClient;
import io.holdfast.schemas.serde.SchemaRegistryConfig;
import io.holdfast.schemas.serde.SchemaRegistryException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.InterruptException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link SchemaRegistryClient} over {@link HttpClient} and Jackson, speaking the Confluent REST API. */
public final class RestSchemaRegistryClient implements SchemaRegistryClient {

    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final String ACCEPT =
            "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; qs=0.9, application/json; qs=0.5";
    /** Answers are a schema or a few ids; anything this large is not a registry talking. */
    private static final int MAX_RESPONSE_BYTES = 8 * 1024 * 1024;
    private static final int HTTP_OK = 200;
    private static final int HTTP_NOT_FOUND = 404;
    private static final int HTTP_TOO_MANY_REQUESTS = 429;

    private static final Logger LOG = LoggerFactory.getLogger(RestSchemaRegistryClient.class);

    private final List<URI> baseUrls;
    private final AtomicInteger currentUrl = new AtomicInteger();
    private final HttpClient http;
    private final Optional<String> authorization;
    private final Duration requestTimeout;
    private final RetryPolicy retryPolicy;
    private final ObjectMapper json = new ObjectMapper();

    private final ConcurrentMap<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final ConcurrentMap<SubjectSchema, Integer> registeredIds = new ConcurrentHashMap<>();
    private final ConcurrentMap<SubjectSchema, RegisteredSchema> lookups = new ConcurrentHashMap<>();

    public RestSchemaRegistryClient(SchemaRegistryConfig config) {
        this(config, RetryPolicy.from(config));
    }

    public RestSchemaRegistryClient(SchemaRegistryConfig config, RetryPolicy retryPolicy) {
        this.baseUrls = List.copyOf(config.urls());
        if (baseUrls.isEmpty()) {
            throw new ConfigException(
                    SchemaRegistryConfig.SCHEMA_REGISTRY_URL + " must name at least one registry URL");
        }
        this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
        this.requestTimeout = Duration.ofMillis(config.getLong(SchemaRegistryConfig.REQUEST_TIMEOUT_MS));
        this.authorization = config.basicAuthUserInfo().map(userInfo -> "Basic "
                + Base64.getEncoder().encodeToString(userInfo.value().getBytes(StandardCharsets.UTF_8)));
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofMillis(config.getLong(SchemaRegistryConfig.CONNECT_TIMEOUT_MS)));
        Optional<SSLContext> ssl = RegistrySsl.contextFor(config);
        ssl.ifPresent(builder::sslContext);
        this.http = builder.build();
    }

    @Override
    public int register(String subject, Schema schema) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        Integer cached = registeredIds.get(key);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = send("POST", "/subjects/" + pathSegment(subject) + "/versions", schemaBody(schema), false);
        int id = requiredInt(answer, "id", "POST /subjects/{subject}/versions");
        schemasById.putIfAbsent(id, schema);
        registeredIds.put(key, id);
        LOG.info("Schema {} is registered under subject {} with id {}", schema.getFullName(), subject, id);
        return id;
    }

    @Override
    public Optional<RegisteredSchema> lookup(String subject, Schema schema) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        RegisteredSchema cached = lookups.get(key);
        if (cached != null) {
            return Optional.of(cached);
        }
        JsonNode answer = send("POST", "/subjects/" + pathSegment(subject), schemaBody(schema), true);
        if (answer == null) {
            return Optional.empty();
        }
        RegisteredSchema found = registeredSchema(subject, answer, schema, "POST /subjects/{subject}");
        lookups.put(key, found);
        registeredIds.putIfAbsent(key, found.id());
        return Optional.of(found);
    }

    @Override
    public Optional<RegisteredSchema> latest(String subject) {
        JsonNode answer = send("GET", "/subjects/" + pathSegment(subject) + "/versions/latest", null, true);
        if (answer == null) {
            return Optional.empty();
        }
        return Optional.of(registeredSchema(subject, answer, null, "GET /subjects/{subject}/versions/latest"));
    }

    @Override
    public Optional<Schema> schemaById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return Optional.of(cached);
        }
        JsonNode answer = send("GET", "/schemas/ids/" + id, null, true);
        if (answer == null) {
            return Optional.empty();
        }
        Schema schema = parseSchema(answer, "schema id " + id);
        Schema previous = schemasById.putIfAbsent(id, schema);
        return Optional.of(previous != null ? previous : schema);
    }

    @Override
    public void close() {
        // HttpClient is AutoCloseable from Java 21 on; on 17 its threads end once it is unreachable.
        if (http instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.debug("Closing the schema registry HTTP client failed", e);
            }
        }
    }

    @Override
    public String toString() {
        return "RestSchemaRegistryClient" + baseUrls + (authorization.isPresent() ? " with basic auth" : "");
    }

    private RegisteredSchema registeredSchema(String subject, JsonNode answer, Schema known, String call) {
        int id = requiredInt(answer, "id", call);
        int version = requiredInt(answer, "version", call);
        Schema schema = known != null ? known : parseSchema(answer, "subject " + subject + " version " + version);
        schemasById.putIfAbsent(id, schema);
        return new RegisteredSchema(subject, id, version, schema);
    }

    private Schema parseSchema(JsonNode answer, String what) {
        JsonNode type = answer.get("schemaType");
        if (type != null && !type.isNull() && !"AVRO".equals(type.asText())) {
            throw new SchemaParseException(what + " is a " + type.asText() + " schema, not Avro");
        }
        JsonNode text = answer.get("schema");
        if (text == null || !text.isTextual()) {
            throw new SchemaRegistryException("The registry's answer for " + what + " has no schema", HTTP_OK, 0,
                    false, null);
        }
        // Another team's writer schema only has to be readable, so a default the strict parser would
        // reject must not make its records undecodable.
        return new Schema.Parser().setValidateDefaults(false).parse(text.asText());
    }

    private String schemaBody(Schema schema) {
        return json.createObjectNode().put("schema", schema.toString()).toString();
    }

    /**
     * Sends one request, retrying transient failures. Returns the parsed 200 answer, or null for a 404 when
     * {@code notFoundIsAnswer}.
     */
    private JsonNode send(String method, String path, String body, boolean notFoundIsAnswer) {
        String failure = null;
        Throwable lastCause = null;
        int lastStatus = 0;
        int lastErrorCode = 0;
        for (int attempt = 0; ; attempt++) {
            URI base = baseUrls.get(Math.floorMod(currentUrl.get(), baseUrls.size()));
            String call = method + " " + base + path;
            try {
                HttpResponse<InputStream> response = http.send(request(method, base, path, body),
                        HttpResponse.BodyHandlers.ofInputStream());
                int status = response.statusCode();
                byte[] content = readLimited(response.body(), call);
                if (status == HTTP_OK) {
                    return parseJson(content, call);
                }
                if (status == HTTP_NOT_FOUND && notFoundIsAnswer) {
                    return null;
                }
                RegistryError error = RegistryError.parse(json, content);
                if (!isRetriable(status)) {
                    throw new SchemaRegistryException(call + " failed: HTTP " + status + describe(error) + hint(status),
                            status, error.code(), false, null);
                }
                failure = "HTTP " + status + describe(error);
                lastStatus = status;
                lastErrorCode = error.code();
                lastCause = null;
            } catch (IOException e) {
                if (causedBySsl(e)) {
                    throw new SchemaRegistryException(call + " failed: TLS handshake or certificate problem: "
                            + e.getMessage(), 0, 0, false, e);
                }
                failure = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
                lastStatus = 0;
                lastErrorCode = 0;
                lastCause = e;
            } catch (InterruptedException e) {
                throw new InterruptException("Interrupted during " + call, e);
            }
            if (attempt >= retryPolicy.maxRetries()) {
                throw new SchemaRegistryException(method + " " + path + " failed after " + (attempt + 1)
                        + " attempts against " + baseUrls + "; last: " + failure, lastStatus, lastErrorCode, true,
                        lastCause);
            }
            // With several registry URLs, the next attempt goes to the next one.
            currentUrl.incrementAndGet();
            Duration backoff = retryPolicy.backoff(attempt);
            LOG.warn("{} failed ({}); retry {} of {} in {} ms", call, failure, attempt + 1, retryPolicy.maxRetries(),
                    backoff.toMillis());
            try {
                retryPolicy.sleep(backoff);
            } catch (InterruptedException e) {
                throw new InterruptException("Interrupted while waiting to retry " + call, e);
            }
        }
    }

    private HttpRequest request(String method, URI base, String path, String body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(requestTimeout)
                .header("Accept", ACCEPT);
        authorization.ifPresent(value -> builder.header("Authorization", value));
        if (body == null) {
            builder.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            builder.header("Content-Type", CONTENT_TYPE)
                    .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        }
        return builder.build();
    }

    private JsonNode parseJson(byte[] content, String call) {
        try {
            return json.readTree(content);
        } catch (IOException e) {
            throw new SchemaRegistryException(call + " answered 200 with a body that is not JSON", HTTP_OK, 0, false, e);
        }
    }

    private static byte[] readLimited(InputStream body, String call) throws IOException {
        try (InputStream in = body) {
            byte[] content = in.readNBytes(MAX_RESPONSE_BYTES + 1);
            if (content.length > MAX_RESPONSE_BYTES) {
                throw new SchemaRegistryException(call + " answered with more than " + MAX_RESPONSE_BYTES
                        + " bytes; that is not a schema registry answer", 0, 0, false, null);
            }
            return content;
        }
    }

    private static int requiredInt(JsonNode answer, String field, String call) {
        JsonNode value = answer == null ? null : answer.get(field);
        if (value == null || !value.canConvertToInt()) {
            throw new SchemaRegistryException("The registry's answer to " + call + " has no integer '" + field + "'",
                    HTTP_OK, 0, false, null);
        }
        return value.intValue();
    }

    private static boolean isRetriable(int status) {
        return status == HTTP_TOO_MANY_REQUESTS || status >= 500;
    }

    private static boolean causedBySsl(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SSLException) {
                return true;
            }
        }
        return false;
    }

    private static String describe(RegistryError error) {
        if (error.code() == 0 && error.message().isEmpty()) {
            return "";
        }
        return " (error_code " + error.code() + (error.message().isEmpty() ? "" : ": " + error.message()) + ")";
    }

    private static String hint(int status) {
        if (status == 401) {
            return "; check " + SchemaRegistryConfig.BASIC_AUTH_USER_INFO;
        }
        if (status == 403) {
            return "; the credentials lack permission for this call";
        }
        return "";
    }

    /** Percent-encodes a subject for use as one path segment (topic names may hold characters like '+'). */
    static String pathSegment(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xFF);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                out.append(c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xF, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
            }
        }
        return out.toString();
    }

    private record SubjectSchema(String subject, Schema schema) {
    }

    /** The registry's error body: {@code {"error_code": 40401, "message": "Subject not found"}}. */
    private record RegistryError(int code, String message) {

        static RegistryError parse(ObjectMapper json, byte[] content) {
            try {
                JsonNode node = json.readTree(content);
                if (node != null && node.isObject()) {
                    return new RegistryError(node.path("error_code").asInt(0), node.path("message").asText(""));
                }
            } catch (IOException e) {
                // Not a registry error body (e.g. a proxy's HTML page): the status says enough.
            }
            return new RegistryError(0, "");
        }
    }
}
