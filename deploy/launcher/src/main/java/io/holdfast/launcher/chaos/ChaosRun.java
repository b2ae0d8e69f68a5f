package io.holdfast.launcher.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.holdfast.connectors.fleet.FleetExecutorConfig;
import io.holdfast.connectors.fleet.SimulatorConfig;
import io.holdfast.connectors.fleet.internal.ShardRanges;
import io.holdfast.connectors.store.EntityStoreSchema;
import io.holdfast.connectors.store.StoreAudit;
import io.holdfast.connectors.store.StoreClients;
import io.holdfast.connectors.store.StoreConfig;
import io.holdfast.connectors.writer.StoppedAfter;
import io.holdfast.connectors.writer.WriteResult;
import io.holdfast.embedded.EmbeddedStack;
import io.holdfast.health.HealthConfig;
import io.holdfast.launcher.internal.HttpJson;
import io.holdfast.launcher.internal.SimulatorConsole;
import io.holdfast.launcher.internal.SteadyWriter;
import io.holdfast.launcher.scenario.ComponentProcess;
import io.holdfast.launcher.scenario.ComponentSettings;
import io.holdfast.reconciler.ReconcilerConfig;
import io.holdfast.topology.catalog.TopicCatalog;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code holdfast chaos}: the whole system on the embedded stack, every component in its own process, a
 * revision writer and the fleet simulator producing load, while a seeded schedule ({@link ChaosPlan}) kills
 * components with SIGKILL and restarts them, kills the Kafka broker and MariaDB once each, and injects
 * fleet degradations. Then the load stops, the run waits for the system to converge, and
 * {@link InvariantChecker} judges it from the ground truth.
 *
 * <p>The fleet simulator is the world the components act on: its fleet and ledger live in its memory, so it
 * is never killed. It does not execute {@code commands.fleet} itself here: the fleet executor runs in its own
 * process ({@code holdfast execute fleet --driver sim}) and reaches it through its fleet API, as a real one
 * reaches vtctld, so that it is killed like the other components.
 */
public final class ChaosRun {

    /** The run's parameters. */
    public record Options(Duration duration, int kills, long seed, double writeRate, Duration convergeTimeout, Duration detectionAllowance) {}

    /** Settings every component of a chaos run gets on top of the dev defaults. */
    public static Map<String, String> settings(long seed) {
        return Map.of(
                // A killed member's partitions move to its restarted self in seconds rather than after Kafka's default 45 s.
                "session.timeout.ms", "10000",
                // Shards are hit again only after 4 quiet minutes: the anti-flap block must be over by then (default 10 min).
                HealthConfig.ANTI_FLAP_BLOCK_MS, "60000",
                SimulatorConfig.SEED, Long.toString(seed));
    }

