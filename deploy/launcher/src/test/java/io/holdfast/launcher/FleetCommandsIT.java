package io.holdfast.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.holdfast.embedded.EmbeddedKafka;
import io.holdfast.embedded.junit.EmbeddedStackExtension;
import io.holdfast.schemas.CommandOutcome;
import io.holdfast.schemas.CommandResult;
import io.holdfast.schemas.FleetCommand;
import io.holdfast.schemas.FleetCommandType;
import io.holdfast.schemas.ReparentMode;
import io.holdfast.schemas.TabletRecord;
import io.holdfast.schemas.TabletRole;
import io.holdfast.topology.catalog.TopicCatalog;
import io.holdfast.topology.catalog.TopicEnsurer;
import io.holdfast.topology.config.HoldfastConfig;
import io.holdfast.topology.testkit.KafkaTestClients;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged {@code holdfast sim fleet} and {@code holdfast execute fleet} as an operator runs them,
 * on the embedded broker: a reparent written to {@code commands.fleet} is carried out and answered
 * on {@code commands.results}, its duplicate is answered without a second execution, and SIGTERM
 * stops each command with exit 0 and a last report (for the simulator, its ledger).
 */
@ExtendWith(EmbeddedStackExtension.class)
class FleetCommandsIT {

    private static final Path LAUNCHER = Path.of("target", "holdfast", "bin", "holdfast").toAbsolutePath();
    private static final Duration START = Duration.ofSeconds(90);

    @Test
    void simFleetCarriesOutAReparentAndPrintsItsLedgerWhenStopped(EmbeddedKafka kafka, @TempDir Path dir) throws Exception {
        String run = Long.toString(System.nanoTime());
        TopicCatalog catalog = ensureTopics(kafka, "it-sim-cli-" + run + ".");
        Path out = dir.resolve("sim.out");
        Process sim = new ProcessBuilder(LAUNCHER.toString(), "sim", "fleet", "--shards", "2", "--time-scale", "0.1",
                "--set", "bootstrap.servers=" + kafka.bootstrapServers(),
                "--set", HoldfastConfig.TOPIC_PREFIX + "=" + catalog.prefix(),
                "--set", "holdfast.sim.group.id=it-sim-cli-" + run)
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        boolean stoppedBySigterm;
        try {
            try (Writer console = new OutputStreamWriter(sim.getOutputStream(), StandardCharsets.UTF_8)) {
                awaitLine(out, "Ctrl-C stops", START, sim);
                type(console, "degrade-primary -80 300");
                awaitLine(out, "injected #1 DEGRADED_PRIMARY", Duration.ofSeconds(10), sim);

                Shard shard = shardMinus80(kafka, catalog);
                TabletRecord primary = shard.primary();
                String candidate = shard.candidate();
                FleetCommand reparent = reparent("it-sim-cli-" + run, candidate, primary.getTabletAlias(), primary.getPrimaryTerm());
                send(kafka, catalog, reparent);

                List<CommandResult> results = results(kafka, catalog, 1);
                assertEquals(1, results.size(), Files.readString(out));
                CommandResult result = results.get(0);
                assertEquals(CommandOutcome.SUCCEEDED, result.getOutcome(), result.toString());
                assertEquals("simulator", result.getExecutor());
                assertEquals(candidate, result.getObserved().get("new_primary"));
                assertEquals(Long.toString(primary.getPrimaryTerm() + 1), result.getObserved().get("primary_term"));

                type(console, "ledger");
                awaitLine(out, "#1 DEGRADED_PRIMARY commerce/-80 onset", Duration.ofSeconds(10), sim);
            }
        } finally {
            stoppedBySigterm = stop(sim);
        }
        String printed = Files.readString(out);
        assertTrue(stoppedBySigterm, "still running 30 s after SIGTERM:\n" + printed);
        assertEquals(0, sim.exitValue(), printed);
        assertTrue(printed.contains("holdfast sim fleet: stopping (SIGTERM)"), printed);
        // The reparent ended the impact: the window closed, after one reparent, with no moment of two writable primaries.
        assertTrue(printed.lines().anyMatch(l -> l.startsWith("holdfast sim fleet: #1 DEGRADED_PRIMARY commerce/-80 onset")
                && l.contains(" s, 1 reparent(s)") && !l.contains("still open")), printed);
        assertTrue(printed.contains("holdfast sim fleet: split-brain moments: none"), printed);
        assertTrue(printed.contains("holdfast sim fleet: stopped: 2 shards, 6 tablets"), printed);
        printed.lines().filter(l -> l.startsWith("holdfast sim fleet: #") || l.startsWith("holdfast sim fleet: split-brain"))
                .forEach(System.out::println);
    }

