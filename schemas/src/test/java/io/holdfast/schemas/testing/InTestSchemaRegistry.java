package io.holdfast.schemas.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.apache.avro.Schema;

/**
 * A Schema Registry for tests: the subset of the Confluent REST API that holdfast's client uses, served by
 * the JDK's HTTP(S) server on 127.0.0.1 and an ephemeral port. It counts requests per route (to prove
 * caching), can demand basic auth, and can answer the next requests with injected errors (to prove
 * retries). A real Confluent registry is not available on the build machine, hence this stand-in; the
 * routes, bodies, error codes and content type follow Confluent's API reference.
 */
public final class InTestSchemaRegistry implements AutoCloseable {

    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    public static final String REGISTER = "POST /subjects/{subject}/versions";
    public static final String LOOKUP = "POST /subjects/{subject}";
    public static final String LATEST = "GET /subjects/{subject}/versions/latest";
    public static final String BY_ID = "GET /schemas/ids/{id}";

    private static final Pattern REGISTER_PATH = Pattern.compile("/subjects/([^/]+)/versions");
    private static final Pattern LOOKUP_PATH = Pattern.compile("/subjects/([^/]+)");
    private static final Pattern LATEST_PATH = Pattern.compile("/subjects/([^/]+)/versions/latest");
    private static final Pattern BY_ID_PATH = Pattern.compile("/schemas/ids/(-?\\d+)");

    private final HttpServer server;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private final List<String> contentTypes = new CopyOnWriteArrayList<>();
    private final List<String> accepts = new CopyOnWriteArrayList<>();
    private final List<String> subjectsSeen = new CopyOnWriteArrayList<>();
    private final Deque<Integer> injectedStatuses = new ArrayDeque<>();
    private final Map<String, List<Version>> subjects = new HashMap<>();
    private final Map<Integer, Stored> byId = new HashMap<>();
    private final Map<String, Integer> idByCanonicalText = new HashMap<>();
    private volatile String expectedAuthorization;
    private volatile int rejectRegistrationStatus;
    private int nextId = 1;

    private InTestSchemaRegistry(HttpServer server) {
        this.server = server;
        server.createContext("/", this::handle);
        server.start();
    }

    /** A plain HTTP registry. */
    public static InTestSchemaRegistry http() throws IOException {
        return new InTestSchemaRegistry(HttpServer.create(loopback(), 0));
    }

