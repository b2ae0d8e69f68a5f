package io.holdfast.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.holdfast.connectors.fleet.FleetSimulator;
import io.holdfast.connectors.fleet.Injection;
import io.holdfast.connectors.fleet.LedgerEntry;
import io.holdfast.connectors.fleet.SimulatedOperation;
import io.holdfast.connectors.fleet.SimulatorConfig;
import io.holdfast.connectors.reconcile.StoreRepairs;
import io.holdfast.embedded.EmbeddedKafka;
import io.holdfast.embedded.EmbeddedMariaDb;
import io.holdfast.embedded.EmbeddedS3;
import io.holdfast.embedded.junit.EmbeddedStackExtension;
import io.holdfast.launcher.chaos.InvariantChecker;
import io.holdfast.schemas.CommandOutcome;
import io.holdfast.schemas.CommandResult;
import io.holdfast.schemas.FleetCommand;
import io.holdfast.schemas.FleetCommandType;
import io.holdfast.schemas.ReconcileCommand;
import io.holdfast.schemas.ReconcileCommandType;
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
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Both stream apps scaled out: three instances of the reconciler and three of the health app, each a packaged
 * {@code holdfast run} in its own JVM, sharing their application ids on 6-partition topics, with static membership,
 * one standby replica and {@code application.server} set to each instance's HTTP address. Around them the real write
 * path (the revision writer with failures injected, the binlog source, the S3 scanner, the reconcile executor) and the
 * fleet simulator executing fleet commands. One instance of each app is killed with SIGKILL in mid-run, the health one
 * while shard workflows it owns are between their reparent and their replacement volume.
 *
 * <p>Shown from outside holdfast's state: the store converges ({@link InvariantChecker#writePath} on MariaDB, S3 and the binlog);
 * every command has a result and none was executed twice (each command id has one execution on the executors'
 * results, DUPLICATE answers aside); every injected degradation, those owned by the killed instance included, ends
 * with one reparent, a replacement and a retirement, and no split brain (the simulator's ledger); queries for keys
 * the killed instance owned are answered again by a survivor. The time to resume is printed.
 */
@ExtendWith(EmbeddedStackExtension.class)
class ScaleOutIT {

    private static final int INSTANCES = 3;
    private static final int PARTITIONS = 6;
    private static final int ENTITIES = 400;
    private static final int REVISIONS = 3;
    private static final int SHARDS = 12;
    private static final Path LOGS = Path.of("target", "it-logs", "scale-out");
    private static final Duration LONG = Duration.ofMinutes(30);
    /** The killed member's partitions move once its session has timed out (static members do not leave on a crash). */
    private static final int SESSION_TIMEOUT_MS = 6000;
    /**
     * Eleven holdfast JVMs share two cores here: the client compiler only and the serial collector keep their start-up
     * and JIT work from starving the others (the figures printed are for this setting, not for production's defaults).
     */
    static final String SMALL_JVM = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx512m";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Set<LauncherProcess> mayEnd = new HashSet<>();

    @Test
    void killingOneOfThreeInstancesOfEachAppLosesNoCommandAndRunsNoneTwice(EmbeddedKafka kafka, EmbeddedMariaDb db,
                                                                          EmbeddedS3 s3Server, @TempDir Path dir) throws Exception {
        String name = "scale-" + Long.toString(System.nanoTime(), 36);
        String prefix = "it-" + name + ".";
        String database = name.replace('-', '_');
        String bucket = "holdfast-" + name;
        S3Client s3 = S3Client.builder().endpointOverride(URI.create(s3Server.endpoint())).forcePathStyle(true)
                .region(Region.of(EmbeddedS3.REGION)).credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(EmbeddedS3.ACCESS_KEY, EmbeddedS3.SECRET_KEY))).build();
        s3.createBucket(b -> b.bucket(bucket));
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password()); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE IF NOT EXISTS " + database);
        }
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", kafka.bootstrapServers());
        p.setProperty(HoldfastConfig.TOPIC_PREFIX, prefix);
        p.setProperty(HoldfastConfig.TOPIC_PARTITIONS, Integer.toString(PARTITIONS));
        p.setProperty(HoldfastConfig.CDC_DATABASE, database);
        p.setProperty(HoldfastConfig.SNAPSHOTS_BUCKET, bucket);
        p.setProperty(HoldfastConfig.SNAPSHOTS_PREFIX, "snapshots/");
        p.setProperty("holdfast.db.url", db.jdbcUrl(database));
        p.setProperty("holdfast.db.user", db.user());
        p.setProperty("holdfast.db.password", db.password());
        p.setProperty("holdfast.s3.endpoint", s3Server.endpoint());
        p.setProperty("holdfast.s3.path.style", "true");
        p.setProperty("holdfast.s3.region", EmbeddedS3.REGION);
        p.setProperty("holdfast.s3.access.key.id", EmbeddedS3.ACCESS_KEY);
        p.setProperty("holdfast.s3.secret.access.key", EmbeddedS3.SECRET_KEY);
        p.setProperty("holdfast.scan.interval.ms", "10000");
        p.setProperty("holdfast.scan.page.size", "100");
        p.setProperty("holdfast.reconciler.grace.ms", "3000");
        p.setProperty("holdfast.reconciler.retry.backoff.ms", "10000");
        p.setProperty("holdfast.reconciler.retry.backoff.max.ms", "60000");
        // Every process on a free port (each app instance is given its own below, to be asked by the test).
        p.setProperty(HoldfastConfig.HTTP_PORT, "0");
        p.setProperty("num.standby.replicas", "1");
        p.setProperty("session.timeout.ms", Integer.toString(SESSION_TIMEOUT_MS));
        p.setProperty("heartbeat.interval.ms", "1000");
        Path config = dir.resolve("holdfast.properties");
        try (var out = Files.newBufferedWriter(config)) {
            p.store(out, "scale-out IT (credentials of throwaway embedded servers)");
        }
        TopicCatalog catalog = new TopicCatalog(HoldfastConfig.ofValidated(p));
        try (Admin admin = kafka.admin()) {
            TopicEnsurer ensurer = new TopicEnsurer(admin, Duration.ofSeconds(60));
            ensurer.ensure(catalog.all());
            ensurer.ensure(List.of(catalog.deadLetter("health"), catalog.deadLetter("reconciler"), catalog.deadLetter("connectors")));
        }

        String cfg = config.toString();
        List<LauncherProcess> processes = new ArrayList<>();
        Recorder recorder = new Recorder(kafka.bootstrapServers(), catalog);
        FleetSimulator fleet = null;
        try (Admin admin = kafka.admin()) {
            for (String[] args : List.of(new String[] {"binlog", "connect", "binlog"}, new String[] {"scanner", "scan", "s3"},
                    new String[] {"executor", "execute", "reconcile"})) {
                processes.add(new LauncherProcess(args[0], LOGS, args[1], args[2], "--config", cfg).javaOptions(SMALL_JVM).start());
            }
            // All six instances start before any data: with every store empty each one is caught up, so the first
            // assignment already spreads the stateful tasks (a later joiner would only get warm-up replicas).
            List<Instance> reconcilers = new ArrayList<>();
            List<Instance> healths = new ArrayList<>();
            for (int i = 0; i < INSTANCES; i++) {
                reconcilers.add(Instance.start("reconciler", i, dir, cfg, processes));
                healths.add(Instance.start("health", i, dir, cfg, processes));
            }
            for (Instance instance : concat(reconcilers, healths)) {
                awaitOrFail(Duration.ofMinutes(3), () -> status(instance.url("/ready")) == 200,
                        () -> instance + " not ready:\n" + instance.process().logTail(), processes);
            }
            Group reconcilerGroup = new Group(admin, prefix + "holdfast-reconciler", catalog.cdcRevisions.name());
            Group healthGroup = new Group(admin, prefix + "holdfast-health", catalog.volumeMetrics.name());
            for (Group group : List.of(reconcilerGroup, healthGroup)) {
                awaitOrFail(Duration.ofMinutes(2), group::spreadOverAll,
                        () -> group.id + " not spread over " + INSTANCES + " members: " + group.describe(), processes);
            }
            System.out.printf("scale-out IT: reconciler %s; health %s%n", reconcilerGroup.inputOwners(), healthGroup.inputOwners());

            recorder.start();
            Map<String, String> sim = new HashMap<>();
            sim.put("bootstrap.servers", kafka.bootstrapServers());
            sim.put(HoldfastConfig.TOPIC_PREFIX, prefix);
            sim.put(HoldfastConfig.TOPIC_PARTITIONS, Integer.toString(PARTITIONS));
            sim.put(SimulatorConfig.SHARDS, Integer.toString(SHARDS));
            sim.put(SimulatorConfig.TABLETS, "3");
            sim.put(SimulatorConfig.PERIOD_MS, "1000");
            sim.put(SimulatorConfig.SEED, "7");
            sim.put(SimulatorConfig.delayKey(SimulatedOperation.PROVISION), "8000-12000");
            sim.put(SimulatorConfig.delayKey(SimulatedOperation.CATCH_UP), "3000-5000");
            fleet = FleetSimulator.start(SimulatorConfig.load(Optional.empty(), Map.of(), sim));
            final FleetSimulator fleetRef = fleet;
            String ks = fleet.keyspace();
            LauncherProcess writer = new LauncherProcess("writer", LOGS, "write", "--config", cfg, "--entities",
                    Integer.toString(ENTITIES), "--revisions", Integer.toString(REVISIONS), "--fail-after-s3", "0.1",
                    "--fail-after-row", "0.1", "--rate", "25", "--threads", "4", "--seed", "3", "--ledger",
                    dir.resolve("ledger.jsonl").toString()).javaOptions(SMALL_JVM).start();
            processes.add(writer);
            mayEnd.add(writer);

            awaitOrFail(Duration.ofMinutes(2), () -> recorder.healthyVolumes() >= SHARDS * 3,
                    () -> "volumes healthy: " + recorder.healthyVolumes() + " of " + SHARDS * 3, processes);

            // The victims: instance 1 of each app, provided it owns input partitions (it does when spread).
            Instance reconcilerVictim = reconcilers.get(1);
            Instance healthVictim = healths.get(1);
            // Entities the reconciler victim holds a ledger for: among those whose head row exists already.
            List<String> victimEntities = new ArrayList<>();
            awaitOrFail(Duration.ofMinutes(2), () -> {
                try {
                    victimEntities.clear();
                    victimEntities.addAll(ownedKeys(reconcilerVictim, "/entities/", headedEntities(db, database), 4));
                    return victimEntities.size() >= 2;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, () -> reconcilerVictim + " holds fewer than 2 of the entities with a head: " + victimEntities, processes);
            List<String> shardKeys = fleet.shardNames().stream().map(s -> ks + "/" + s).toList();
            List<String> ownedByVictim = ownedKeys(healthVictim, "/shards/", shardKeys, SHARDS);
            List<String> victimShards = ownedByVictim.subList(0, Math.min(4, ownedByVictim.size()));
            assertTrue(victimShards.size() >= 2, healthVictim + " owns fewer than 2 shards: " + ownedByVictim);
            List<String> survivorShards = shardKeys.stream().filter(s -> !ownedByVictim.contains(s)).toList();

            // Workflows in flight on the victim: two of its shards' primaries degrade, and one of a survivor's.
            List<Injection> injections = new ArrayList<>();
            List<String> inFlight = List.of(victimShards.get(0), victimShards.get(1), survivorShards.get(0));
            for (String shardKey : inFlight) {
                injections.add(fleet.degradePrimary(shardOf(shardKey), LONG, 300.0));
            }
            awaitOrFail(Duration.ofMinutes(2), () -> inFlight.stream().allMatch(s -> recorder.fleetCommandIds(s, FleetCommandType.REPARENT) > 0),
                    () -> "no reparent decided for each of " + inFlight + ": " + recorder.fleetCommandsSummary(), processes);

            Set<TopicPartition> reconcilerVictimInput = reconcilerGroup.ownedBy(reconcilerVictim);
            Set<TopicPartition> healthVictimInput = healthGroup.ownedBy(healthVictim);
            long writtenAtKill = recorder.reconcileCommands.size();
            mayEnd.add(reconcilerVictim.process());
            mayEnd.add(healthVictim.process());
            reconcilerVictim.process().kill();
            healthVictim.process().kill();
            long killedAt = System.nanoTime();
            // Read once both are gone: a killed producer's open transaction never commits, so these are its last offsets.
            Map<TopicPartition, Long> reconcilerAtKill = reconcilerGroup.committed(reconcilerVictimInput);
            Map<TopicPartition, Long> healthAtKill = healthGroup.committed(healthVictimInput);
            Instant killedInstant = Instant.now();
            System.out.printf("scale-out IT: killed %s (input %s) and %s (input %s) with SIGKILL, %d reconcile commands so far; "
                            + "in-flight workflows %s%n", reconcilerVictim, reconcilerAtKill.keySet(), healthVictim,
                    healthAtKill.keySet(), writtenAtKill, inFlight);
            // Two more of the victim's shards degrade before anyone has taken them over.
            for (String shardKey : victimShards.subList(2, victimShards.size())) {
                injections.add(fleet.degradePrimary(shardOf(shardKey), LONG, 300.0));
            }

            List<Instance> reconcilerSurvivors = reconcilers.stream().filter(i -> i != reconcilerVictim).toList();
            List<Instance> healthSurvivors = healths.stream().filter(i -> i != healthVictim).toList();
            Timings timings = new Timings(killedAt);
            awaitOrFail(Duration.ofMinutes(2), () -> {
                timings.note("the killed reconciler's input committed again by a survivor",
                        () -> reconcilerGroup.movedPastWithout(reconcilerVictim, reconcilerAtKill));
                timings.note("the killed health instance's input committed again by a survivor",
                        () -> healthGroup.movedPastWithout(healthVictim, healthAtKill));
                timings.note("the killed reconciler's entities answered", () -> answeredBySurvivors(reconcilerSurvivors,
                        reconcilerVictim, "/entities/", victimEntities));
                timings.note("the killed health instance's shards answered", () -> answeredBySurvivors(healthSurvivors,
                        healthVictim, "/shards/", victimShards));
                return timings.all(4);
            }, () -> "not resumed: " + timings + "; reconciler " + reconcilerGroup.describe() + "; health " + healthGroup.describe(),
                    processes);
            System.out.println("scale-out IT: from the kill: " + timings);

            assertEquals(0, writer.awaitExit(5, TimeUnit.MINUTES), "writer:\n" + writer.logTail());
            long lastWrite = System.nanoTime();
            awaitOrFail(Duration.ofMinutes(5), () -> repaired(fleetRef, injections), () -> "not repaired: "
                    + entries(fleetRef, injections) + "\n" + recorder.fleetCommandsSummary(), processes);
            InvariantChecker.WritePathReport report = null;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (System.nanoTime() < deadline) {
                try (Connection c = DriverManager.getConnection(db.jdbcUrl(database), db.user(), db.password())) {
                    report = InvariantChecker.writePath(s3, bucket, "snapshots/", c, kafka.bootstrapServers(),
                            catalog.cdcRevisions.name(), catalog.cdcEntityHeads.name());
                }
                if (report.problems().isEmpty()) {
                    break;
                }
                assertAlive(processes);
                Thread.sleep(3_000);
            }
            System.out.printf(Locale.ROOT, "scale-out IT: store %s (%.1f s after the last write)%n", report.summary(),
                    (System.nanoTime() - lastWrite) / 1e9);
            assertEquals(List.of(), report.problems(), "the store did not converge");
            assertEquals(ENTITIES * REVISIONS, report.snapshots());

            // Every command reached an executor and was executed at most once (checked on their results).
            awaitOrFail(Duration.ofMinutes(2), () -> recorder.unanswered().isEmpty(),
                    () -> "commands without a result: " + recorder.unanswered(), processes);
            assertEquals(Map.of(), recorder.executedMoreThanOnce(), "command ids executed more than once");
            assertEquals(Map.of(), recorder.replayedRowsTwice(), "a revision row inserted by two replays");
            // Fleet effects on the simulator: one reparent, one replacement and one retirement per episode, no split brain.
            for (LedgerEntry e : entries(fleet, injections)) {
                assertEquals(1, e.reparents(), "one reparent: " + e);
                assertTrue(e.replacementProvisioned() && e.degradedVolumeRetired(), e.toString());
                String shardKey = e.shardKey();
                assertEquals(1, recorder.fleetCommandIds(shardKey, FleetCommandType.REPARENT), "reparent commands of " + shardKey);
                assertEquals(1, recorder.succeeded(shardKey, FleetCommandType.PROVISION_VOLUME), "provisions of " + shardKey);
                assertEquals(1, recorder.succeeded(shardKey, FleetCommandType.RETIRE_VOLUME), "retirements of " + shardKey);
            }
            assertTrue(fleet.splitBrainMoments().isEmpty(), "split brain: " + fleet.splitBrainMoments());
            System.out.printf("scale-out IT: %d reconcile commands %s, %d fleet commands %s, %d results (%d DUPLICATE answers); "
                            + "episodes %s; kill at %s%n", recorder.reconcileCommands.size(), recorder.reconcileTypes(),
                    recorder.fleetCommands.size(), recorder.fleetTypes(), recorder.results.size(), recorder.duplicates(),
                    entries(fleet, injections).stream().map(e -> e.shardKey() + " " + e.impactWindow().orElseThrow()).toList(),
                    killedInstant);
        } finally {
            recorder.close();
            if (fleet != null) {
                fleet.close();
            }
            for (LauncherProcess process : processes) {
                if (process.isAlive()) {
                    process.stop();
                }
            }
            for (LauncherProcess process : processes) {
                process.close();
            }
            s3.close();
        }
    }

    // ------------------------------------------------------------------ the instances

    /** One instance of a stream app: its own JVM, state directory, HTTP port and static member id. */
    private record Instance(String app, int index, int port, LauncherProcess process) {

        static Instance start(String app, int index, Path dir, String config, List<LauncherProcess> all) throws IOException {
            int port;
            try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = socket.getLocalPort();
            }
            String member = app + "-" + index;
            LauncherProcess process = new LauncherProcess(member, LOGS, "run", app, "--config", config,
                    "--set", "state.dir=" + dir.resolve(member + "-state"),
                    "--set", HoldfastConfig.HTTP_PORT + "=" + port,
                    "--set", "group.instance.id=" + member).javaOptions(SMALL_JVM).start();
            all.add(process);
            return new Instance(app, index, port, process);
        }

        String member() {
            return app + "-" + index;
        }

        URI url(String path) {
            return URI.create("http://127.0.0.1:" + port + path);
        }

        @Override
        public String toString() {
            return member() + "@" + port;
        }
    }

    /** The consumer group of one app, as the broker sees it: who owns which partitions of its main input, and how far it is committed. */
    private static final class Group {
        final Admin admin;
        final String id;
        final String input;

        Group(Admin admin, String id, String input) {
            this.admin = admin;
            this.id = id;
            this.input = input;
        }

        ConsumerGroupDescription describe() {
            try {
                return admin.describeConsumerGroups(List.of(id)).all().get(10, TimeUnit.SECONDS).get(id);
            } catch (Exception e) {
                throw new IllegalStateException("cannot describe group " + id + ": " + e, e);
            }
        }

        /** Each instance owns some of the input's partitions, and the group is stable. */
        boolean spreadOverAll() {
            ConsumerGroupDescription d = describe();
            Map<String, Set<TopicPartition>> owners = inputOwners(d);
            return d.groupState() == GroupState.STABLE && owners.size() == INSTANCES && owners.values().stream().noneMatch(Set::isEmpty);
        }

        Map<String, Set<TopicPartition>> inputOwners() {
            return inputOwners(describe());
        }

        /** Static member id (Kafka Streams appends the thread's index) -> partitions of the input it owns. */
        private Map<String, Set<TopicPartition>> inputOwners(ConsumerGroupDescription d) {
            Map<String, Set<TopicPartition>> owners = new TreeMap<>();
            for (MemberDescription m : d.members()) {
                String member = m.groupInstanceId().orElse(m.consumerId());
                owners.put(member, m.assignment().topicPartitions().stream().filter(tp -> tp.topic().equals(input))
                        .collect(Collectors.toSet()));
            }
            return owners;
        }

        /** The partitions of the input {@code instance} owns now. */
        Set<TopicPartition> ownedBy(Instance instance) {
            Set<TopicPartition> owned = new HashSet<>();
            inputOwners().forEach((member, partitions) -> {
                if (member.equals(instance.member()) || member.startsWith(instance.member() + "-")) {
                    owned.addAll(partitions);
                }
            });
            assertTrue(!owned.isEmpty(), instance + " owns no partition of " + input + ": " + inputOwners());
            return owned;
        }

        /** The committed offsets of {@code partitions}, -1 where none is. */
        Map<TopicPartition, Long> committed(Set<TopicPartition> partitions) {
            Map<TopicPartition, Long> committed = committed();
            Map<TopicPartition, Long> of = new HashMap<>();
            for (TopicPartition tp : partitions) {
                of.put(tp, committed.getOrDefault(tp, -1L));
            }
            return of;
        }

        Map<TopicPartition, Long> committed() {
            try {
                Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(id).partitionsToOffsetAndMetadata()
                        .get(10, TimeUnit.SECONDS);
                Map<TopicPartition, Long> committed = new HashMap<>();
                offsets.forEach((tp, o) -> committed.put(tp, o == null ? -1L : o.offset()));
                return committed;
            } catch (Exception e) {
                throw new IllegalStateException("cannot list offsets of " + id + ": " + e, e);
            }
        }

        /** {@code gone} has left the group and every one of these partitions has been committed past where it was. */
        boolean movedPastWithout(Instance gone, Map<TopicPartition, Long> before) {
            if (inputOwners().keySet().stream().anyMatch(m -> m.equals(gone.member()) || m.startsWith(gone.member() + "-"))) {
                return false;
            }
            Map<TopicPartition, Long> now = committed();
            return before.entrySet().stream().allMatch(e -> now.getOrDefault(e.getKey(), -1L) > e.getValue());
        }
    }

    /** How long after the kill each sign of resumption first held. */
    private static final class Timings {
        final long from;
        final Map<String, Long> firstSeen = new java.util.LinkedHashMap<>();

        Timings(long from) {
            this.from = from;
        }

        void note(String what, BooleanSupplier holds) {
            if (!firstSeen.containsKey(what) && holds.getAsBoolean()) {
                firstSeen.put(what, System.nanoTime() - from);
            }
        }

        boolean all(int expected) {
            return firstSeen.size() == expected;
        }

        @Override
        public String toString() {
            return firstSeen.entrySet().stream().map(e -> String.format(Locale.ROOT, "%s after %.1f s", e.getKey(), e.getValue() / 1e9))
                    .collect(Collectors.joining("; "));
        }
    }

    // ------------------------------------------------------------------ queries

    private int status(URI uri) {
        try {
            return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(8)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Up to {@code most} of {@code keys} that {@code instance} answers itself (200, not forwarded). A request that times
     * out (the machine is busy with a dozen JVMs) is asked again.
     */
    private List<String> ownedKeys(Instance instance, String route, List<String> keys, int most) throws InterruptedException {
        List<String> owned = new ArrayList<>();
        for (String key : keys) {
            for (int attempt = 1; ; attempt++) {
                try {
                    HttpResponse<String> r = get(instance.url(route + key));
                    if (r.statusCode() == 200 && r.headers().firstValue("X-Holdfast-Served-By").isEmpty()) {
                        owned.add(key);
                    }
                    break;
                } catch (IOException e) {
                    if (attempt == 5) {
                        throw new IllegalStateException(instance + " did not answer " + route + key + " in 5 attempts", e);
                    }
                }
            }
            if (owned.size() == most) {
                break;
            }
        }
        return owned;
    }

    /** Every key is answered (200, about that key) through each survivor, and by a survivor, not the dead instance. */
    private boolean answeredBySurvivors(List<Instance> survivors, Instance dead, String route, List<String> keys) {
        try {
            for (Instance asked : survivors) {
                for (String key : keys) {
                    HttpResponse<String> r = get(asked.url(route + key));
                    String servedBy = r.headers().firstValue("X-Holdfast-Served-By").orElse("127.0.0.1:" + asked.port());
                    if (r.statusCode() != 200 || !r.body().contains(key.substring(key.indexOf('/') + 1))
                            || servedBy.endsWith(":" + dead.port())) {
                        return false;
                    }
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Up to 100 entities whose head row is in the store, in id order; none before the writer created the tables. */
    private static List<String> headedEntities(EmbeddedMariaDb db, String database) throws Exception {
        List<String> ids = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(database), db.user(), db.password()); Statement s = c.createStatement();
             var rows = s.executeQuery("SELECT entity_id FROM entity_heads ORDER BY entity_id LIMIT 100")) {
            while (rows.next()) {
                ids.add(rows.getString(1));
            }
        } catch (java.sql.SQLSyntaxErrorException e) {
            return List.of(); // the writer has not created the tables yet
        }
        return ids;
    }

    private static String shardOf(String shardKey) {
        return shardKey.substring(shardKey.indexOf('/') + 1);
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static List<LedgerEntry> entries(FleetSimulator fleet, List<Injection> injections) {
        Set<Long> ids = injections.stream().map(Injection::id).collect(Collectors.toSet());
        return fleet.ledger().stream().filter(e -> ids.contains(e.injectionId())).toList();
    }

    private static boolean repaired(FleetSimulator fleet, List<Injection> injections) {
        List<LedgerEntry> entries = entries(fleet, injections);
        return entries.size() >= injections.size() && entries.stream().allMatch(e -> e.impactEnd().isPresent()
                && e.replacementProvisioned() && e.degradedVolumeRetired());
    }

    /** Every process still runs, except those the test ended itself or that end by themselves (the writer). */
    private void assertAlive(List<LauncherProcess> processes) {
        for (LauncherProcess p : processes) {
            if (p.starts() > 0 && !p.isAlive() && !mayEnd.contains(p)) {
                fail(p.log().getFileName() + " died:\n" + p.logTail());
            }
        }
    }

    private void awaitOrFail(Duration timeout, BooleanSupplier done, Supplier<String> why, List<LauncherProcess> processes)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (done.getAsBoolean()) {
                return;
            }
            assertAlive(processes);
            Thread.sleep(200);
        }
        fail(why.get());
    }

    // ------------------------------------------------------------------ what the apps and executors published

    /** Reads the health states, both command topics and the results (read_committed) as they are written. */
    private static final class Recorder implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final TopicCatalog catalog;
        private final Thread thread;
        private volatile boolean running = true;
        private final Map<String, VolumeHealthState> health = new java.util.concurrent.ConcurrentHashMap<>();
        final List<ReconcileCommand> reconcileCommands = new CopyOnWriteArrayList<>();
        final List<FleetCommand> fleetCommands = new CopyOnWriteArrayList<>();
        final List<CommandResult> results = new CopyOnWriteArrayList<>();

        Recorder(String bootstrap, TopicCatalog catalog) {
            this.catalog = catalog;
            this.consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.GROUP_ID_CONFIG, "it-scale-recorder-" + System.nanoTime(),
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new ByteArrayDeserializer(), new ByteArrayDeserializer());
            this.thread = new Thread(this::run, "it-scale-recorder");
        }

        void start() {
            consumer.subscribe(List.of(catalog.volumeHealth.name(), catalog.fleetCommands.name(), catalog.reconcileCommands.name(),
                    catalog.commandResults.name()));
            thread.start();
        }

        private void run() {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    if (r.value() == null) {
                        continue;
                    }
                    String topic = r.topic();
                    if (topic.equals(catalog.volumeHealth.name())) {
                        VolumeHealth h = catalog.volumeHealth.valueSerde().deserializer().deserialize(topic, r.value());
                        health.put(h.getVolumeId(), h.getState());
                    } else if (topic.equals(catalog.fleetCommands.name())) {
                        fleetCommands.add(catalog.fleetCommands.valueSerde().deserializer().deserialize(topic, r.value()));
                    } else if (topic.equals(catalog.reconcileCommands.name())) {
                        reconcileCommands.add(catalog.reconcileCommands.valueSerde().deserializer().deserialize(topic, r.value()));
                    } else {
                        results.add(catalog.commandResults.valueSerde().deserializer().deserialize(topic, r.value()));
                    }
                }
            }
            consumer.close();
        }

        long healthyVolumes() {
            return health.values().stream().filter(s -> s == VolumeHealthState.HEALTHY).count();
        }

        long fleetCommandIds(String shardKey, FleetCommandType type) {
            return fleetCommands.stream().filter(c -> (c.getKeyspace() + "/" + c.getShard()).equals(shardKey) && c.getType() == type)
                    .map(FleetCommand::getCommandId).distinct().count();
        }

        /** Distinct executions (by start time) that succeeded, of commands of {@code type} on the shard. */
        long succeeded(String shardKey, FleetCommandType type) {
            return results.stream().filter(r -> r.getTarget().equals(shardKey) && r.getFleetType() == type
                    && r.getOutcome() == CommandOutcome.SUCCEEDED).map(r -> r.getCommandId() + "@" + r.getStartedTime()).distinct().count();
        }

        String fleetCommandsSummary() {
            return fleetCommands.stream().map(c -> c.getShard() + ":" + c.getType()).toList().toString();
        }

        Set<String> unanswered() {
            Set<String> answered = results.stream().map(CommandResult::getCommandId).collect(Collectors.toSet());
            Set<String> open = new HashSet<>();
            reconcileCommands.forEach(c -> open.add(c.getCommandId()));
            fleetCommands.forEach(c -> open.add(c.getCommandId()));
            open.removeAll(answered);
            return open;
        }

        /**
         * Command ids with more than one execution. An execution is a result with its own start time; a DUPLICATE answer
         * (reconcile) or a result published again (fleet: the earlier result, same start time) is not one.
         */
        Map<String, Long> executedMoreThanOnce() {
            Map<String, Set<Instant>> executions = new HashMap<>();
            for (CommandResult r : results) {
                if (r.getOutcome() != CommandOutcome.DUPLICATE) {
                    executions.computeIfAbsent(r.getCommandId(), k -> new HashSet<>()).add(r.getStartedTime());
                }
            }
            Map<String, Long> twice = new TreeMap<>();
            executions.forEach((id, starts) -> {
                if (starts.size() > 1) {
                    twice.put(id, (long) starts.size());
                }
            });
            return twice;
        }

        /** Revisions whose row more than one ReplaySnapshot execution inserted ({@code rows_affected} 1). */
        Map<String, Long> replayedRowsTwice() {
            Map<String, String> revisionOf = new HashMap<>();
            reconcileCommands.forEach(c -> revisionOf.put(c.getCommandId(), c.getEntityId() + "/" + c.getRevision()));
            Map<String, Long> inserts = results.stream().filter(r -> r.getReconcileType() == ReconcileCommandType.REPLAY_SNAPSHOT
                            && r.getOutcome() == CommandOutcome.SUCCEEDED
                            && "1".equals(r.getObserved().get(StoreRepairs.OBSERVED_ROWS_AFFECTED)))
                    .map(r -> r.getCommandId() + "@" + r.getStartedTime()).distinct()
                    .collect(Collectors.groupingBy(execution -> revisionOf.getOrDefault(execution.substring(0, execution.indexOf('@')),
                            "unknown command " + execution), Collectors.counting()));
            return inserts.entrySet().stream().filter(e -> e.getValue() > 1)
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        }

        long duplicates() {
            return results.stream().filter(r -> r.getOutcome() == CommandOutcome.DUPLICATE).count();
        }

        Map<String, Long> reconcileTypes() {
            return reconcileCommands.stream().collect(Collectors.groupingBy(c -> c.getType().name(), TreeMap::new, Collectors.counting()));
        }

        Map<String, Long> fleetTypes() {
            return fleetCommands.stream().collect(Collectors.groupingBy(c -> c.getType().name(), TreeMap::new, Collectors.counting()));
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(10_000);
        }
    }
}