    @Test
    void executeFleetRunsVtctldclientOncePerCommandId(EmbeddedKafka kafka, @TempDir Path dir) throws Exception {
        String run = Long.toString(System.nanoTime());
        TopicCatalog catalog = ensureTopics(kafka, "it-exec-cli-" + run + ".");
        Path vtctldclient = fakeVtctldclient(dir);
        Path out = dir.resolve("execute.out");
        // The fake vtctldclient answers by itself: nothing listens on the --server address, nothing connects to it.
        Process execute = new ProcessBuilder(LAUNCHER.toString(), "execute", "fleet", "--driver", "vtctld",
                "--set", "bootstrap.servers=" + kafka.bootstrapServers(),
                "--set", HoldfastConfig.TOPIC_PREFIX + "=" + catalog.prefix(),
                "--set", "holdfast.fleet.group.id=it-exec-cli-" + run,
                "--set", "holdfast.fleet.executor.name=vtctld@it",
                "--set", "holdfast.fleet.vtctld.server=127.0.0.1:15999",
                "--set", "holdfast.fleet.vtctld.path=" + vtctldclient)
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        boolean stoppedBySigterm;
        try {
            awaitLine(out, "Ctrl-C stops", START, execute);
            assertTrue(Files.readString(out).contains("no hooks (no fence, provision, retire hook"), Files.readString(out));
            FleetCommand reparent = reparent("it-exec-cli-" + run, "zone2-0000000101", "zone1-0000000100", 4);
            send(kafka, catalog, reparent);
            send(kafka, catalog, reparent);

            List<CommandResult> results = results(kafka, catalog, 2);
            assertEquals(2, results.size(), "the command and its duplicate answered:\n" + Files.readString(out));
            CommandResult result = results.get(0);
            assertEquals(CommandOutcome.SUCCEEDED, result.getOutcome(), result.toString());
            assertEquals("vtctld@it", result.getExecutor());
            assertEquals(Map.of("new_primary", "zone2-0000000101", "old_primary", "zone1-0000000100", "primary_term", "5",
                    "vtctld_last_event", "finished PlannedReparentShard"), result.getObserved());
            assertEquals(result, results.get(1), "the duplicate gets the earlier result");
            assertEquals(List.of(
                    "--server 127.0.0.1:15999 GetShard commerce/-80",
                    "--server 127.0.0.1:15999 PlannedReparentShard --new-primary zone2-0000000101 --expected-primary zone1-0000000100 "
                            + "--wait-replicas-timeout 15s commerce/-80"),
                    Files.readAllLines(dir.resolve("calls.log")), "vtctldclient ran for the first command only");
        } finally {
            stoppedBySigterm = stop(execute);
        }
        String printed = Files.readString(out);
        assertTrue(stoppedBySigterm, "still running 30 s after SIGTERM:\n" + printed);
        assertEquals(0, execute.exitValue(), printed);
        assertTrue(printed.contains("holdfast execute fleet: stopping (SIGTERM)"), printed);
        assertTrue(printed.contains("holdfast execute fleet: stopped: 2 commands received, 1 executed, 1 earlier results re-published"),
                printed);
    }