    /** An HTTPS registry presenting the certificate of {@code context}, demanding a client certificate if asked. */
    public static InTestSchemaRegistry https(SSLContext context, boolean needClientAuth) throws IOException {
        HttpsServer server = HttpsServer.create(loopback(), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(context) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters parameters = getSSLContext().getDefaultSSLParameters();
                parameters.setNeedClientAuth(needClientAuth);
                params.setSSLParameters(parameters);
            }
        });
        return new InTestSchemaRegistry(server);
    }

    public String url() {
        String scheme = server instanceof HttpsServer ? "https" : "http";
        return scheme + "://127.0.0.1:" + server.getAddress().getPort();
    }

    public InTestSchemaRegistry requireBasicAuth(String user, String password) {
        expectedAuthorization = "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** The next {@code times} requests get {@code status} (after auth), whatever they ask. */
    public synchronized void failNext(int status, int times) {
        for (int i = 0; i < times; i++) {
            injectedStatuses.add(status);
        }
    }

    /** Registrations are refused with {@code status} (e.g. 409 incompatible, 422 invalid); 0 to accept again. */
    public void rejectRegistrationsWith(int status) {
        rejectRegistrationStatus = status;
    }

    /** Ids are global: the next new schema gets this id (a large one makes byte order visible). */
    public synchronized void startIdsAt(int id) {
        nextId = id;
    }

    /** Registers directly, as another producer or a CI pipeline would. */
    public synchronized int register(String subject, String schemaText) {
        return store(subject, schemaText, "AVRO");
    }

    /** Stores a non-Avro schema, as a registry shared with Protobuf users may hold. */
    public synchronized int registerOtherType(String subject, String schemaText, String schemaType) {
        return store(subject, schemaText, schemaType);
    }

    public int hits(String route) {
        AtomicInteger count = hits.get(route);
        return count == null ? 0 : count.get();
    }

    public int totalHits() {
        return hits.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    public List<String> contentTypes() {
        return List.copyOf(contentTypes);
    }

    public List<String> accepts() {
        return List.copyOf(accepts);
    }

    public List<String> subjectsSeen() {
        return List.copyOf(subjectsSeen);
    }

    /** Stops serving; closing twice is harmless, so a test may stop it early to simulate an outage. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            server.stop(0);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            String route = route(method, path);
            hits.computeIfAbsent(route, r -> new AtomicInteger()).incrementAndGet();
            accepts.add(String.valueOf(exchange.getRequestHeaders().getFirst("Accept")));
            byte[] body = readAll(exchange.getRequestBody());
            if (expectedAuthorization != null
                    && !expectedAuthorization.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"registry\"");
                error(exchange, 401, 401, "Unauthorized");
                return;
            }
            Integer injected = nextInjectedStatus();
            if (injected != null) {
                error(exchange, injected, injected * 100 + 1, "injected failure");
                return;
            }
            if (method.equals("POST")) {
                String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
                contentTypes.add(String.valueOf(contentType));
                if (!CONTENT_TYPE.equals(contentType)) {
                    error(exchange, 415, 415, "Unsupported Media Type");
                    return;
                }
            }
            answer(exchange, method, path, body);
        } finally {
            exchange.close();
        }
    }

    private synchronized void answer(HttpExchange exchange, String method, String path, byte[] body) throws IOException {
        Matcher matcher;
        if (method.equals("POST") && (matcher = REGISTER_PATH.matcher(path)).matches()) {
            String subject = subject(matcher);
            if (rejectRegistrationStatus != 0) {
                error(exchange, rejectRegistrationStatus, rejectRegistrationStatus == 409 ? 409 : 42201,
                        "Schema being registered is incompatible with an earlier schema");
                return;
            }
            int id = store(subject, schemaText(body), "AVRO");
            ok(exchange, json.createObjectNode().put("id", id));
        } else if (method.equals("GET") && (matcher = LATEST_PATH.matcher(path)).matches()) {
            List<Version> versions = subjects.get(subject(matcher));
            if (versions == null || versions.isEmpty()) {
                error(exchange, 404, 40401, "Subject not found.");
                return;
            }
            ok(exchange, versionAnswer(subject(matcher), versions.get(versions.size() - 1)));
        } else if (method.equals("POST") && (matcher = LOOKUP_PATH.matcher(path)).matches()) {
            String subject = subject(matcher);
            List<Version> versions = subjects.get(subject);
            if (versions == null) {
                error(exchange, 404, 40401, "Subject not found.");
                return;
            }
            String canonical = canonical(schemaText(body));
            for (Version version : versions) {
                if (canonical(byId.get(version.id()).text()).equals(canonical)) {
                    ok(exchange, versionAnswer(subject, version));
                    return;
                }
            }
            error(exchange, 404, 40403, "Schema not found");
        } else if (method.equals("GET") && (matcher = BY_ID_PATH.matcher(path)).matches()) {
            Stored stored = byId.get(Integer.parseInt(matcher.group(1)));
            if (stored == null) {
                error(exchange, 404, 40403, "Schema not found");
                return;
            }
            ObjectNode answer = json.createObjectNode().put("schema", stored.text());
            if (!"AVRO".equals(stored.type())) {
                answer.put("schemaType", stored.type());
            }
            ok(exchange, answer);
        } else {
            error(exchange, 404, 404, "HTTP 404 Not Found");
        }
    }

    private int store(String subject, String text, String type) {
        String canonical = "AVRO".equals(type) ? canonical(text) : type + ":" + text;
        Integer id = idByCanonicalText.get(canonical);
        if (id == null) {
            id = nextId++;
            idByCanonicalText.put(canonical, id);
            byId.put(id, new Stored(text, type));
        }
        List<Version> versions = subjects.computeIfAbsent(subject, s -> new ArrayList<>());
        for (Version version : versions) {
            if (version.id() == id) {
                return id;
            }
        }
        versions.add(new Version(versions.size() + 1, id));
        return id;
    }

    private ObjectNode versionAnswer(String subject, Version version) {
        return json.createObjectNode()
                .put("subject", subject)
                .put("version", version.version())
                .put("id", version.id())
                .put("schema", byId.get(version.id()).text());
    }

    private String subject(Matcher matcher) {
        String subject = matcher.group(1);
        subjectsSeen.add(subject);
        return subject;
    }

    private String schemaText(byte[] body) throws IOException {
        JsonNode node = json.readTree(body);
        return node.get("schema").asText();
    }

    /** Like the registry, identical schemas (whatever their whitespace) share one id. */
    private static String canonical(String text) {
        return new Schema.Parser().parse(text).toString();
    }

    private synchronized Integer nextInjectedStatus() {
        return injectedStatuses.poll();
    }

    private void ok(HttpExchange exchange, ObjectNode answer) throws IOException {
        send(exchange, 200, answer.toString());
    }

    private void error(HttpExchange exchange, int status, int errorCode, String message) throws IOException {
        send(exchange, status, json.createObjectNode().put("error_code", errorCode).put("message", message).toString());
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String route(String method, String path) {
        if (method.equals("POST") && REGISTER_PATH.matcher(path).matches()) {
            return REGISTER;
        }
        if (method.equals("GET") && LATEST_PATH.matcher(path).matches()) {
            return LATEST;
        }
        if (method.equals("POST") && LOOKUP_PATH.matcher(path).matches()) {
            return LOOKUP;
        }
        if (method.equals("GET") && BY_ID_PATH.matcher(path).matches()) {
            return BY_ID;
        }
        return method + " " + path;
    }

    private static byte[] readAll(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    private static InetSocketAddress loopback() throws IOException {
        return new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0);
    }

    private record Version(int version, int id) {
    }

    private record Stored(String text, String type) {
    }
}
