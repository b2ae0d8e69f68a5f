package io.holdfast.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.holdfast.connectors.fleet.FleetSimulator;
import io.holdfast.connectors.fleet.Injection;
import io.holdfast.connectors.fleet.LedgerEntry;
import io.holdfast.connectors.fleet.SimulatedOperation;
import io.holdfast.connectors.fleet.SimulatorConfig;
import io.holdfast.embedded.EmbeddedKafka;
import io.holdfast.embedded.junit.EmbeddedStackExtension;
import io.holdfast.schemas.AuditEvent;
import io.holdfast.schemas.FleetCommand;
import io.holdfast.schemas.FleetCommandType;
import io.holdfast.schemas.VolumeHealth;
import io.holdfast.schemas.VolumeHealthState;
import io.holdfast.topology.catalog.TopicCatalog;
import io.holdfast.topology.catalog.TopicEnsurer;
import io.holdfast.topology.config.HoldfastConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole recovery loop on the real embedded broker: the fleet simulator (30 shards x 3 tablets,
 * per-second volume metrics, commands executed with their compare-and-set checks) and the packaged
 * health app as its own JVM. Ten primary degradations, one of them a stall and one a correlated cell
 * event, are each detected, reparented, replaced and retired with no split brain and no degraded
 * tablet promoted; then the health app is killed with SIGKILL in the middle of a workflow and
 * restarted, and the workflow finishes from its store with one reparent and each step once.
 */
@ExtendWith(EmbeddedStackExtension.class)
class ShardRecoveryIT {

    private static final Path LAUNCHER = Path.of("target", "holdfast", "bin", "holdfast").toAbsolutePath();
    private static final Duration LONG = Duration.ofMinutes(30);

