package io.holdfast.topology.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AppHttpServerTest {

    private final HttpClient client = HttpClient.newHttpClient();
    private final List<String> acted = new ArrayList<>();
    private AppHttpServer http;
    private String base;

    @BeforeEach
    void start() {
        http = AppHttpServer.start("127.0.0.1", 0);
        base = "http://127.0.0.1:" + http.port();
        http.route("/things", r -> HttpReply.json(200, "{\"path\":\"" + r.pathAfter("/things") + "\"}"));
        http.route("/rebalancing", r -> {
            throw new InvalidStateStoreException("the stream thread is PARTITIONS_ASSIGNED, not RUNNING");
        });
        http.action("/act", (r, body) -> {
            acted.add(new String(body, java.nio.charset.StandardCharsets.UTF_8));
            return HttpReply.json(200, "{\"ok\":true}");
        });
    }

    @AfterEach
    void stop() {
        http.close();
    }

    @Test
    void servesGetByLongestPrefix() throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base + "/things/a/b")).GET());
        assertEquals(200, r.statusCode());
        assertEquals("{\"path\":\"a/b\"}", r.body());
        assertEquals(404, send(HttpRequest.newBuilder(URI.create(base + "/nothing")).GET()).statusCode());
    }

    @Test
    void aStoreNotQueryableYetIs503WithRetryAfter() throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base + "/rebalancing")).GET());
        assertEquals(503, r.statusCode());
        assertEquals("1", r.headers().firstValue("Retry-After").orElse(""));
        assertTrue(r.body().contains("starting or rebalancing"), r.body());
    }

    @Test
    void postIsRefusedWhereNoActionIsRegistered() throws Exception {
        HttpResponse<String> r = send(json(base + "/things", "{}"));
        assertEquals(405, r.statusCode());
        assertTrue(acted.isEmpty());
    }

    @Test
    void anActionTakesAJsonBodyFromItsOwnOrigin() throws Exception {
        HttpResponse<String> r = send(json(base + "/act", "{\"action\":\"pause\"}").header("Origin", base));
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(List.of("{\"action\":\"pause\"}"), acted);
    }

    @Test
    void anActionRefusesOtherOriginsOtherContentAndHugeBodies() throws Exception {
        assertEquals(403, send(json(base + "/act", "{}").header("Origin", "http://evil.example")).statusCode());
        assertEquals(415, send(HttpRequest.newBuilder(URI.create(base + "/act")).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("pause"))).statusCode());
        assertEquals(413, send(json(base + "/act", "{\"reason\":\"" + "x".repeat(AppHttpServer.MAX_ACTION_BODY) + "\"}")).statusCode());
        assertTrue(acted.isEmpty(), "no refused request reached the action: " + acted);
    }

    private static HttpRequest.Builder json(String url, String body) {
        return HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
