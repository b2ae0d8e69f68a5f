package io.holdfast.launcher.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.holdfast.connectors.fleet.FleetSimulator;
import io.holdfast.connectors.fleet.LedgerEntry;
import io.holdfast.connectors.fleet.SplitBrainMoment;
import io.holdfast.schemas.CommandResult;
import io.holdfast.schemas.ControlCommand;
import io.holdfast.topology.control.ControlView;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The whole picture {@code holdfast dev} shows, as one JSON document ({@code /api/overview}; the page
 * and {@code holdfast status} read it): the fleet and its workflows from the health app's HTTP
 * endpoints, the reconciler's progress from its endpoints, decisions, commands, alerts and operator
 * instructions from the {@link DashboardFeed}, and the simulator's ledger. A component that does not
 * answer leaves its part empty; the rest is still shown.
 */
public final class DevOverview {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> APPS = List.of("health", "reconciler");

    private final DevSystem system;
    private final String mode;

    public DevOverview(DevSystem system, String mode) {
        this.system = system;
        this.mode = mode;
    }

    public String json() {
        try {
            return JSON.writeValueAsString(build());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    Map<String, Object> build() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("time", Instant.now().toString());
        o.put("mode", mode);
        o.put("components", components());
        o.put("automation", automation());
        o.put("fleet", fleet());
        o.put("reconciler", reconciler());
        o.put("writer", writer());
        o.put("simulator", simulator());
        o.put("commands", commands());
        o.put("alerts", alerts());
        return o;
    }

    private List<Map<String, Object>> components() {
        List<Map<String, Object>> list = new ArrayList<>();
        list.add(component("Kafka broker", system.stack().kafka().isRunning(), system.stack().kafka().bootstrapServers()));
        list.add(component("MariaDB", system.stack().mariaDb().isRunning(), system.stack().mariaDb().jdbcUrl()));
        list.add(component("S3 server", system.stack().s3().isRunning(), system.stack().s3().endpoint()));
        WritePathServices w = system.writePath();
        list.add(component("binlog source", w.binlogFailure().isEmpty(), w.binlogStatus()));
        list.add(component("S3 scanner", w.scannerFailure().isEmpty(), w.scannerStatus()));
        list.add(component("reconciler", w.reconciler().streams().state().isRunningOrRebalancing(),
                "http://127.0.0.1:" + w.reconciler().http().port() + " " + w.reconciler().streams().state()));
        list.add(component("reconcile executor", w.executorFailure().isEmpty(), ""));
        FleetServices f = system.fleet();
        list.add(component("health app", f.health().streams().state().isRunningOrRebalancing(),
                "http://127.0.0.1:" + f.health().http().port() + " " + f.health().streams().state()));
        list.add(component("fleet simulator + executor", f.simulator().failure().isEmpty(), ""));
        system.writer().ifPresent(wr -> list.add(component("revision writer", true, "")));
        return list;
    }

    private static Map<String, Object> component(String name, boolean running, String detail) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("running", running);
        m.put("detail", detail);
        return m;
    }

    // ----- automation -----

    private Map<String, Object> automation() {
        Map<String, ControlCommand> control = system.feed().control();
        long now = System.currentTimeMillis();
        Map<String, String> perApp = new LinkedHashMap<>();
        for (String app : APPS) {
            ControlView.Control c = ControlView.over(control::get, app).forScopes(now, "global");
            perApp.put(app, c.paused() ? "PAUSED" : c.dryRun() ? "DRY_RUN" : "RUNNING");
        }
        List<String> states = perApp.values().stream().distinct().toList();
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("state", states.size() == 1 ? states.get(0) : "MIXED");
        a.put("apps", perApp);
        List<Map<String, Object>> instructions = new ArrayList<>();
        control.entrySet().stream()
                .sorted(Comparator.comparing((Map.Entry<String, ControlCommand> e) -> e.getValue().getIssuedTime()).reversed())
                .forEach(e -> {
                    ControlCommand c = e.getValue();
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("key", e.getKey());
                    m.put("scope", io.holdfast.schemas.Scopes.key(c.getScope()));
                    m.put("app", c.getApp());
                    m.put("action", c.getAction().name());
                    m.put("operator", c.getOperator());
                    m.put("reason", c.getReason());
                    m.put("issued_time", c.getIssuedTime().toString());
                    m.put("expires_time", c.getExpiresTime() == null ? null : c.getExpiresTime().toString());
                    m.put("in_force", c.getExpiresTime() == null || c.getExpiresTime().toEpochMilli() > now);
                    instructions.add(m);
                });
        a.put("instructions", instructions);
        return a;
    }

