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

    /** Adds the dashboard's routes to {@code http}; {@code control} writes the instructions (the caller closes it). */
    public static void serve(AppHttpServer http, DevOverview overview, ControlWriter control) {
        DashboardServer dashboard = new DashboardServer(overview, control);
        HttpReply page = asset("index.html");
        http.route("/", r -> r.path().equals("/") || r.path().equals("/index.html") ? page
                : HttpReply.text(404, "no such page: " + r.path() + "\n"));
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
