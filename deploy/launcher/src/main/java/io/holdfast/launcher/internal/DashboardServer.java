package io.holdfast.launcher.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.holdfast.schemas.ControlAction;
import io.holdfast.schemas.Scope;
import io.holdfast.schemas.Scopes;
import io.holdfast.topology.http.AppHttpServer;
import io.holdfast.topology.http.HttpReply;
import io.holdfast.topology.http.HttpRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The dev dashboard on the dev process's HTTP server: the page and its assets (bundled, nothing
 * fetched from elsewhere), {@code /api/overview} ({@link DevOverview}) and {@code POST /api/control},
 * which writes an operator instruction to the {@code control} topic like {@code holdfast control}
 * does; the page then sees it take effect through the apps.
 *
 * <p>{@code POST /api/control} needs the server's operator token; the page carries it (a {@code meta} element),
 * so the dashboard's buttons work. Other origins cannot read the page (no CORS), and the page is served only
 * to requests naming a loopback host, so a DNS-rebinding page (its own host name resolved to 127.0.0.1) gets
 * no token either.
 */
public final class DashboardServer {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ASSETS = "/io/holdfast/launcher/dashboard/";
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8", "png", "image/png", "svg", "image/svg+xml");
    private static final Set<String> ASSET_NAMES = Set.of("app.js", "style.css");

    private final DevOverview overview;
    private final ControlWriter control;

    private DashboardServer(DevOverview overview, ControlWriter control) {
        this.overview = overview;
        this.control = control;
    }

    /**
     * Adds the dashboard's routes to {@code http}; {@code control} writes the instructions (the caller closes it).
     * {@code operatorToken} is the one {@code http} checks actions against; the page hands it to its script.
     */
    public static void serve(AppHttpServer http, DevOverview overview, ControlWriter control, String operatorToken) {
        DashboardServer dashboard = new DashboardServer(overview, control);
        HttpReply page = pageWithToken(operatorToken);
        http.route("/", r -> {
            if (!r.path().equals("/") && !r.path().equals("/index.html")) {
                return HttpReply.text(404, "no such page: " + r.path() + "\n");
            }
            return isLoopbackHost(r.header("Host").orElse("")) ? page
                    : HttpReply.text(403, "the dashboard answers to http://127.0.0.1:<port>/ or http://localhost:<port>/ only\n");
        });
        http.route("/dashboard", r -> {
            String name = r.pathAfter("/dashboard");
            return ASSET_NAMES.contains(name) ? asset(name) : HttpReply.text(404, "no such asset: " + name + "\n");
        });
        http.route("/api/overview", r -> HttpReply.json(200, overview.json()));
        http.action("/api/control", dashboard::control);
    }

    private HttpReply control(HttpRequest request, byte[] body) {
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (IOException e) {
            return error(400, "the body is not JSON");
        }
        if (json == null || !json.isObject()) {
            return error(400, "send {\"action\": ..., \"shard\": ..., \"reason\": ...}");
        }
        try {
            ControlAction action = ControlWriter.action(json.path("action").asText(""));
            String shard = json.path("shard").isTextual() && !json.path("shard").asText().isBlank() ? json.path("shard").asText() : null;
            Scope scope = shard == null ? Scopes.global() : ControlWriter.shardScope(shard);
            String reason = json.path("reason").asText("").isBlank() ? "from the dashboard" : json.path("reason").asText();
            if (reason.length() > 500) {
                return error(400, "the reason is longer than 500 characters");
            }
            ControlWriter.Written written = control.write(action, scope, null, "dashboard", reason, null);
            Map<String, Object> reply = new LinkedHashMap<>();
            reply.put("request_id", written.command().getRequestId());
            reply.put("key", written.key());
            reply.put("action", action.name());
            return HttpReply.json(200, JSON.writeValueAsString(reply));
        } catch (Failures.UserError e) {
            return error(400, e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final String TOKEN_PLACEHOLDER = "<meta name=\"holdfast-operator-token\" content=\"\">";

    static HttpReply pageWithToken(String token) {
        HttpReply page = asset("index.html");
        String html = new String(page.body(), java.nio.charset.StandardCharsets.UTF_8);
        if (!html.contains(TOKEN_PLACEHOLDER)) {
            throw new IllegalStateException("the dashboard page has no operator token placeholder");
        }
        String attribute = token.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
        html = html.replace(TOKEN_PLACEHOLDER, "<meta name=\"holdfast-operator-token\" content=\"" + attribute + "\">");
        return new HttpReply(page.status(), page.contentType(), html.getBytes(java.nio.charset.StandardCharsets.UTF_8), page.headers());
    }

    /** {@code Host} names 127.0.0.1, localhost or [::1] (any port). */
    static boolean isLoopbackHost(String host) {
        String name = host.startsWith("[") ? host.substring(0, host.indexOf(']') + 1)
                : host.contains(":") ? host.substring(0, host.indexOf(':')) : host;
        return name.equals("127.0.0.1") || name.equalsIgnoreCase("localhost") || name.equals("[::1]");
    }

    private static HttpReply error(int status, String message) {
        try {
            return HttpReply.json(status, JSON.writeValueAsString(Map.of("error", message)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static HttpReply asset(String name) {
        try (InputStream in = DashboardServer.class.getResourceAsStream(ASSETS + name)) {
            if (in == null) {
                throw new IllegalStateException("the dashboard asset " + name + " is missing from the distribution");
            }
            String type = TYPES.getOrDefault(name.substring(name.lastIndexOf('.') + 1), "application/octet-stream");
            return new HttpReply(200, type, in.readAllBytes(), Map.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
