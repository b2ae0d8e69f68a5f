package io.holdfast.topology.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiFunction;
import java.util.function.Function;
import io.holdfast.topology.config.HoldfastConfig;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP face of one process: probes, metrics, topology and read-only state queries, on the JDK's
 * built-in server (no framework to start or secure). Routes are matched by longest path prefix.
 * GET is served by {@link #route}. POST only where a process registers an {@link #action} (the dev
 * dashboard, whose actions write operator instructions to the {@code control} topic: state is never
 * changed through HTTP itself); elsewhere a POST is refused. An action also needs the operator token
 * ({@value HoldfastConfig#HTTP_OPERATOR_TOKEN}) as {@code Authorization: Bearer}: without a token configured,
 * actions are refused too, so a server is read-only unless someone chose otherwise.
 */
public final class AppHttpServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AppHttpServer.class);

    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<String, Function<HttpRequest, HttpReply>> routes =
            new ConcurrentSkipListMap<>(Comparator.comparingInt(String::length).reversed().thenComparing(Comparator.naturalOrder()));
    private final Map<String, BiFunction<HttpRequest, byte[], HttpReply>> actions = new ConcurrentHashMap<>();
    /** SHA-256 of the operator token; null while none is configured (actions refused). */
    private volatile byte[] operatorTokenDigest;

    private AppHttpServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** On {@value HoldfastConfig#HTTP_BIND_ADDRESS}:{@value HoldfastConfig#HTTP_PORT}, actions guarded by the operator token. */
    public static AppHttpServer start(HoldfastConfig config) {
        return start(config.getString(HoldfastConfig.HTTP_BIND_ADDRESS), config.getInt(HoldfastConfig.HTTP_PORT))
                .operatorToken(config.getPassword(HoldfastConfig.HTTP_OPERATOR_TOKEN).value());
    }

    /** On {@code bindAddress}:{@code port}; no operator token, so actions are refused until {@link #operatorToken} is given one. */
    public static AppHttpServer start(String bindAddress, int port) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(bindAddress, port), 64);
            ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
                Thread t = new Thread(r, "holdfast-http");
                t.setDaemon(true);
                return t;
            });
            server.setExecutor(executor);
            AppHttpServer http = new AppHttpServer(server, executor);
            server.createContext("/", http::handle);
            server.start();
            return http;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve HTTP on " + bindAddress + ":" + port + ": " + e.getMessage(), e);
        }
    }

    /** Serves GET requests whose path is {@code path} or starts with {@code path + "/"}. */
    public AppHttpServer route(String path, Function<HttpRequest, HttpReply> handler) {
        routes.put(path, handler);
        return this;
    }

    /**
     * Serves POST requests to exactly {@code path} with a JSON body of at most {@value #MAX_ACTION_BODY}
     * bytes. A browser sends a JSON POST to another origin only after a preflight this server never
     * answers, and a request naming another origin is refused, so a page elsewhere cannot act here.
     */
    public AppHttpServer action(String path, BiFunction<HttpRequest, byte[], HttpReply> handler) {
        actions.put(path, handler);
        return this;
    }

    /** The token POST actions must carry as {@code Authorization: Bearer <token>}; empty refuses every action. */
    public AppHttpServer operatorToken(String token) {
        operatorTokenDigest = token == null || token.isEmpty() ? null : sha256(token);
        return this;
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String bindAddress() {
        return server.getAddress().getAddress().getHostAddress();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            HttpReply reply;
            BiFunction<HttpRequest, byte[], HttpReply> action = actions.get(exchange.getRequestURI().getPath());
            if ("POST".equals(exchange.getRequestMethod()) && action != null) {
                reply = act(exchange, action);
            } else if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                reply = HttpReply.text(405, "read-only endpoint: operator actions go through the control topic\n")
                        .withHeader("Allow", "GET, HEAD");
            } else {
                HttpRequest request = HttpRequest.of(exchange.getRequestURI().getPath(),
                        exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders());
                reply = dispatch(request);
            }
            exchange.getResponseHeaders().set("Content-Type", reply.contentType());
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            reply.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
            boolean head = "HEAD".equals(exchange.getRequestMethod());
            exchange.sendResponseHeaders(reply.status(), head || reply.body().length == 0 ? -1 : reply.body().length);
            if (!head && reply.body().length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(reply.body());
                }
            }
        }
    }

    static final int MAX_ACTION_BODY = 16 * 1024;

    private HttpReply act(HttpExchange exchange, BiFunction<HttpRequest, byte[], HttpReply> action) throws IOException {
        HttpReply refused = authorize(exchange.getRequestHeaders().getFirst("Authorization"));
        if (refused != null) {
            return refused;
        }
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        if (contentType == null || !contentType.toLowerCase(java.util.Locale.ROOT).startsWith(HttpReply.JSON)) {
            return HttpReply.json(415, "{\"error\":\"send Content-Type: application/json\"}");
        }
        String origin = exchange.getRequestHeaders().getFirst("Origin");
        String host = exchange.getRequestHeaders().getFirst("Host");
        if (origin != null && (host == null || !origin.equals("http://" + host))) {
            return HttpReply.json(403, "{\"error\":\"requests from another origin are refused\"}");
        }
        byte[] body = exchange.getRequestBody().readNBytes(MAX_ACTION_BODY + 1);
        if (body.length > MAX_ACTION_BODY) {
            return HttpReply.json(413, "{\"error\":\"body larger than " + MAX_ACTION_BODY + " bytes\"}");
        }
        HttpRequest request = HttpRequest.of(exchange.getRequestURI().getPath(), exchange.getRequestURI().getRawQuery(),
                exchange.getRequestHeaders());
        try {
            return action.apply(request, body);
        } catch (RuntimeException e) {
            log.warn("HTTP POST {} failed", request.path(), e);
            return HttpReply.json(500, "{\"error\":\"" + e.getClass().getSimpleName() + "\"}");
        }
    }

    /** Null when {@code authorization} carries the operator token, else the refusal. */
    private HttpReply authorize(String authorization) {
        byte[] expected = operatorTokenDigest;
        if (expected == null) {
            return HttpReply.json(403, "{\"error\":\"operator actions are disabled here: no " + HoldfastConfig.HTTP_OPERATOR_TOKEN
                    + " is configured\"}");
        }
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return HttpReply.json(401, "{\"error\":\"send the operator token as Authorization: Bearer <token>\"}")
                    .withHeader("WWW-Authenticate", "Bearer realm=\"holdfast\"");
        }
        // Digests of equal length compared in constant time: the time taken tells nothing about the token.
        if (!MessageDigest.isEqual(expected, sha256(authorization.substring(BEARER.length()).trim()))) {
            log.warn("HTTP POST refused: wrong operator token");
            return HttpReply.json(403, "{\"error\":\"wrong operator token\"}");
        }
        return null;
    }

    private static final String BEARER = "Bearer ";

    private HttpReply dispatch(HttpRequest request) {
        for (Map.Entry<String, Function<HttpRequest, HttpReply>> route : routes.entrySet()) {
            String prefix = route.getKey();
            if (request.path().equals(prefix) || request.path().startsWith(prefix.endsWith("/") ? prefix : prefix + "/")) {
                try {
                    return route.getValue().apply(request);
                } catch (InvalidStateStoreException e) {
                    // Stores are not queryable while the app starts or rebalances: the caller retries.
                    return HttpReply.text(503, "state not queryable now (starting or rebalancing): " + e.getMessage() + "\n")
                            .withHeader("Retry-After", "1");
                } catch (RuntimeException e) {
                    log.warn("HTTP {} failed", request.path(), e);
                    return HttpReply.text(500, e.getClass().getSimpleName() + ": " + e.getMessage() + "\n");
                }
            }
        }
        return HttpReply.text(404, "no such endpoint: " + request.path() + "\n");
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
