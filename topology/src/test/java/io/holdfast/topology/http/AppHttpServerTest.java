package io.holdfast.topology.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.topology.config.HoldfastConfig;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AppHttpServerTest {

    private static final String TOKEN = "operator-token-for-this-test";

    private final HttpClient client = HttpClient.newHttpClient();
    private final List<String> acted = new ArrayList<>();
    private AppHttpServer http;
    private String base;

    @BeforeEach
    void start() {
        http = AppHttpServer.start("127.0.0.1", 0).operatorToken(TOKEN);
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
        HttpResponse<String> r = send(json(base + "/act", "{\"action\":\"pause\"}").header("Origin", base)
                .header("Authorization", "Bearer " + TOKEN));
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(List.of("{\"action\":\"pause\"}"), acted);
    }

    @Test
    void anActionRefusesOtherOriginsOtherContentAndHugeBodies() throws Exception {
        assertEquals(403, send(authorized(json(base + "/act", "{}")).header("Origin", "http://evil.example")).statusCode());
        assertEquals(415, send(authorized(HttpRequest.newBuilder(URI.create(base + "/act"))).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("pause"))).statusCode());
        assertEquals(413, send(authorized(json(base + "/act", "{\"reason\":\"" + "x".repeat(AppHttpServer.MAX_ACTION_BODY) + "\"}")))
                .statusCode());
        assertTrue(acted.isEmpty(), "no refused request reached the action: " + acted);
    }

    @Test
    void anActionWithoutTheBearerTokenIs401AndWithAWrongOne403() throws Exception {
        HttpResponse<String> none = send(json(base + "/act", "{}"));
        assertEquals(401, none.statusCode(), none.body());
        assertEquals("Bearer realm=\"holdfast\"", none.headers().firstValue("WWW-Authenticate").orElse(""));
        assertEquals(401, send(json(base + "/act", "{}").header("Authorization", "Basic b3A6b3A=")).statusCode());
        HttpResponse<String> wrong = send(json(base + "/act", "{}").header("Authorization", "Bearer " + TOKEN + "x"));
        assertEquals(403, wrong.statusCode());
        assertTrue(wrong.body().contains("wrong operator token"), wrong.body());
        assertEquals(403, send(json(base + "/act", "{}").header("Authorization", "Bearer " + TOKEN.substring(1))).statusCode());
        assertTrue(acted.isEmpty(), "no unauthorized request reached the action: " + acted);
    }

    @Test
    void withoutAConfiguredTokenActionsAreDisabled() throws Exception {
        try (AppHttpServer unguarded = AppHttpServer.start(new HoldfastConfig(Map.of(HoldfastConfig.HTTP_PORT, "0")))) {
            unguarded.action("/act", (r, body) -> {
                acted.add("reached");
                return HttpReply.json(200, "{}");
            });
            HttpResponse<String> r = send(json("http://127.0.0.1:" + unguarded.port() + "/act", "{}")
                    .header("Authorization", "Bearer anything"));
            assertEquals(403, r.statusCode());
            assertTrue(r.body().contains("operator actions are disabled here: no holdfast.http.operator.token is configured"), r.body());
        }
        assertTrue(acted.isEmpty());
    }

    @Test
    void theConfiguredTokenAndBindAddressAreUsed() throws Exception {
        // 127.0.0.2 is loopback too on Linux, but a different address: a server bound there is not on 127.0.0.1.
        try (AppHttpServer configured = AppHttpServer.start(new HoldfastConfig(Map.of(HoldfastConfig.HTTP_PORT, "0",
                HoldfastConfig.HTTP_BIND_ADDRESS, "127.0.0.2", HoldfastConfig.HTTP_OPERATOR_TOKEN, "from-config")))) {
            configured.route("/live", r -> HttpReply.text(200, "live\n"));
            configured.action("/act", (r, body) -> HttpReply.json(200, "{\"ok\":true}"));
            assertEquals("127.0.0.2", configured.bindAddress());
            String there = "http://127.0.0.2:" + configured.port();
            assertEquals(200, send(HttpRequest.newBuilder(URI.create(there + "/live")).GET()).statusCode());
            assertThrows(java.net.ConnectException.class, () -> send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + configured.port() + "/live")).GET()), "not listening on 127.0.0.1");
            assertEquals(200, send(json(there + "/act", "{}").header("Authorization", "Bearer from-config")).statusCode());
            assertEquals(403, send(json(there + "/act", "{}").header("Authorization", "Bearer " + TOKEN)).statusCode());
        }
    }

    private static HttpRequest.Builder authorized(HttpRequest.Builder request) {
        return request.header("Authorization", "Bearer " + TOKEN);
    }

    private static HttpRequest.Builder json(String url, String body) {
        return HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