    // ----- fleet -----

    private Map<String, Object> fleet() {
        FleetSimulator sim = system.fleet().simulator();
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("keyspace", sim.keyspace());
        f.put("cells", sim.cells());
        String base = "http://127.0.0.1:" + system.fleet().health().http().port();
        JsonNode volumes = get(base + "/volumes");
        JsonNode shards = get(base + "/shards");
        Map<String, JsonNode> volumeById = new HashMap<>();
        Map<String, Integer> byState = new TreeMap<>();
        if (volumes != null) {
            for (JsonNode v : volumes.path("volumes")) {
                volumeById.put(v.path("volume_id").asText(), v);
                byState.merge(v.path("state").asText("UNKNOWN"), 1, Integer::sum);
            }
        }
        f.put("volumes", byState);
        List<Map<String, Object>> shardList = new ArrayList<>();
        if (shards != null) {
            for (JsonNode s : shards.path("shards")) {
                shardList.add(shard(s, volumeById));
            }
        }
        shardList.sort(Comparator.comparing(m -> (String) m.get("shard")));
        f.put("shards", shardList);
        return f;
    }

    private Map<String, Object> shard(JsonNode s, Map<String, JsonNode> volumeById) {
        String key = s.path("shard").asText();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("shard", key);
        List<Map<String, Object>> tablets = new ArrayList<>();
        String primary = null;
        long term = 0;
        for (Iterator<JsonNode> it = s.path("tablets").elements(); it.hasNext(); ) {
            JsonNode t = it.next();
            String role = t.path("role").asText("UNKNOWN");
            if (role.equals("SPARE")) {
                continue; // retired
            }
            if (role.equals("PRIMARY") && t.path("primaryTerm").asLong() >= term) {
                primary = t.path("alias").asText();
                term = t.path("primaryTerm").asLong();
            }
            String volume = text(t, "volumeId");
            JsonNode v = volume == null ? null : volumeById.get(volume);
            Map<String, Object> tm = new LinkedHashMap<>();
            tm.put("alias", t.path("alias").asText());
            tm.put("cell", text(t, "cell"));
            tm.put("role", role);
            tm.put("serving", t.path("serving").asBoolean());
            tm.put("reachable", t.path("reachable").asBoolean(true));
            tm.put("volume", volume);
            tm.put("node", text(t, "node"));
            tm.put("health", v != null ? v.path("state").asText("UNKNOWN") : t.path("health").asText("UNKNOWN"));
            List<Double> history = volume == null ? List.of() : system.feed().latencyHistory(volume);
            tm.put("latency_ms", history.isEmpty() ? null : history.get(history.size() - 1));
            tm.put("latency_p99_ms", v == null || v.path("window_latency_p99_ms").isNull() ? null
                    : v.path("window_latency_p99_ms").asDouble());
            tm.put("latency_history_ms", history);
            tm.put("replication_lag_ms", t.path("replicationLagMs").isNumber() ? t.path("replicationLagMs").asLong() : null);
            tablets.add(tm);
        }
        m.put("primary", primary);
        m.put("primary_term", term);
        JsonNode w = s.path("workflow");
        m.put("workflow", w.isObject() ? workflow(w) : null);
        m.put("tablets", tablets);
        List<Map<String, Object>> audit = new ArrayList<>();
        for (DashboardFeed.Decision d : system.feed().decisions(key)) {
            audit.add(decision(d));
        }
        m.put("audit", audit);
        return m;
    }