    private static final Duration READY = Duration.ofSeconds(180);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);
    private static final Pattern INJECTED = Pattern.compile("injected #(\\d+) ");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final EmbeddedStack stack;
    private final Map<String, String> settings;
    private final Path root;
    private final PrintWriter out;
    private final Options options;
    private final Map<String, ComponentProcess> components = new LinkedHashMap<>();
    private ComponentProcess simulator;
    private final Map<String, Integer> kills = new TreeMap<>();
    private final Map<String, Integer> restarts = new TreeMap<>();
    private final Map<String, Integer> exitedOnTheirOwn = new TreeMap<>();
    private final Map<String, Instant> restartedAt = new LinkedHashMap<>();
    /** Seconds from each restart to the component's "Ctrl-C" line (serving), per component. */
    private final Map<String, List<Double>> readyAfterRestart = new TreeMap<>();
    private final List<WriteResult> plantedWrites = Collections.synchronizedList(new ArrayList<>());
    private final List<Long> plantedInjections = new ArrayList<>();
    private final List<String> injections = new ArrayList<>();
    private final List<String> infrastructure = new ArrayList<>();
    private long started;

    public ChaosRun(EmbeddedStack stack, Map<String, String> settings, Path root, PrintWriter out, Options options) {
        this.stack = stack;
        this.settings = settings;
        this.root = root;
        this.out = out;
        this.options = options;
    }

    /** Plays the schedule, converges, checks; 0 when no invariant was violated, 1 otherwise. */
    public int run() throws Exception {
        ReconcilerConfig shared = ReconcilerConfig.ofValidated(settings);
        TopicCatalog catalog = new TopicCatalog(shared);
        SimulatorConfig sim = SimulatorConfig.ofValidated(settings);
        ChaosPlan plan = ChaosPlan.draw(options.seed(), options.duration(), options.kills(), ShardRanges.names(sim.shards()));
        say("seed %d: %d component kills %s, the Kafka broker and MariaDB killed once each, %d fleet degradations, over %s "
                        + "(repeat with --seed %d)", options.seed(), plan.count(ChaosPlan.Kill.class), plan.killsByComponent(),
                plan.count(ChaosPlan.Inject.class), shown(options.duration()), options.seed());
        ComponentSettings config = ComponentSettings.write(withSeparateFleetExecutor(settings), root.resolve("chaos.properties"), "holdfast chaos");
        Path logs = root.resolve("components");
        components.put("binlog-source", new ComponentProcess("binlog-source", logs, config.command("connect", "binlog")));
        components.put("s3-scanner", new ComponentProcess("s3-scanner", logs, config.command("scan", "s3")));
        components.put("reconciler", new ComponentProcess("reconciler", logs, config.command("run", "reconciler")));
        components.put("health", new ComponentProcess("health", logs, config.command("run", "health")));
        components.put("reconcile-executor", new ComponentProcess("reconcile-executor", logs, config.command("execute", "reconcile")));
        components.put("fleet-executor", new ComponentProcess("fleet-executor", logs, config.command("execute", "fleet", "--driver", "sim")));
        simulator = new ComponentProcess("fleet-simulator", logs, config.command("sim", "fleet"));
        StoreConfig store = StoreConfig.ofValidated(settings);
        SteadyWriter writer = null;
        try (StoreClients clients = StoreClients.open(store)) {
            try (Connection db = clients.connection()) {
                EntityStoreSchema.ensure(db);
            }
            say("starting the fleet simulator and %d components as processes (logs in %s)", components.size(), logs);
            simulator.start();
            for (ComponentProcess c : components.values()) {
                c.start();
            }
            for (ComponentProcess c : all()) {
                if (!c.awaitReady(READY)) {
                    say("%s did not start: %s", c.name(), tail(c));
                    return 1;
                }
            }
            int volumes = sim.shards() * sim.tablets();
            long waitFrom = System.nanoTime();
            while (healthyVolumes() < volumes && System.nanoTime() - waitFrom < Duration.ofMinutes(3).toNanos()) {
                Thread.sleep(1_000);
            }
            say("the health app classifies %d of %d volumes HEALTHY after %.0f s; load and chaos begin", healthyVolumes(), volumes,
                    (System.nanoTime() - waitFrom) / 1e9);

            SteadyWriter.Plan writes = new SteadyWriter.Plan(options.writeRate(), 200, 0.05, 0.05, 0.05, options.seed(), "chaos-");
            writer = SteadyWriter.start(clients, store, writes, result -> {
                if (result.stoppedAfter() != StoppedAfter.NONE) {
                    plantedWrites.add(result);
                }
            });
            started = System.nanoTime();
            Instant lastFault = play(plan, writer);
            writer.close();
            SteadyWriter.Progress w = writer.progress();
            writer = null;
            Instant loadEnded = Instant.now();
            if (loadEnded.isAfter(lastFault)) {
                lastFault = loadEnded;
            }
            say("load stopped: %d writes (%d complete; stopped after s3 %d, after the row %d, after the head %d; %d failed while a "
                    + "store was down); waiting for convergence (up to %s)", w.writes(), w.complete(), w.stoppedAfterS3(),
                    w.stoppedAfterRow(), w.stoppedAfterHead(), w.failed(), shown(options.convergeTimeout()));

            Convergence converged = awaitConvergence(clients, store, lastFault);
            if (!simulator.isAlive()) {
                say("FAILED: the fleet simulator exited: its ledger is lost; see %s", simulator.log());
                return 1;
            }
            SimulatorLedger ledger = ledger();
            HealthConfig health = HealthConfig.ofValidated(settings);
            InvariantChecker.Report report;
            try (Connection db = clients.connection()) {
                report = InvariantChecker.check(new InvariantChecker.Sources(clients.s3(), store.bucket(), store.prefix(), db,
                                shared.kafkaProperties(), catalog), ledger,
                        new InvariantChecker.FleetRules(health.getLong(HealthConfig.CANDIDATE_MAX_LAG_MS), options.detectionAllowance()),
                        List.copyOf(plantedWrites), plantedInjections);
            }
            List<String> violations = new ArrayList<>(report.violations());
            if (converged == null) {
                violations.add(0, "the system did not converge within " + shown(options.convergeTimeout()) + " of the end of the load");
            }
            printReport(report, violations, w, ledger, converged);
            writeResult(report, violations, converged);
            return violations.isEmpty() ? 0 : 1;
        } finally {
            if (writer != null) {
                writer.close();
            }
            List<ComponentProcess> reversed = new ArrayList<>(all());
            Collections.reverse(reversed);
            reversed.forEach(ComponentProcess::close);
        }
    }

    /** Carries out the schedule, watching for components that die on their own; the moment of the last fault. */
    private Instant play(ChaosPlan plan, SteadyWriter writer) throws Exception {
        Instant lastFault = Instant.now();
        long nextProgress = System.nanoTime() + PROGRESS_EVERY.toNanos();
        long nextReadiness = System.nanoTime();
        int next = 0;
        List<ChaosPlan.Event> events = plan.events();
        long end = started + options.duration().toNanos();
        while (System.nanoTime() < end) {
            while (next < events.size() && events.get(next).at().toNanos() <= System.nanoTime() - started) {
                carryOut(events.get(next++));
                lastFault = Instant.now();
            }
            watchForExits();
            if (System.nanoTime() >= nextReadiness) {
                noteReadiness();
                nextReadiness = System.nanoTime() + 1_000_000_000L;
            }
            if (!simulator.isAlive()) {
                say("the fleet simulator exited on its own (see %s): stopping the run", simulator.log());
                return lastFault;
            }
            if (System.nanoTime() >= nextProgress) {
                progress(plan, writer);
                nextProgress = System.nanoTime() + PROGRESS_EVERY.toNanos();
            }
            Thread.sleep(200);
        }
        // Past the end, kills and injections are dropped and whatever is still down comes back now.
        for (; next < events.size(); next++) {
            ChaosPlan.Event e = events.get(next);
            if (e instanceof ChaosPlan.Restart || e instanceof ChaosPlan.BrokerRestart || e instanceof ChaosPlan.DatabaseRestart) {
                carryOut(e);
                lastFault = Instant.now();
            }
        }
        return lastFault;
    }

    private void carryOut(ChaosPlan.Event e) throws Exception {
        String late = String.format(Locale.ROOT, "%s (planned %s)", clock(), shown(e.at()));
        if (e instanceof ChaosPlan.Kill k) {
            ComponentProcess c = components.get(k.component());
            if (c.isAlive()) {
                c.kill();
                kills.merge(c.name(), 1, Integer::sum);
                say("%s SIGKILL %s", late, c.name());
            }
        } else if (e instanceof ChaosPlan.Restart r) {
            ComponentProcess c = components.get(r.component());
            if (!c.isAlive()) {
                c.start();
                restarts.merge(c.name(), 1, Integer::sum);
                restartedAt.put(c.name(), Instant.now());
                say("%s restarted %s", late, c.name());
            }
        } else if (e instanceof ChaosPlan.BrokerKill) {
            stack.kafka().kill();
            infrastructure.add("Kafka broker killed at " + clock());
            say("%s SIGKILL the Kafka broker", late);
        } else if (e instanceof ChaosPlan.BrokerRestart) {
            long t = System.nanoTime();
            stack.kafka().start();
            String ready = String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - t) / 1e9);
            infrastructure.add("Kafka broker restarted at " + clock() + " (ready in " + ready + ")");
            say("%s restarted the Kafka broker (ready in %s)", late, ready);
        } else if (e instanceof ChaosPlan.DatabaseKill) {
            stack.mariaDb().kill();
            infrastructure.add("MariaDB killed at " + clock());
            say("%s SIGKILL MariaDB", late);
        } else if (e instanceof ChaosPlan.DatabaseRestart) {
            long t = System.nanoTime();
            stack.mariaDb().start();
            String ready = String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - t) / 1e9);
            infrastructure.add("MariaDB restarted at " + clock() + " (ready in " + ready + ")");
            say("%s restarted MariaDB (ready in %s)", late, ready);
        } else if (e instanceof ChaosPlan.Inject i) {
            inject(i, late);
        }
    }

    /** Types the injection at the simulator's console and reads its answer: the injection's id, or why it was not done. */
    private void inject(ChaosPlan.Inject i, String late) throws IOException, InterruptedException {
        // The simulator is never restarted, so its output only grows: its answer is in what comes after this.
        int before = simulator.latestOutput().length();
        simulator.type(i.consoleLine());
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            Thread.sleep(100);
            for (String line : simulator.latestOutput().substring(before).split("\\R")) {
                Matcher m = INJECTED.matcher(line);
                if (m.find()) {
                    plantedInjections.add(Long.parseLong(m.group(1)));
                    injections.add(i.consoleLine() + " -> #" + m.group(1));
                    say("%s %s: %s", late, i.consoleLine(), line.substring(m.start()));
                    return;
                }
                if (line.contains("not done: ")) {
                    injections.add(i.consoleLine() + " -> refused");
                    say("%s %s: the simulator refused it: %s", late, i.consoleLine(), line.trim());
                    return;
                }
            }
        }
        injections.add(i.consoleLine() + " -> no answer");
        say("%s %s: no answer from the simulator within 10 s", late, i.consoleLine());
    }

    /** A component that died without being killed is counted, reported and started again: the run goes on. */
    private void watchForExits() throws IOException {
        for (ComponentProcess c : components.values()) {
            if (!c.isAlive() && !killedAndWaiting(c)) {
                exitedOnTheirOwn.merge(c.name(), 1, Integer::sum);
                say("%s exited on its own (%s); starting it again", c.name(), tail(c));
                c.start();
                restarts.merge(c.name(), 1, Integer::sum);
                restartedAt.put(c.name(), Instant.now());
            }
        }
    }

    /** Killed by the schedule and not yet restarted: its restart is due. */
    private boolean killedAndWaiting(ComponentProcess c) {
        return kills.getOrDefault(c.name(), 0) > restarts.getOrDefault(c.name(), 0) - exitedOnTheirOwn.getOrDefault(c.name(), 0);
    }

    private void noteReadiness() throws IOException {
        for (Map.Entry<String, Instant> r : new ArrayList<>(restartedAt.entrySet())) {
            ComponentProcess c = components.get(r.getKey());
            if (c.isAlive() && c.isReady()) {
                readyAfterRestart.computeIfAbsent(r.getKey(), k -> new ArrayList<>())
                        .add(Duration.between(r.getValue(), Instant.now()).toMillis() / 1000.0);
                restartedAt.remove(r.getKey());
            }
        }
    }

    private void progress(ChaosPlan plan, SteadyWriter writer) {
        SteadyWriter.Progress w = writer.progress();
        List<String> down = new ArrayList<>();
        components.values().stream().filter(c -> !c.isAlive()).forEach(c -> down.add(c.name()));
        if (!stack.kafka().isRunning()) {
            down.add("Kafka broker");
        }
        if (!stack.mariaDb().isRunning()) {
            down.add("MariaDB");
        }
        say("%s/%s kills %d/%d, down: %s; writes %d (stopped after s3 %d, row %d, head %d; failed %d); degradations injected %d",
                shown(Duration.ofNanos(System.nanoTime() - started)), shown(options.duration()),
                kills.values().stream().mapToInt(Integer::intValue).sum(), plan.count(ChaosPlan.Kill.class),
                down.isEmpty() ? "none" : String.join(", ", down), w.writes(), w.stoppedAfterS3(), w.stoppedAfterRow(), w.stoppedAfterHead(),
                w.failed(), plantedInjections.size());
    }

    /**
     * When the system was seen converged, after {@code lastFault}: by the end of the first check that found the store
     * consistent and every degradation repaired. The first check reads every snapshot, minutes on a large bucket, so
     * the figure is only as fine as that check when it already finds the store consistent; the report says when the
     * check began and how long it took.
     */
    record Convergence(Duration checkBegan, Duration by) {
        String shown() {
            return String.format(Locale.ROOT, "by %.1f s (seen by the check that began %.1f s after it and took %.1f s)", by.toMillis() / 1000.0,
                    checkBegan.toMillis() / 1000.0, by.minus(checkBegan).toMillis() / 1000.0);
        }
    }

    /**
     * Polls until the store, read directly, is consistent and every injected degradation is repaired (ended, replaced,
     * retired): a full check first, then only the entities it found wrong (the final {@link InvariantChecker} reads
     * everything again). Null when the deadline passed first; a check that began before it is finished and counted.
     */
    private Convergence awaitConvergence(StoreClients clients, StoreConfig store, Instant lastFault) throws Exception {
        long deadline = System.nanoTime() + options.convergeTimeout().toNanos();
        // Entities the last check found wrong: only they are read again. null until a full check has run.
        Set<String> recheck = null;
        while (true) {
            Instant round = Instant.now();
            String storeState;
            boolean storeDone;
            try (Connection db = clients.connection()) {
                StoreAudit.Report audit = recheck == null ? StoreAudit.check(clients.s3(), store.bucket(), store.prefix(), db)
                        : StoreAudit.checkEntities(clients.s3(), store.bucket(), store.prefix(), db, recheck);
                storeDone = audit.consistent();
                storeState = (recheck == null ? "" : "re-checked " + recheck.size() + " entities: ") + audit.summary();
                recheck = audit.problemEntities();
            } catch (Exception e) {
                storeDone = false;
                storeState = "unreadable: " + e.getMessage();
            }
            SimulatorLedger ledger = ledger();
            long repaired = ledger.entries().stream().filter(SimulatorLedger.Entry::repaired).count();
            boolean fleetDone = repaired == ledger.entries().size()
                    && plantedInjections.stream().allMatch(id -> ledger.entries().stream().anyMatch(e -> e.injectionId() == id));
            noteReadiness();
            say("converging: store %s; fleet: %d of %d degraded shards repaired (check took %.1f s)", storeState, repaired,
                    ledger.entries().size(), Duration.between(round, Instant.now()).toMillis() / 1000.0);
            if (storeDone && fleetDone) {
                return new Convergence(Duration.between(lastFault, round), Duration.between(lastFault, Instant.now()));
            }
            // A check that began before the deadline counts even when it ended after it; none begins after it.
            if (System.nanoTime() >= deadline) {
                return null;
            }
            Thread.sleep(5_000);
        }
    }

    /** The simulator's ledger, asked for on its console. */
    private SimulatorLedger ledger() throws IOException, InterruptedException {
        String before = simulator.latestOutput();
        simulator.type("ledger");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            Thread.sleep(300);
            String now = simulator.latestOutput();
            if (now.length() > before.length()) {
                String fresh = now.substring(before.length());
                if (fresh.contains(SimulatorConsole.LEDGER_END)) {
                    return SimulatorLedger.parse(fresh);
                }
            }
        }
        throw new IllegalStateException("the fleet simulator did not answer 'ledger' within 10 s");
    }

    private void printReport(InvariantChecker.Report report, List<String> violations, SteadyWriter.Progress w, SimulatorLedger ledger,
                             Convergence convergence) {
        int totalKills = kills.values().stream().mapToInt(Integer::intValue).sum();
        say("REPORT (seed %d, %s, %d kills planned)", options.seed(), shown(options.duration()), options.kills());
        say("  kills per component:   %s, %d in all (SIGKILL)", kills, totalKills);
        say("  restarts:              %s; exited on their own: %s", restarts, exitedOnTheirOwn.isEmpty() ? "none" : exitedOnTheirOwn);
        say("  ready after restart:   %s", readyAfterRestart.isEmpty() ? "-" : readiness());
        say("  Kafka broker, MariaDB: %s", String.join("; ", infrastructure));
        say("  faults planted:        writer %s of %d writes (%d more failed while a store was down); degradations %s",
                report.writerFaults(), w.writes(), w.failed(), injections);
        say("  repairs:               reconcile commands %s; fleet commands %s", report.reconcileCommands(), report.fleetCommands());
        say("  promotions:            %d (%s)", ledger.promotions().size(), ledger.promotions().stream()
                .map(p -> p.tabletAlias() + " lag " + p.lagMillis() + " ms" + p.impairedSince().map(s -> " impaired").orElse("")).toList());
        say("  store:                 %s", report.writePath().summary());
        say("  convergence after the last fault: %s", convergence == null ? "not reached" : convergence.shown());
        say("  violations:            %d", violations.size());
        violations.forEach(v -> say("    VIOLATION %s", v));
        say("%s", violations.isEmpty() ? "PASSED: no invariant violated" : "FAILED: " + violations.size() + " violation(s)");
    }

    /**
     * Per component: restarts seen serving, with the median and longest time to it (checked once a second, so
     * up to a second late). A restart killed again before it served is not counted.
     */
    private String readiness() {
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, List<Double>> e : readyAfterRestart.entrySet()) {
            List<Double> sorted = e.getValue().stream().sorted().toList();
            parts.add(String.format(Locale.ROOT, "%s %d, median %.1f s, max %.1f s", e.getKey(), sorted.size(),
                    sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1)));
        }
        return String.join("; ", parts);
    }

    /** The verdict as JSON beside the logs ({@code chaos-result.json}), written aside and moved into place. */
    private void writeResult(InvariantChecker.Report report, List<String> violations, Convergence convergence) throws IOException {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("seed", options.seed());
        r.put("duration_s", options.duration().toSeconds());
        r.put("kills", kills.values().stream().mapToInt(Integer::intValue).sum());
        r.put("kills_by_component", kills);
        r.put("restarts", restarts);
        r.put("exited_on_their_own", exitedOnTheirOwn);
        r.put("ready_after_restart_s", readyAfterRestart);
        r.put("infrastructure", infrastructure);
        r.put("writer_faults", report.writerFaults());
        r.put("injections", injections);
        r.put("reconcile_commands", report.reconcileCommands());
        r.put("fleet_commands", report.fleetCommands());
        r.put("promotions", report.promotions());
        r.put("store", report.writePath().summary());
        r.put("convergence_s", convergence == null ? null : convergence.by().toMillis() / 1000.0);
        r.put("convergence_check_began_s", convergence == null ? null : convergence.checkBegan().toMillis() / 1000.0);
        r.put("violations", violations);
        Path tmp = root.resolve("chaos-result.json.tmp");
        Files.writeString(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(r));
        Files.move(tmp, root.resolve("chaos-result.json"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        say("result in %s", root.resolve("chaos-result.json"));
    }

    private long healthyVolumes() {
        try {
            Optional<Integer> port = components.get("health").httpPort();
            if (port.isEmpty()) {
                return 0;
            }
            long n = 0;
            for (JsonNode v : HttpJson.get("http://127.0.0.1:" + port.get() + "/volumes").map(j -> j.path("volumes"))
                    .orElse(com.fasterxml.jackson.databind.node.MissingNode.getInstance())) {
                n += "HEALTHY".equals(v.path("state").asText()) ? 1 : 0;
            }
            return n;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private List<ComponentProcess> all() {
        List<ComponentProcess> all = new ArrayList<>();
        all.add(simulator);
        all.addAll(components.values());
        return all;
    }

    private String clock() {
        return started == 0 ? "-" : shown(Duration.ofNanos(System.nanoTime() - started));
    }

    static String shown(Duration d) {
        long s = d.toSeconds();
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    /** {@code settings} with the simulator serving its fleet API on a free loopback port and leaving commands to the executor. */
    private static Map<String, String> withSeparateFleetExecutor(Map<String, String> settings) throws IOException {
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Map<String, String> all = new LinkedHashMap<>(settings);
        all.put(SimulatorConfig.EXECUTE_COMMANDS, "false");
        all.put(SimulatorConfig.API_ADDRESS, "127.0.0.1");
        all.put(SimulatorConfig.API_PORT, Integer.toString(port));
        all.put(FleetExecutorConfig.SIM_URL, "http://127.0.0.1:" + port);
        return all;
    }



    private static String tail(ComponentProcess c) {
        try {
            String[] lines = c.latestOutput().split("\n");
            return String.join(" | ", java.util.Arrays.asList(lines).subList(Math.max(0, lines.length - 3), lines.length));
        } catch (IOException e) {
            return "no log: " + e.getMessage();
        }
    }

    private void say(String format, Object... args) {
        synchronized (out) {
            out.printf("chaos: " + format + "%n", args);
            out.flush();
        }
    }
}
