package io.holdfast.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.holdfast.launcher.internal.Failures;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code holdfast status}: the dashboard's picture in the terminal, read from a running
 * {@code holdfast dev}'s {@code /api/overview}: components, automation, every shard with its tablets
 * and workflow in flight, the reconciler's progress, the simulator's ledger, recent commands and alerts.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Print the state of a running `holdfast dev` (the dashboard's picture) in the terminal.")
final class StatusCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--url", paramLabel = "URL", defaultValue = "http://127.0.0.1:7070",
            description = "Where `holdfast dev` serves its dashboard (default ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--commands", paramLabel = "N", defaultValue = "10", description = "Recent commands and alerts to show (default ${DEFAULT-VALUE}).")
    int recent;

    @Override
    public Integer call() throws Exception {
        URI base;
        try {
            base = URI.create(url.endsWith("/") ? url : url + "/");
        } catch (IllegalArgumentException e) {
            throw new Failures.UserError("--url is not a URL: " + url);
        }
        if (recent < 0) {
            throw new Failures.UserError("--commands must be 0 or more");
        }
        JsonNode o = fetch(base.resolve("api/overview"));
        PrintWriter out = spec.commandLine().getOut();
        render(o, recent).forEach(out::println);
        out.flush();
        return 0;
    }

    private static JsonNode fetch(URI uri) throws InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
        try {
            HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                throw new Failures.UserError(uri + " answered HTTP " + r.statusCode() + ": is this a holdfast dev dashboard?");
            }
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new Failures.UserError("cannot read " + uri + " (" + e.getClass().getSimpleName()
                    + "): is `holdfast dev` running there? Use --url to point elsewhere");
        }
    }

    /** The picture as lines; every field may be missing while the system starts. */
    static List<String> render(JsonNode o, int recent) {
        List<String> lines = new ArrayList<>();
        lines.add("holdfast " + o.path("mode").asText("?") + " at " + time(o.path("time")) + ", automation "
                + o.path("automation").path("state").asText("?") + " " + o.path("automation").path("apps").toString());
        StringBuilder components = new StringBuilder("components:");
        for (JsonNode c : o.path("components")) {
            components.append(' ').append(c.path("name").asText()).append(c.path("running").asBoolean() ? " up," : " DOWN,");
        }
        lines.add(components.toString().replaceAll(",$", ""));
        for (JsonNode i : o.path("automation").path("instructions")) {
            if (i.path("in_force").asBoolean()) {
                lines.add("  instruction " + i.path("action").asText() + " " + i.path("scope").asText()
                        + (i.path("app").isTextual() ? " for " + i.path("app").asText() : "") + " by " + i.path("operator").asText()
                        + " at " + time(i.path("issued_time")) + ": " + i.path("reason").asText());
            }
        }

        JsonNode fleet = o.path("fleet");
        lines.add("");
        lines.add("fleet " + fleet.path("keyspace").asText("?") + ": volumes " + fleet.path("volumes").toString());
        for (JsonNode s : fleet.path("shards")) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-16s primary %-18s term %-3d",
                    s.path("shard").asText(), s.path("primary").asText("none"), s.path("primary_term").asLong()));
            for (JsonNode t : s.path("tablets")) {
                line.append(String.format(Locale.ROOT, " | %s %s %s %s", t.path("alias").asText(), t.path("role").asText(),
                        t.path("health").asText(), ms(t.path("latency_ms"))));
            }
            lines.add(line.toString());
            JsonNode w = s.path("workflow");
            if (w.isObject()) {
                lines.add("      workflow " + w.path("kind").asText() + " " + w.path("phase").asText() + " attempt "
                        + w.path("attempt").asInt() + ", degraded " + w.path("degraded_tablet").asText("-") + ", candidate "
                        + w.path("candidate").asText("-") + ", new primary " + w.path("new_primary").asText("-"));
                int shown = 0;
                for (JsonNode d : s.path("audit")) {
                    if (shown++ == 3) {
                        break;
                    }
                    lines.add("        " + time(d.path("time")) + " " + d.path("decision").asText()
                            + (d.path("summary").isTextual() ? ": " + d.path("summary").asText() : ""));
                }
            }
        }

        JsonNode r = o.path("reconciler");
        lines.add("");
        lines.add("reconciler: entities " + r.path("entities").asText("?") + ", pending " + r.path("pending").asText("?")
                + ", decisions " + r.path("decisions").toString());
        for (JsonNode c : r.path("copy")) {
            lines.add("  copy " + c.path("table").asText() + " " + c.path("phase").asText() + ", " + c.path("rows_copied").asLong()
                    + " rows copied, last key " + c.path("last_copied_key").asText("-") + ", GTID " + c.path("gtid_position").asText("-"));
        }
        if (r.path("diff").isObject()) {
            lines.add("  diff pass " + r.path("diff").toString());
        }
        if (o.path("writer").isObject()) {
            lines.add("writer: " + o.path("writer").toString());
        }

        JsonNode sim = o.path("simulator");
        lines.add("");
        lines.add("simulator: " + sim.path("status_line").asText("?"));
        for (JsonNode e : sim.path("ledger")) {
            lines.add(String.format(Locale.ROOT, "  #%d %s %s onset %s impact %s, %d reparent(s), replacement %s, retired %s",
                    e.path("id").asLong(), e.path("kind").asText(), e.path("shard").asText(), time(e.path("onset")),
                    e.path("impact_seconds").isNumber() ? String.format(Locale.ROOT, "%.1f s", e.path("impact_seconds").asDouble())
                            : "still open", e.path("reparents").asInt(), e.path("replacement_provisioned").asBoolean() ? "yes" : "no",
                    e.path("degraded_volume_retired").asBoolean() ? "yes" : "no"));
        }
        for (JsonNode m : sim.path("split_brain")) {
            lines.add("  SPLIT BRAIN " + m.toString());
        }

        lines.add("");
        lines.add("recent commands:");
        int n = 0;
        for (JsonNode c : o.path("commands")) {
            if (n++ == recent) {
                break;
            }
            lines.add(String.format(Locale.ROOT, "  %s %-9s %-16s %-22s %s -> %s", time(c.path("time")), c.path("kind").asText(),
                    c.path("type").asText(), c.path("target").asText(), c.path("detail").asText(),
                    c.path("result").asText("pending")));
        }
        lines.add("recent alerts:");
        n = 0;
        for (JsonNode a : o.path("alerts")) {
            if (n++ == recent) {
                break;
            }
            lines.add("  " + time(a.path("time")) + " " + a.path("severity").asText() + " " + a.path("app").asText() + " "
                    + a.path("code").asText() + " " + a.path("scope").asText() + ": " + a.path("summary").asText());
        }
        return lines;
    }

    private static String time(JsonNode iso) {
        if (!iso.isTextual()) {
            return "-";
        }
        try {
            return CLOCK.format(Instant.parse(iso.asText()));
        } catch (DateTimeParseException e) {
            return iso.asText();
        }
    }

    private static String ms(JsonNode v) {
        return v.isNumber() ? String.format(Locale.ROOT, "%.1f ms", v.asDouble()) : "-";
    }
}