    private static Map<String, Object> workflow(JsonNode w) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", text(w, "id"));
        m.put("kind", text(w, "kind"));
        m.put("phase", text(w, "phase"));
        m.put("problem", text(w, "problem"));
        m.put("attempt", w.path("attempt").asInt(1));
        m.put("degraded_tablet", text(w, "degradedTablet"));
        m.put("degraded_volume", text(w, "degradedVolume"));
        m.put("old_primary", text(w, "oldPrimary"));
        m.put("candidate", text(w, "candidate"));
        m.put("new_primary", text(w, "newPrimary"));
        m.put("replacement_volume", text(w, "replacementVolume"));
        m.put("started_time", w.path("startedMs").asLong() > 0 ? Instant.ofEpochMilli(w.path("startedMs").asLong()).toString() : null);
        m.put("command_type", text(w, "commandType"));
        return m;
    }

    private static Map<String, Object> decision(DashboardFeed.Decision d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("time", d.time().toString());
        m.put("app", d.app());
        m.put("scope", d.scope());
        m.put("decision", d.decision());
        m.put("summary", d.summary());
        m.put("command_id", d.commandId());
        m.put("dry_run", d.dryRun());
        return m;
    }

    // ----- reconciler, writer, simulator -----

    private Map<String, Object> reconciler() {
        WritePathServices w = system.writePath();
        Map<String, Object> r = new LinkedHashMap<>();
        JsonNode workflows = get("http://127.0.0.1:" + w.reconciler().http().port() + "/workflow");
        r.put("entities", workflows == null ? null : workflows.path("entities_on_this_instance").asLong());
        r.put("decisions", w.decisionCounts());
        List<Map<String, Object>> copy = new ArrayList<>();
        Map<String, Object> diff = null;
        if (workflows != null) {
            for (JsonNode wf : workflows.path("workflows")) {
                if (wf.path("diff_pass").isObject()) {
                    diff = JSON.convertValue(wf.path("diff_pass"), Map.class);
                } else if (wf.hasNonNull("table")) {
                    Map<String, Object> c = new LinkedHashMap<>();
                    c.put("table", text(wf, "table"));
                    c.put("phase", text(wf, "phase"));
                    c.put("rows_copied", wf.path("rows_copied").asLong());
                    c.put("last_copied_key", text(wf, "last_copied_key"));
                    c.put("gtid_position", wf.path("gtid_position").isObject() ? text(wf.path("gtid_position"), "position") : null);
                    c.put("last_event_time", text(wf, "last_event"));
                    copy.add(c);
                }
            }
        }
        r.put("copy", copy);
        r.put("diff", diff);
        r.put("pending", diff == null ? null : ((Number) diff.get("objects_compared")).longValue() - ((Number) diff.get("matched")).longValue());
        r.put("status_line", w.statusLine());
        return r;
    }

    private Map<String, Object> writer() {
        return system.writer().map(w -> {
            SteadyWriter.Progress p = w.progress();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("writes", p.writes());
            m.put("complete", p.complete());
            m.put("stopped_after_s3", p.stoppedAfterS3());
            m.put("stopped_after_row", p.stoppedAfterRow());
            m.put("failed", p.failed());
            m.put("writes_per_second", Math.round(p.writesPerSecond() * 100) / 100.0);
            return m;
        }).orElse(null);
    }

    private Map<String, Object> simulator() {
        FleetSimulator sim = system.fleet().simulator();
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("status_line", sim.status().oneLine());
        List<Map<String, Object>> ledger = new ArrayList<>();
        for (LedgerEntry e : sim.ledger()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", e.injectionId());
            m.put("kind", e.kind().name());
            m.put("shard", e.shardKey());
            m.put("onset", e.onset().toString());
            m.put("impact_seconds", e.impactWindow().map(d -> d.toMillis() / 1000.0).orElse(null));
            m.put("reparents", e.reparents());
            m.put("replacement_provisioned", e.replacementProvisioned());
            m.put("degraded_volume_retired", e.degradedVolumeRetired());
            ledger.add(0, m);
        }
        s.put("ledger", ledger);
        List<Map<String, Object>> moments = new ArrayList<>();
        for (SplitBrainMoment sb : sim.splitBrainMoments()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("shard", sb.shardKey());
            m.put("from", sb.from().toString());
            m.put("until", sb.until().map(Instant::toString).orElse(null));
            m.put("primaries", sb.writablePrimaries());
            moments.add(m);
        }
        s.put("split_brain", moments);
        return s;
    }

    private List<Map<String, Object>> commands() {
        List<Map<String, Object>> list = new ArrayList<>();
        for (DashboardFeed.Command c : system.feed().recentCommands()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("time", c.time().toString());
            m.put("kind", c.kind());
            m.put("type", c.type());
            m.put("target", c.target());
            m.put("command_id", c.commandId());
            m.put("detail", c.detail());
            m.put("result", system.feed().result(c.commandId()).map(DevOverview::outcome).orElse(null));
            list.add(m);
        }
        return list;
    }

    private static String outcome(CommandResult r) {
        return r.getOutcome().name() + (r.getMessage() == null ? "" : ": " + r.getMessage());
    }

    private List<Map<String, Object>> alerts() {
        List<Map<String, Object>> list = new ArrayList<>();
        for (DashboardFeed.Raised a : system.feed().recentAlerts()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("time", a.time().toString());
            m.put("app", a.app());
            m.put("severity", a.severity());
            m.put("code", a.code());
            m.put("scope", a.scope());
            m.put("summary", a.summary());
            list.add(m);
        }
        return list;
    }

    // ----- helpers -----

    private static JsonNode get(String url) {
        return HttpJson.get(url).orElse(null);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isNull() || v.isMissingNode() ? null : v.asText();
    }
}