    @Test
    void theSimDriverKilledMidCommandResumesWithoutASecondReparent(EmbeddedKafka kafka, @TempDir Path dir) throws Exception {
        String run = Long.toString(System.nanoTime());
        TopicCatalog catalog = ensureTopics(kafka, "it-sim-driver-" + run + ".");
        int apiPort;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            apiPort = free.getLocalPort();
        }
        Path simOut = dir.resolve("sim.out");
        // A planned reparent takes 6 s: long enough to kill the executor while the simulator carries it out.
        ProcessBuilder simCommand = new ProcessBuilder(LAUNCHER.toString(), "sim", "fleet", "--shards", "2",
                "--set", "bootstrap.servers=" + kafka.bootstrapServers(),
                "--set", HoldfastConfig.TOPIC_PREFIX + "=" + catalog.prefix(),
                "--set", "holdfast.sim.execute.commands=false",
                "--set", "holdfast.sim.api.port=" + apiPort,
                "--set", "holdfast.sim.delay.planned.reparent.ms=6000-6000")
                .redirectErrorStream(true).redirectOutput(simOut.toFile());
        // The simulator's INFO lines show each command that reaches its API and each one it has seen before.
        simCommand.environment().put("HOLDFAST_LOG_LEVEL", "INFO");
        Process sim = simCommand.start();
        Path executorOut = dir.resolve("execute.out");
        String[] executeFleet = {LAUNCHER.toString(), "execute", "fleet", "--driver", "sim",
                "--set", "bootstrap.servers=" + kafka.bootstrapServers(),
                "--set", HoldfastConfig.TOPIC_PREFIX + "=" + catalog.prefix(),
                "--set", "holdfast.fleet.group.id=it-sim-driver-" + run,
                // The killed member leaves the group when its session expires: a short one lets its restart take over soon.
                "--set", "session.timeout.ms=6000",
                "--set", "holdfast.fleet.sim.url=http://127.0.0.1:" + apiPort};
        Process execute = null;
        try {
            awaitLine(simOut, "Ctrl-C stops", START, sim);
            assertTrue(Files.readString(simOut).contains("leaves commands.fleet to `holdfast execute fleet --driver sim`, fleet API on "
                    + "http://127.0.0.1:" + apiPort + "/commands"), Files.readString(simOut));
            execute = new ProcessBuilder(executeFleet).redirectErrorStream(true).redirectOutput(executorOut.toFile()).start();
            awaitLine(executorOut, "Ctrl-C stops", START, execute);

            Shard shard = shardMinus80(kafka, catalog);
            TabletRecord primary = shard.primary();
            String candidate = shard.candidate();
            FleetCommand reparent = reparent("it-sim-driver-" + run, candidate, primary.getTabletAlias(), primary.getPrimaryTerm());
            send(kafka, catalog, reparent);
            awaitLine(simOut, "fleet API: command " + reparent.getCommandId(), Duration.ofSeconds(30), sim);

            // SIGKILL while the reparent runs: no result published, the record's offset not committed.
            execute.destroyForcibly();
            assertTrue(execute.waitFor(30, TimeUnit.SECONDS));
            Files.writeString(executorOut, "---- restarted after SIGKILL\n", java.nio.file.StandardOpenOption.APPEND);
            execute = new ProcessBuilder(executeFleet).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(executorOut.toFile())).start();