    @Test
    void primaryDegradationsAreRepairedWithoutSplitBrainAndAKilledAppResumesItsWorkflow(EmbeddedKafka kafka,
                                                                                         @TempDir Path dir) throws Exception {
        String prefix = "it-recovery-" + System.nanoTime() + ".";
        Map<String, String> common = Map.of(
                "bootstrap.servers", kafka.bootstrapServers(),
                HoldfastConfig.TOPIC_PREFIX, prefix,
                HoldfastConfig.TOPIC_PARTITIONS, "3");
        HoldfastConfig config = HoldfastConfig.load(Optional.empty(), Map.of(), common);
        TopicCatalog catalog = new TopicCatalog(config);
        try (Admin admin = kafka.admin()) {
            TopicEnsurer ensurer = new TopicEnsurer(admin, Duration.ofSeconds(30));
            ensurer.ensure(catalog.all());
            ensurer.ensure(List.of(catalog.deadLetter("health"), catalog.deadLetter("connectors")));
        }

        Map<String, String> sim = new HashMap<>(common);
        sim.put(SimulatorConfig.SHARDS, "30");
        sim.put(SimulatorConfig.TABLETS, "3");
        sim.put(SimulatorConfig.PERIOD_MS, "1000");
        sim.put(SimulatorConfig.SEED, "42");
        // Reparents keep their realistic durations; volumes come faster than EBS would, so the test is short.
        sim.put(SimulatorConfig.delayKey(SimulatedOperation.PROVISION), "8000-12000");
        sim.put(SimulatorConfig.delayKey(SimulatedOperation.CATCH_UP), "3000-5000");

        Recorder recorder = new Recorder(kafka.bootstrapServers(), catalog);
        HealthProcess health = new HealthProcess(dir, kafka.bootstrapServers(), prefix);
        try (FleetSimulator fleet = FleetSimulator.start(SimulatorConfig.load(Optional.empty(), Map.of(), sim))) {
            recorder.start();
            health.start();
            String ks = fleet.keyspace();
            List<String> shards = fleet.shardNames();
            int volumes = shards.size() * 3;

            awaitOrFail(Duration.ofMinutes(3), () -> recorder.healthyVolumes() >= volumes,
                    () -> "volumes healthy: " + recorder.healthyVolumes() + " of " + volumes, health);
            // Each volume's own baseline needs holdfast.health.baseline.min.samples (60) healthy samples at a
            // load like the one it is judged at; until then a volume slower than usual but under the absolute
            // SLO is caught only by its peers (and here whole nodes slow down together). A fleet in production
            // has that history; this one gets 100 s of it.
            Thread.sleep(Duration.ofSeconds(100).toMillis());
            System.out.printf("recovery IT: %d volumes healthy after warm-up%n", recorder.healthyVolumes());

            // Phase 1: eight degraded primaries and one stalled, on distinct shards, five seconds apart
            // (independent failures; the cell event below is the simultaneous one).
            List<Injection> injections = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                injections.add(fleet.degradePrimary(shards.get(i), LONG, 40.0));
                Thread.sleep(5_000);
            }
            Injection stall = fleet.stallPrimary(shards.get(8), LONG);
            injections.add(stall);
            awaitRepaired(fleet, recorder, injections, Duration.ofMinutes(4), health);

            // Phase 2: a correlated event: 30% of one cell's volumes degrade together.
            String cell = fleet.cells().get(0);
            Injection cellEvent = fleet.degradeCell(cell, 0.3, LONG);
            injections.add(cellEvent);
            awaitRepaired(fleet, recorder, List.of(cellEvent), Duration.ofMinutes(4), health);

            assertTrue(fleet.splitBrainMoments().isEmpty(), "split brain: " + fleet.splitBrainMoments());
            List<LedgerEntry> entries = entries(fleet, injections);
            for (LedgerEntry e : entries) {
                assertTrue(e.impactEnd().isPresent() && e.replacementProvisioned() && e.degradedVolumeRetired(), e.toString());
            }
            // No reparent promoted a tablet the events hit. (Which cell a candidate comes from under a
            // correlated event is not at stake here: with three tablets over three cells a shard never has a
            // second tablet in the failing cell. ShardRecoveryTopologyTest covers that preference.)
            Set<String> hitTablets = injections.stream().flatMap(i -> i.tabletAliases().stream()).collect(Collectors.toSet());
            for (FleetCommand c : recorder.commands(FleetCommandType.REPARENT)) {
                assertTrue(!hitTablets.contains(c.getNewPrimary()), "promoted a degraded tablet: " + c);
            }
            long primariesHit = entries.stream().filter(e -> e.reparents() > 0).count();
            assertTrue(primariesHit >= 10, "ten or more primaries reparented: " + primariesHit);
            report(entries, injections, recorder);

            // Operator control through the packaged CLI: dry-run on one shard decides and audits, sends nothing.
            Set<String> touched = entries.stream().map(LedgerEntry::shardKey).collect(Collectors.toCollection(HashSet::new));
            String guarded = shards.stream().filter(s -> !touched.contains(ks + "/" + s)).findFirst().orElseThrow();
            touched.add(ks + "/" + guarded);
            control(kafka, prefix, "dry-run-on", "--shard", ks + "/" + guarded, "--app", "health", "--reason", "IT");
            Thread.sleep(1_000); // the instruction reaches the app's global store
            Injection guardedEvent = fleet.degradePrimary(guarded, LONG, 40.0);
            awaitOrFail(Duration.ofMinutes(2), () -> recorder.decided(guarded, "dry_run_planned_reparent"),
                    () -> "no dry-run decision for " + guarded + ": " + recorder.decisions(guarded), health);
            Thread.sleep(5_000);
            assertTrue(recorder.commandIds(guarded, FleetCommandType.REPARENT).isEmpty(), "dry-run sent a command");
            control(kafka, prefix, "dry-run-off", "--shard", ks + "/" + guarded, "--app", "health", "--reason", "IT");
            awaitRepaired(fleet, recorder, List.of(guardedEvent), Duration.ofMinutes(3), health);
            System.out.printf("recovery IT: dry-run on %s audited %s and sent nothing; after dry-run-off: %s%n", guarded,
                    recorder.decisions(guarded).get(0), recorder.decisions(guarded));

            // Phase 3: SIGKILL the health app in the middle of a workflow, then restart it.
            String victim = shards.stream().filter(s -> !touched.contains(ks + "/" + s)).findFirst().orElseThrow();
            Injection last = fleet.degradePrimary(victim, LONG, 40.0);
            awaitOrFail(Duration.ofMinutes(2), () -> recorder.decided(victim, "provision_volume"),
                    () -> "no provision for " + victim + "; decisions " + recorder.decisions(victim), health);
            long reparentsBefore = recorder.commandIds(victim, FleetCommandType.REPARENT).size();
            health.kill();
            Instant restarted = Instant.now();
            health.start();
            awaitRepaired(fleet, recorder, List.of(last), Duration.ofMinutes(4), health);
            Instant resumed = recorder.firstDecisionAfter(victim, restarted);

            LedgerEntry entry = entries(fleet, List.of(last)).get(0);
            assertEquals(1, entry.reparents(), "one reparent across the crash: " + entry);
            assertEquals(1, reparentsBefore, "the reparent was done before the kill");
            assertEquals(1, recorder.commandIds(victim, FleetCommandType.REPARENT).size(),
                    "no second reparent command after the restart");
            assertEquals(1, recorder.commandIds(victim, FleetCommandType.PROVISION_VOLUME).size(), "one provision");
            assertEquals(1, recorder.commandIds(victim, FleetCommandType.RETIRE_VOLUME).size(), "one retirement");
            awaitOrFail(Duration.ofSeconds(30), () -> recorder.decided(victim, "recovery_complete"),
                    () -> "no recovery_complete for " + victim + ": " + recorder.decisions(victim), health);
            assertTrue(fleet.splitBrainMoments().isEmpty(), "split brain: " + fleet.splitBrainMoments());
            System.out.printf("recovery IT: killed with SIGKILL after provision_volume of %s; restarted; first decision %s "
                            + "after the restart; impact window %s; decisions %s%n", victim,
                    resumed == null ? "none" : Duration.between(restarted, resumed), entry.impactWindow().orElseThrow(),
                    recorder.decisions(victim));
        } finally {
            health.stop();
            recorder.close();
        }
    }

    /** {@code holdfast control ...} as an operator runs it: one line out, exit 0. */
    private static void control(EmbeddedKafka kafka, String prefix, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(LAUNCHER.toString(), "control"));
        command.addAll(List.of(args));
        command.addAll(List.of("--set", "bootstrap.servers=" + kafka.bootstrapServers(),
                "--set", HoldfastConfig.TOPIC_PREFIX + "=" + prefix));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "holdfast control did not end");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("holdfast control: "), out);
    }

    // ------------------------------------------------------------------ figures

    private static void report(List<LedgerEntry> entries, List<Injection> injections, Recorder recorder) {
        List<Long> windows = entries.stream().filter(e -> e.reparents() > 0)
                .map(e -> e.impactWindow().orElseThrow().toMillis()).sorted().toList();
        System.out.printf("recovery IT: %d primary events (%d injections incl. 1 stall, 1 cell event); impact window "
                        + "(onset -> healthy primary serving) p50 %.2f s, p99 %.2f s, max %.2f s%n", windows.size(),
                injections.size(), pct(windows, 50) / 1000.0, pct(windows, 99) / 1000.0, windows.get(windows.size() - 1) / 1000.0);
        // Detection-to-command: the health transition that made the primary's volume DEGRADED or
        // STALLED (its sample's event time) to the decision that sent the reparent (or its fence).
        List<Long> toCommand = new ArrayList<>();
        List<Long> onsetToCommand = new ArrayList<>();
        for (Injection i : injections) {
            for (String shardKey : i.shardKeys()) {
                String shard = shardKey.substring(shardKey.indexOf('/') + 1);
                FleetCommand first = recorder.firstCommandAfter(shard, i.onset(), FleetCommandType.REPARENT, FleetCommandType.FENCE);
                if (first == null || first.getEvidence() == null) {
                    continue;
                }
                String volume = first.getEvidence().get("degraded_volume");
                Instant sick = recorder.firstSickAfter(volume, i.onset());
                if (sick != null) {
                    toCommand.add(Duration.between(sick, first.getDecidedTime()).toMillis());
                }
                onsetToCommand.add(Duration.between(i.onset(), first.getDecidedTime()).toMillis());
            }
        }
        for (LedgerEntry e : entries) {
            String shard = e.shardKey().substring(e.shardKey().indexOf('/') + 1);
            Instant sick = e.volumeIds().stream().map(v -> recorder.firstSickAfter(v, e.onset())).filter(java.util.Objects::nonNull)
                    .min(Instant::compareTo).orElse(null);
            FleetCommand first = recorder.firstCommandAfter(shard, e.onset(), FleetCommandType.REPARENT, FleetCommandType.FENCE,
                    FleetCommandType.PROVISION_VOLUME);
            System.out.printf("recovery IT:   %-16s %-18s window %-10s reparents %d; onset->sick %s; sick->first command %s%s%n",
                    e.shardKey(), e.kind(), e.impactWindow().map(Duration::toString).orElse("open"), e.reparents(),
                    sick == null ? "-" : Duration.between(e.onset(), sick),
                    sick == null || first == null ? "-" : Duration.between(sick, first.getDecidedTime()) + " (" + first.getType() + ")",
                    e.impactWindow().map(w -> w.toSeconds() > 10).orElse(true)
                            ? "\n      health " + recorder.transitions(e.volumeIds()) + "\n      decisions " + recorder.decisions(shard)
                            : "");
        }
        toCommand.sort(null);
        onsetToCommand.sort(null);
        System.out.printf("recovery IT: detection -> command (DEGRADED/STALLED transition -> first reparent or fence decided) "
                        + "n=%d p50 %.3f s, p99 %.3f s; onset -> command n=%d p50 %.2f s, p99 %.2f s%n",
                toCommand.size(), pct(toCommand, 50) / 1000.0, pct(toCommand, 99) / 1000.0,
                onsetToCommand.size(), pct(onsetToCommand, 50) / 1000.0, pct(onsetToCommand, 99) / 1000.0);
    }

    /** Nearest-rank percentile. */
    private static long pct(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return -1;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    private static List<LedgerEntry> entries(FleetSimulator fleet, Collection<Injection> injections) {
        Set<Long> ids = injections.stream().map(Injection::id).collect(Collectors.toSet());
        return fleet.ledger().stream().filter(e -> ids.contains(e.injectionId())).toList();
    }

    private static void awaitRepaired(FleetSimulator fleet, Recorder recorder, List<Injection> injections, Duration timeout,
                                      HealthProcess health)
            throws Exception {
        awaitOrFail(timeout, () -> {
            List<LedgerEntry> entries = entries(fleet, injections);
            return !entries.isEmpty() && entries.stream().allMatch(e -> e.impactEnd().isPresent()
                    && e.replacementProvisioned() && e.degradedVolumeRetired());
        }, () -> {
            StringBuilder why = new StringBuilder("not repaired:");
            for (LedgerEntry e : entries(fleet, injections)) {
                if (e.open() || !e.replacementProvisioned() || !e.degradedVolumeRetired()) {
                    String shard = e.shardKey().substring(e.shardKey().indexOf('/') + 1);
                    List<String> volumes = fleet.shard(shard).tablets().stream().map(t -> t.getVolumeId()).toList();
                    why.append("\n  ").append(e).append("\n    decisions ").append(recorder.decisions(shard))
                            .append("\n    health ").append(recorder.transitions(volumes))
                            .append("\n    state ").append(health.get("/shards/" + e.shardKey()));
                }
            }
            return why.toString();
        }, health);
    }

    private static void awaitOrFail(Duration timeout, BooleanSupplier done, java.util.function.Supplier<String> why,
                                    HealthProcess health) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (done.getAsBoolean()) {
                return;
            }
            if (!health.alive()) {
                fail("the health app exited; its log:\n" + health.logTail());
            }
            Thread.sleep(250);
        }
        fail(why.get() + "\nhealth app log:\n" + health.logTail());
    }

    // ------------------------------------------------------------------ the health app, as its own JVM

    private static final class HealthProcess {
        private final Path dir;
        private final String bootstrap;
        private final String prefix;
        private final int port;
        private final Path log;
        private Process process;
        private int starts;

        HealthProcess(Path dir, String bootstrap, String prefix) throws IOException {
            this.dir = dir;
            this.bootstrap = bootstrap;
            this.prefix = prefix;
            try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                this.port = socket.getLocalPort();
            }
            // Kept after the run (the temporary directory is not): what the app did is the first thing to read.
            Files.createDirectories(Path.of("target", "it-logs"));
            this.log = Path.of("target", "it-logs", "shard-recovery-health.log").toAbsolutePath();
            Files.deleteIfExists(log);
        }

        void start() throws Exception {
            starts++;
            process = new ProcessBuilder(LAUNCHER.toString(), "run", "health",
                    "--set", "bootstrap.servers=" + bootstrap,
                    "--set", HoldfastConfig.TOPIC_PREFIX + "=" + prefix,
                    "--set", HoldfastConfig.TOPIC_PARTITIONS + "=3",
                    "--set", HoldfastConfig.HTTP_PORT + "=" + port,
                    "--set", "state.dir=" + dir.resolve("state"),
                    // A killed member's partitions move after its session times out: keep that short here.
                    "--set", "session.timeout.ms=6000",
                    "--set", "heartbeat.interval.ms=1000")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            HttpClient http = HttpClient.newHttpClient();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    fail("health app exited with " + process.exitValue() + ":\n" + logTail());
                }
                try {
                    HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready"))
                            .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
                    if (ready.statusCode() == 200) {
                        return;
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                Thread.sleep(250);
            }
            fail("health app not ready after 120 s (start " + starts + "):\n" + logTail());
        }

        String get(String path) {
            try {
                return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
            } catch (IOException | InterruptedException e) {
                return "(" + e + ")";
            }
        }

        boolean alive() {
            return process != null && process.isAlive();
        }

        /** SIGKILL: no shutdown hook, no commit, no flush. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "killed process gone");
        }

        void stop() throws InterruptedException {
            if (process != null && process.isAlive()) {
                process.destroy();
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        }

        String logTail() {
            try {
                List<String> lines = Files.readAllLines(log);
                return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
            } catch (IOException e) {
                return "(no log: " + e + ")";
            }
        }
    }

    // ------------------------------------------------------------------ what the apps published

    /** Reads state.volume-health, commands.fleet and audit (read_committed) as they are written. */
    private static final class Recorder implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final TopicCatalog catalog;
        private final Thread thread;
        private volatile boolean running = true;
        private final List<VolumeHealth> health = new CopyOnWriteArrayList<>();
        private final List<FleetCommand> commands = new CopyOnWriteArrayList<>();
        private final List<AuditEvent> audit = new CopyOnWriteArrayList<>();

        Recorder(String bootstrap, TopicCatalog catalog) {
            this.catalog = catalog;
            this.consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.GROUP_ID_CONFIG, "it-recorder-" + System.nanoTime(),
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new ByteArrayDeserializer(), new ByteArrayDeserializer());
            this.thread = new Thread(this::run, "it-recorder");
        }

        void start() {
            consumer.subscribe(List.of(catalog.volumeHealth.name(), catalog.fleetCommands.name(), catalog.audit.name()));
            thread.start();
        }

        private void run() {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    if (r.value() == null) {
                        continue;
                    }
                    if (r.topic().equals(catalog.volumeHealth.name())) {
                        health.add(catalog.volumeHealth.valueSerde().deserializer().deserialize(r.topic(), r.value()));
                    } else if (r.topic().equals(catalog.fleetCommands.name())) {
                        commands.add(catalog.fleetCommands.valueSerde().deserializer().deserialize(r.topic(), r.value()));
                    } else {
                        audit.add(catalog.audit.valueSerde().deserializer().deserialize(r.topic(), r.value()));
                    }
                }
            }
            consumer.close();
        }

        long healthyVolumes() {
            Map<String, VolumeHealthState> latest = new HashMap<>();
            for (VolumeHealth h : health) {
                latest.put(h.getVolumeId(), h.getState());
            }
            return latest.values().stream().filter(s -> s == VolumeHealthState.HEALTHY).count();
        }

        List<String> transitions(Collection<String> volumes) {
            return health.stream().filter(h -> volumes.contains(h.getVolumeId()))
                    .map(h -> h.getVolumeId() + "@" + h.getEventTime() + ":" + h.getState() + "(" + h.getRule() + ")").toList();
        }

        Instant firstSickAfter(String volume, Instant onset) {
            return health.stream().filter(h -> h.getVolumeId().equals(volume) && !h.getEventTime().isBefore(onset)
                            && (h.getState() == VolumeHealthState.DEGRADED || h.getState() == VolumeHealthState.STALLED))
                    .map(VolumeHealth::getEventTime).min(Instant::compareTo).orElse(null);
        }

        List<FleetCommand> commands(FleetCommandType type) {
            return commands.stream().filter(c -> c.getType() == type).toList();
        }

        FleetCommand firstCommandAfter(String shard, Instant onset, FleetCommandType... types) {
            Set<FleetCommandType> wanted = Set.of(types);
            return commands.stream().filter(c -> c.getShard().equals(shard) && wanted.contains(c.getType())
                            && !c.getDecidedTime().isBefore(onset))
                    .min((a, b) -> a.getDecidedTime().compareTo(b.getDecidedTime())).orElse(null);
        }

        Set<String> commandIds(String shard, FleetCommandType type) {
            Set<String> ids = new HashSet<>();
            for (FleetCommand c : commands) {
                if (c.getShard().equals(shard) && c.getType() == type) {
                    ids.add(c.getCommandId());
                }
            }
            return ids;
        }

        List<String> decisions(String shard) {
            return audit.stream().filter(a -> shard.equals(a.getScope().getShard())).map(AuditEvent::getDecision).toList();
        }

        boolean decided(String shard, String decision) {
            return decisions(shard).contains(decision);
        }

        Instant firstDecisionAfter(String shard, Instant after) {
            return audit.stream().filter(a -> shard.equals(a.getScope().getShard()) && a.getEventTime().isAfter(after))
                    .map(AuditEvent::getEventTime).min(Instant::compareTo).orElse(null);
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(10_000);
        }
    }
}
