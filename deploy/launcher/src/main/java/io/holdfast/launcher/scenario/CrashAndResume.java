package io.holdfast.launcher.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import io.holdfast.connectors.reconcile.ReconcileExecutorConfig;
import io.holdfast.connectors.scan.ScanConfig;
import io.holdfast.connectors.store.EntityStoreSchema;
import io.holdfast.connectors.store.StoreAudit;
import io.holdfast.connectors.store.StoreClients;
import io.holdfast.connectors.store.StoreConfig;
import io.holdfast.connectors.writer.FailurePlan;
import io.holdfast.connectors.writer.RevisionWriter;
import io.holdfast.connectors.writer.WriteLoad;
import io.holdfast.embedded.EmbeddedStack;
import io.holdfast.launcher.internal.HttpJson;
import io.holdfast.reconciler.ReconcilerConfig;
import io.holdfast.schemas.FleetCommand;
import io.holdfast.topology.catalog.TopicCatalog;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Every holdfast component runs as its own process; while revisions are written with failures and a
 * primary degrades, each is killed with SIGKILL in the middle of its work and started again. What it
 * resumed from is read where it is kept (the binlog offset, the scan checkpoint, the committed offsets
 * of each consumer group; the stream apps' stores come back from their changelogs), and the end
 * state is checked: the store consistent, the degraded shard reparented once, replaced and retired.
 * The fleet simulator is the world the components act on, not one of them: it is not killed.
 */
final class CrashAndResume implements ProcessScenario {

    static final int ENTITIES = 200;
    static final int REVISIONS = 3;
    static final double STOP_CHANCE = 0.1;
    static final Duration READY = Duration.ofSeconds(120);
    static final Duration DOWN_FOR = Duration.ofSeconds(2);
    /** The first shard of the dev fleet's 8 (FleetServices' defaults). */
    static final String SHARD = "-20";

    @Override
    public String name() {
        return "crash-and-resume";
    }

    @Override
    public String demonstrates() {
        return "each component in its own process is killed with SIGKILL mid-work and restarted: it resumes from its durable "
                + "checkpoint (binlog offset, scan page, committed offsets, workflow store), writes converge and a reparent in "
                + "flight completes once";
    }

    /**
     * Pages of 20 objects, so that the scanner is killed inside a pass; and a 10 s session timeout, so that a
     * killed member's partitions move to its restarted self in seconds rather than Kafka's default 45 s.
     */
    @Override
    public Map<String, String> settings() {
        return Map.of(ScanConfig.PAGE_SIZE, "20", ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
    }

    @Override
    public ScenarioOutcome play(EmbeddedStack stack, Map<String, String> settings, Path root, PrintWriter out) throws Exception {
        ScenarioOutcome outcome = new ScenarioOutcome();
        ComponentSettings config = ComponentSettings.write(settings, root.resolve("crash-and-resume.properties"),
                "holdfast dev --scenario crash-and-resume");
        Path logs = root.resolve("components");
        ReconcilerConfig shared = ReconcilerConfig.ofValidated(settings);
        TopicCatalog catalog = new TopicCatalog(shared);
        String prefix = shared.topicPrefix();
        String keyspace = settings.getOrDefault("holdfast.sim.keyspace", "commerce");
        String shardKey = keyspace + "/" + SHARD;

        List<ComponentProcess> all = new ArrayList<>();
        ComponentProcess binlog = add(all, new ComponentProcess("binlog-source", logs, config.command("connect", "binlog")));
        ComponentProcess scanner = add(all, new ComponentProcess("s3-scanner", logs, config.command("scan", "s3")));
        ComponentProcess reconciler = add(all, new ComponentProcess("reconciler", logs, config.command("run", "reconciler")));
        ComponentProcess executor = add(all, new ComponentProcess("reconcile-executor", logs, config.command("execute", "reconcile")));
        ComponentProcess health = add(all, new ComponentProcess("health", logs, config.command("run", "health")));
        ComponentProcess simulator = add(all, new ComponentProcess("fleet-simulator", logs, config.command("sim", "fleet")));
        AtomicReference<WriteLoad.Progress> written = new AtomicReference<>();
        AtomicReference<Instant> lastWrite = new AtomicReference<>();
        Thread writerThread = null;
        try (Checkpoints checkpoints = new Checkpoints(shared.kafkaProperties());
             StoreClients clients = StoreClients.open(StoreConfig.ofValidated(settings))) {
            try (Connection db = clients.connection()) {
                EntityStoreSchema.ensure(db);
            }
            say(out, "starting %d components as processes (logs in %s)", all.size(), logs);
            for (ComponentProcess c : all) {
                c.start();
            }
            for (ComponentProcess c : all) {
                if (!c.awaitReady(READY)) {
                    return outcome.expect(c.name() + " starts", false, tail(c));
                }
            }
            Duration healthy = FleetWatch.await(Duration.ofMinutes(3), () -> healthyVolumes(health) >= 24);
            outcome.seconds("fleet classified healthy after", healthy);

            StoreConfig store = StoreConfig.ofValidated(settings);
            WriteLoad load = new WriteLoad(new RevisionWriter(clients.s3(), clients.database(), store.bucket(), store.prefix(),
                    new FailurePlan(STOP_CHANCE, STOP_CHANCE, STOP_CHANCE, 11)),
                    new WriteLoad.Settings(ENTITIES, REVISIONS, 10, 4, 11, "crash-"), Optional.empty());
            writerThread = new Thread(() -> {
                try {
                    written.set(load.run(Duration.ofSeconds(10), p -> say(out, "writer: %s", p.oneLine())));
                    lastWrite.set(Instant.now());
                } catch (Exception e) {
                    say(out, "writer failed: %s", e.getMessage());
                }
            }, "crash-and-resume-writer");
            writerThread.start();
            say(out, "writing %d revisions of %d entities at 10/s, each write stopped after a step with %.0f%% chance per step",
                    ENTITIES * REVISIONS, ENTITIES, STOP_CHANCE * 100);
            Thread.sleep(5_000);

            crash(binlog, () -> checkpoints.binlog(catalog.binlogOffsets.name()), outcome, out);
            Supplier<Checkpoints.Checkpoint> scan = () -> checkpoints.scanner(catalog.scanCheckpoints.name());
            // Killed inside a pass if one is caught within a minute: the restarted scanner goes on with that pass.
            String pass = FleetWatch.await(Duration.ofMinutes(1), () -> scan.get().openWork() != null) == null ? null : "caught";
            Checkpoints.Checkpoint scanKilledAt = crash(scanner, scan, outcome, out);
            if (pass == null || scanKilledAt.openWork() == null) {
                outcome.figure("s3-scanner killed", "between passes (no pass caught in progress)");
            }
            crash(reconciler, () -> group(checkpoints, prefix + "holdfast-reconciler", catalog.cdcRevisions.name(),
                    catalog.cdcEntityHeads.name(), catalog.snapshots.name(), catalog.commandResults.name()), outcome, out);
            crash(executor, () -> group(checkpoints, ReconcileExecutorConfig.ofValidated(settings).getString(ReconcileExecutorConfig.GROUP_ID),
                    catalog.reconcileCommands.name()), outcome, out);

            // The health app is killed with a reparent workflow in flight.
            Instant onset = Instant.now();
            simulator.type("degrade-primary " + SHARD + " 1800 300");
            say(out, "degraded the primary volume of %s", shardKey);
            Duration reparentSent = FleetWatch.await(Duration.ofMinutes(2), () -> fleetCommands(shared, catalog, shardKey).containsKey("REPARENT"));
            outcome.seconds("reparent of " + shardKey + " sent after the degradation", reparentSent);
            crash(health, () -> group(checkpoints, prefix + "holdfast-health", catalog.volumeMetrics.name(), catalog.tablets.name(),
                    catalog.commandResults.name()), outcome, out);
            String[] entry = new String[1];
            Duration repaired = FleetWatch.await(Duration.ofMinutes(3), () -> {
                entry[0] = ledgerEntry(simulator, shardKey);
                return entry[0] != null && entry[0].contains("replacement provisioned") && entry[0].contains("degraded volume retired")
                        && !entry[0].contains("still open");
            });
            Map<String, Long> commands = fleetCommands(shared, catalog, shardKey);
            outcome.seconds("degraded shard replaced and retired after the degradation", repaired == null ? null
                    : Duration.between(onset, Instant.now()));
            outcome.figure("fleet commands for " + shardKey, commands.toString());
            outcome.figure("simulator ledger", String.valueOf(entry[0]));
            outcome.expect("the reparent in flight completed once across the health app's crash: one REPARENT, one PROVISION_VOLUME, "
                            + "one RETIRE_VOLUME", repaired != null && commands.getOrDefault("REPARENT", 0L) == 1
                            && commands.getOrDefault("PROVISION_VOLUME", 0L) == 1 && commands.getOrDefault("RETIRE_VOLUME", 0L) == 1,
                    commands + "; " + entry[0]);
            outcome.expect("never two writable primaries", simulatorSays(simulator, "split-brain moments: none"), "simulator ledger");

            writerThread.join(Duration.ofMinutes(5).toMillis());
            Instant auditsFrom = Instant.now();
            WriteLoad.Progress w = written.get();
            outcome.figure("writes", w == null ? "writer did not finish" : w.oneLine());
            StoreAudit.Report[] audit = new StoreAudit.Report[1];
            Instant[] clean = new Instant[1];
            FleetWatch.await(Duration.ofMinutes(4), () -> {
                Instant start = Instant.now();
                try (Connection db = clients.connection()) {
                    audit[0] = StoreAudit.check(clients.s3(), store.bucket(), store.prefix(), db);
                } catch (Exception e) {
                    return false;
                }
                if (audit[0].consistent()) {
                    clean[0] = start;
                    return true;
                }
                return false;
            });
            // The store is audited only once the fleet part is over: this bounds convergence, it does not measure it.
            outcome.seconds("audits from the end of the fleet part until the store was consistent", FleetWatch.between(auditsFrom, clean[0]));
            outcome.seconds("that audit began after the last write", lastWrite.get() == null ? null : FleetWatch.between(lastWrite.get(), clean[0]));
            outcome.expect("every snapshot has its row and the published tag, every head at its highest revision",
                    clean[0] != null && audit[0].snapshots() == ENTITIES * REVISIONS, audit[0] == null ? "no audit" : audit[0].summary());
            return outcome;
        } finally {
            if (writerThread != null && writerThread.isAlive()) {
                writerThread.interrupt();
            }
            for (int i = all.size() - 1; i >= 0; i--) {
                all.get(i).close();
            }
        }
    }

    /**
     * Kills the component with SIGKILL, reads the checkpoint it left, starts it again after {@link #DOWN_FOR},
     * and waits for its next checkpoint: it resumed where the one it left says, and went on from there.
     */
    private static Checkpoints.Checkpoint crash(ComponentProcess c, Supplier<Checkpoints.Checkpoint> checkpoint, ScenarioOutcome outcome,
                                                PrintWriter out) throws Exception {
        c.kill();
        // Read after the kill: nothing can move it any more, so it is exactly what the restarted process finds.
        Checkpoints.Checkpoint before = checkpoint.get();
        say(out, "killed %s (SIGKILL); its checkpoint: %s", c.name(), before.shown());
        Thread.sleep(DOWN_FOR.toMillis());
        c.start();
        boolean ready = c.awaitReady(READY);
        Checkpoints.Checkpoint[] after = {before};
        Duration moved = FleetWatch.await(Duration.ofSeconds(90), () -> {
            after[0] = checkpoint.get();
            return after[0].progress() > before.progress();
        });
        say(out, "%s restarted; next checkpoint %s", c.name(), moved == null ? "not within 90 s" : after[0].shown());
        outcome.figure(c.name() + " resumed from", before.shown());
        outcome.figure(c.name() + " next checkpoint", moved == null ? "none within 90 s" : after[0].shown() + " (" + String.format(
                java.util.Locale.ROOT, "%.1f s after the restart", moved.toMillis() / 1000.0) + ")");
        outcome.expect(c.name() + " restarted after SIGKILL and went on from its checkpoint", ready && before.progress() >= 0
                && moved != null && after[0].progress() >= before.progress(), ready ? before.shown() + " -> " + after[0].shown() : tail(c));
        if (before.openWork() != null && moved != null) {
            outcome.expect(c.name() + " went on with the " + before.openWork() + " it was killed in", after[0].shown().contains(
                    before.openWork()), after[0].shown());
        }
        return before;
    }

    private static Checkpoints.Checkpoint group(Checkpoints checkpoints, String group, String... topics) {
        try {
            return checkpoints.group(group, topics);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Checkpoints.Checkpoint("interrupted", -1);
        }
    }

    private static long healthyVolumes(ComponentProcess health) {
        try {
            Optional<Integer> port = health.httpPort();
            if (port.isEmpty()) {
                return 0;
            }
            Optional<JsonNode> volumes = HttpJson.get("http://127.0.0.1:" + port.get() + "/volumes");
            long n = 0;
            for (JsonNode v : volumes.map(j -> j.path("volumes")).orElse(com.fasterxml.jackson.databind.node.MissingNode.getInstance())) {
                n += "HEALTHY".equals(v.path("state").asText()) ? 1 : 0;
            }
            return n;
        } catch (IOException e) {
            return 0;
        }
    }

    /** Fleet commands for the shard on the topic so far, by type (distinct command ids). */
    private static Map<String, Long> fleetCommands(ReconcilerConfig shared, TopicCatalog catalog, String shardKey) {
        Map<String, Object> props = new HashMap<>(shared.kafkaProperties());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        // Distinct command ids: a step sent again after its deadline is the same command, not a second one.
        Map<String, java.util.Set<String>> idsByType = new TreeMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(catalog.fleetCommands.name(), Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (System.nanoTime() < deadline && partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    FleetCommand c = catalog.fleetCommands.valueSerde().deserializer().deserialize(r.topic(), r.value());
                    if ((c.getKeyspace() + "/" + c.getShard()).equals(shardKey)) {
                        idsByType.computeIfAbsent(c.getType().name(), t -> new java.util.HashSet<>()).add(c.getCommandId());
                    }
                });
            }
        }
        Map<String, Long> byType = new TreeMap<>();
        idsByType.forEach((type, ids) -> byType.put(type, (long) ids.size()));
        return byType;
    }

    private static final Pattern LEDGER_LINE = Pattern.compile("#\\d+ DEGRADED_PRIMARY (\\S+) onset .*");

    /** The simulator's latest ledger line for the shard, asked for on its console. */
    private static String ledgerEntry(ComponentProcess simulator, String shardKey) {
        try {
            simulator.type("ledger");
            Thread.sleep(500);
            String found = null;
            for (String line : simulator.latestOutput().split("\n")) {
                Matcher m = LEDGER_LINE.matcher(line.trim());
                if (m.matches() && m.group(1).equals(shardKey)) {
                    found = line.trim();
                }
            }
            return found;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static boolean simulatorSays(ComponentProcess simulator, String text) throws IOException, InterruptedException {
        simulator.type("ledger");
        Thread.sleep(500);
        String output = simulator.latestOutput();
        return output.contains(text) && !output.contains("SPLIT BRAIN");
    }



    private static ComponentProcess add(List<ComponentProcess> all, ComponentProcess c) {
        all.add(c);
        return c;
    }

    private static String tail(ComponentProcess c) {
        try {
            String[] lines = c.latestOutput().split("\n");
            return String.join(" | ", java.util.Arrays.asList(lines).subList(Math.max(0, lines.length - 5), lines.length));
        } catch (IOException e) {
            return "no log: " + e.getMessage();
        }
    }

    private static void say(PrintWriter out, String format, Object... args) {
        synchronized (out) {
            out.printf("scenario: " + format + "%n", args);
            out.flush();
        }
    }
}