            List<CommandResult> results = results(kafka, catalog, 1);
            assertEquals(1, results.size(), "one result:\n" + Files.readString(executorOut));
            CommandResult result = results.get(0);
            assertEquals(CommandOutcome.SUCCEEDED, result.getOutcome(), result.toString());
            assertEquals(candidate, result.getObserved().get("new_primary"));
            assertEquals(Long.toString(primary.getPrimaryTerm() + 1), result.getObserved().get("primary_term"), "one reparent, not two");
            String simPrinted = Files.readString(simOut);
            assertEquals(2, simPrinted.lines().filter(l -> l.contains("fleet API: command " + reparent.getCommandId())).count(),
                    "asked once before the kill and once after it:\n" + simPrinted);
            assertTrue(simPrinted.contains("command " + reparent.getCommandId() + " (REPARENT commerce/-80) seen before: not executed again"),
                    simPrinted);
        } finally {
            if (execute != null) {
                assertTrue(stop(execute), "execute fleet stopped by SIGTERM:\n" + Files.readString(executorOut));
            }
            stop(sim);
        }
        assertEquals(0, execute.exitValue(), Files.readString(executorOut));
        assertEquals(0, sim.exitValue(), Files.readString(simOut));
    }

    /** A vtctldclient that logs its arguments (one call per line) and answers GetShard and a reparent as vtctld would. */
    private static Path fakeVtctldclient(Path dir) throws IOException {
        Path script = dir.resolve("vtctldclient");
        Files.writeString(script, """
                #!/bin/sh
                echo "$*" >> "$(dirname "$0")/calls.log"
                for a in "$@"; do
                  case "$a" in
                    GetShard)
                      echo '{"keyspace": "commerce", "name": "-80", "shard": {"primary_alias": {"cell": "zone1", "uid": 100}}}'
                      exit 0 ;;
                    PlannedReparentShard|EmergencyReparentShard)
                      echo "start $a"
                      echo "finished $a"
                      exit 0 ;;
                  esac
                done
                echo "unknown command: $*" >&2
                exit 2
                """);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    private static TopicCatalog ensureTopics(EmbeddedKafka kafka, String prefix) throws Exception {
        TopicCatalog catalog = new TopicCatalog(HoldfastConfig.load(Optional.empty(), Map.of(), Map.of(
                HoldfastConfig.TOPIC_PREFIX, prefix, HoldfastConfig.TOPIC_PARTITIONS, "2")));
        try (Admin admin = kafka.admin()) {
            new TopicEnsurer(admin, Duration.ofSeconds(30)).ensure(List.of(catalog.tablets, catalog.volumeMetrics, catalog.fleetCommands,
                    catalog.commandResults, catalog.deadLetter("connectors")));
        }
        return catalog;
    }

    private static FleetCommand reparent(String id, String newPrimary, String expectedPrimary, long term) {
        Instant now = Instant.now();
        return FleetCommand.newBuilder()
                .setCommandId(id)
                .setType(FleetCommandType.REPARENT)
                .setKeyspace("commerce")
                .setShard("-80")
                .setEvidence(Map.of("problem", "it"))
                .setDecidedTime(now)
                .setWorkflowId("wf-it")
                .setAttempt(1)
                .setDeadlineTime(now.plusSeconds(60))
                .setReparentMode(ReparentMode.PLANNED)
                .setNewPrimary(newPrimary)
                .setExpectedPrimary(expectedPrimary)
                .setExpectedPrimaryTerm(term)
                .build();
    }

    private static void send(EmbeddedKafka kafka, TopicCatalog catalog, FleetCommand command) {
        KafkaTestClients.produce(kafka.bootstrapServers(), List.of(new ProducerRecord<>(catalog.fleetCommands.name(),
                command.getKeyspace() + "/" + command.getShard(), command)), new StringSerializer(),
                catalog.fleetCommands.valueSerde().serializer());
    }

    /** The results published, once {@code expected} arrived and a moment passed in which a stray extra one would show. */
    private static List<CommandResult> results(EmbeddedKafka kafka, TopicCatalog catalog, int expected) {
        KafkaTestClients.readCommitted(kafka.bootstrapServers(), catalog.commandResults.name(), expected, Duration.ofSeconds(60),
                new StringDeserializer(), catalog.commandResults.valueSerde().deserializer());
        return KafkaTestClients.readCommitted(kafka.bootstrapServers(), catalog.commandResults.name(), expected + 1,
                Duration.ofSeconds(2), new StringDeserializer(), catalog.commandResults.valueSerde().deserializer())
                .stream().map(ConsumerRecord::value).toList();
    }

    /** Shard -80 of a 2-shard fleet: its primary and the first serving replica by alias, a reparent's candidate. */
    private record Shard(TabletRecord primary, String candidate) {}

    /** What the recovery workflow would know: the shard's topology as fleet.tablets shows it. */
    private static Shard shardMinus80(EmbeddedKafka kafka, TopicCatalog catalog) {
        List<TabletRecord> shard = latestTablets(kafka, catalog, 6).stream().filter(t -> t.getShard().equals("-80")).toList();
        TabletRecord primary = shard.stream().filter(t -> t.getRole() == TabletRole.PRIMARY).findFirst().orElseThrow();
        String candidate = shard.stream().filter(t -> t.getRole() == TabletRole.REPLICA && t.getServing())
                .map(TabletRecord::getTabletAlias).sorted().findFirst().orElseThrow();
        return new Shard(primary, candidate);
    }

    /** fleet.tablets as a compacted topic reads: the latest record of each of the {@code count} tablets. */
    private static List<TabletRecord> latestTablets(EmbeddedKafka kafka, TopicCatalog catalog, int count) {
        Map<String, TabletRecord> latest = new LinkedHashMap<>();
        // Tablet records keep coming (refreshes): read what is there for a few seconds.
        for (ConsumerRecord<String, TabletRecord> record : KafkaTestClients.readCommitted(kafka.bootstrapServers(), catalog.tablets.name(),
                Integer.MAX_VALUE, Duration.ofSeconds(3), new StringDeserializer(), catalog.tablets.valueSerde().deserializer())) {
            latest.put(record.key(), record.value());
        }
        assertEquals(count, latest.size(), "tablets published: " + latest.keySet());
        return List.copyOf(latest.values());
    }

    private static void type(Writer console, String line) throws IOException {
        console.write(line + "\n");
        console.flush();
    }

    /** SIGTERM, as a service manager stops it: false if the command did not end by itself within 30 s (it is then killed). */
    private static boolean stop(Process process) throws InterruptedException {
        process.destroy();
        if (process.waitFor(30, TimeUnit.SECONDS)) {
            return true;
        }
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        return false;
    }

    private static void awaitLine(Path file, String text, Duration timeout, Process process) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(file) && Files.readString(file).contains(text)) {
                return;
            }
            if (!process.isAlive()) {
                fail("exited with " + process.exitValue() + " before printing '" + text + "':\n" + Files.readString(file));
            }
            Thread.sleep(100);
        }
        fail("no '" + text + "' within " + timeout.toSeconds() + " s:\n" + Files.readString(file));
    }
}
