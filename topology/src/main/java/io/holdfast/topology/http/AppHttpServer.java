package io.holdfast.topology.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP face of one process: probes, metrics, topology and read-only state queries, on the JDK's
 * built-in server (no framework to start or secure). Routes are matched by longest path prefix.
 * Only GET is served: operator actions go through the {@code control} topic, never through here.
 */
public final class AppHttpServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AppHttpServer.class);

    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<String, Function<HttpRequest, HttpReply>> routes =
            new ConcurrentSkipListMap<>(Comparator.comparingInt(String::length).reversed().thenComparing(Comparator.naturalOrder()));

    private AppHttpServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

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

    public int port() {
        return server.getAddress().getPort();
    }

    public String bindAddress() {
        return server.getAddress().getAddress().getHostAddress();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            HttpReply reply;
            if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
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

    private HttpReply dispatch(HttpRequest request) {
        for (Map.Entry<String, Function<HttpRequest, HttpReply>> route : routes.entrySet()) {
            String prefix = route.getKey();
            if (request.path().equals(prefix) || request.path().startsWith(prefix.endsWith("/") ? prefix : prefix + "/")) {
                try {
                    return route.getValue().apply(request);
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
