package io.holdfast.launcher;

import io.holdfast.embedded.EmbeddedKafka;
import io.holdfast.embedded.EmbeddedMariaDb;
import io.holdfast.embedded.EmbeddedS3;
import io.holdfast.embedded.EmbeddedStack;
import io.holdfast.launcher.internal.ConfigOptions;
import io.holdfast.launcher.internal.ControlWriter;
import io.holdfast.launcher.internal.DashboardServer;
import io.holdfast.launcher.internal.DevOverview;
import io.holdfast.launcher.internal.DevSystem;
import io.holdfast.launcher.internal.FleetServices;
import io.holdfast.launcher.internal.SteadyWriter;
import io.holdfast.launcher.internal.StopSignal;
import io.holdfast.launcher.internal.WritePathServices;
import io.holdfast.launcher.scenario.ProcessScenario;
import io.holdfast.launcher.scenario.Scenario;
import io.holdfast.launcher.scenario.ScenarioOutcome;
import io.holdfast.launcher.scenario.Scenarios;
import io.holdfast.launcher.scenario.SystemScenario;
import io.holdfast.topology.catalog.TopicCatalog;
import io.holdfast.topology.catalog.TopicEnsurer;
import io.holdfast.topology.config.HoldfastConfig;
import io.holdfast.topology.http.AppHttpServer;
import io.holdfast.topology.http.HttpReply;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code holdfast dev}: the whole system on this machine, on real components. It starts the
 * embedded stack (Kafka broker, MariaDB with binlog, S3 server), creates every catalog topic, starts
 * every holdfast component ({@link DevSystem}) with a steady revision writer and random fleet
 * degradations, serves the dashboard, prints the endpoints and runs until Ctrl-C, then stops
 * everything it started and exits 0. The data directory is kept, so the next run resumes where this
 * one stopped ({@code --fresh} starts over). With {@code --scenario NAME} it plays a scripted
 * sequence on a fresh system instead and exits with its verdict.
 */
@Command(name = "dev", mixinStandardHelpOptions = true,
        description = "Run holdfast on an embedded Kafka broker, MariaDB and S3 server on this machine until Ctrl-C.")
final class DevCommand implements Callable<Integer> {

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ConfigOptions config;

    @Option(names = "--dir", paramLabel = "DIR",
            description = "Data and logs of the embedded components (default: $HOLDFAST_DEV_DIR or ./.holdfast/dev).")
    Path dir;

    @Option(names = "--fresh", description = "Delete the data directory first instead of resuming from it.")
    boolean fresh;

    @Option(names = "--kafka-port", paramLabel = "PORT", defaultValue = "0",
            description = "Kafka broker port on 127.0.0.1 (0: the port of the last run, else a free one).")
    int kafkaPort;

    @Option(names = "--mariadb-port", paramLabel = "PORT", defaultValue = "0", description = "MariaDB port (0: as for Kafka).")
    int mariaDbPort;

    @Option(names = "--s3-port", paramLabel = "PORT", defaultValue = "0", description = "S3 server port (0: as for Kafka).")
    int s3Port;

    @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "7070",
            description = "Port of the dev status server (/live, /ready, /status); 0 picks a free one (default ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(names = "--scenario", paramLabel = "NAME",
            description = "Play a scripted sequence on a fresh system, print its figures and exit 0 when every expectation held, "
                    + "1 otherwise: writer-faults, degraded-primary, stalled-primary, correlated-cell, crash-and-resume.")
    String scenarioName;

    @Option(names = "--linger", paramLabel = "SECONDS", defaultValue = "0",
            description = "With --scenario: keep everything (and the dashboard) up this long after the summary (default ${DEFAULT-VALUE}).")
    long lingerSeconds;

    @Option(names = "--write-rate", paramLabel = "PER_SECOND", defaultValue = "5",
            description = "Writes per second of the background revision writer, 5 %% of them stopped after the S3 put and 5 %% "
                    + "after the row; 0 runs no writer (default ${DEFAULT-VALUE}; none with --scenario).")
    double writeRate;

    @Option(names = "--inject-rate", paramLabel = "PER_HOUR", defaultValue = "6",
            description = "Random degradations the fleet simulator injects per hour (default ${DEFAULT-VALUE}; none with --scenario).")
    double injectRate;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Scenario scenario = scenario();
        StopSignal stop = StopSignal.install();
        for (int port : new int[] {kafkaPort, mariaDbPort, s3Port, httpPort}) {
            if (port < 0 || port > 65535) {
                throw new io.holdfast.launcher.internal.Failures.UserError("port " + port + " is not between 0 and 65535");
            }
        }
        // Settings are validated before anything starts: a bad value costs nothing.
        config.load(Map.of());
        Path root = resolveDir();
        if (fresh || scenario != null) {
            deleteRecursively(root);
        }
        Files.createDirectories(root);

        long began = System.nanoTime();
        out.printf("holdfast dev: starting Kafka, MariaDB and S3 in %s%n", root);
        out.flush();
        EmbeddedStack stack = startWithProgress(root, out, began);
        AppHttpServer http = null;
        DevSystem system = null;
        ControlWriter control = null;
        try {
            TopicCatalog catalog = new TopicCatalog(config.load(Map.of("bootstrap.servers", stack.kafka().bootstrapServers())));
            TopicEnsurer.Report topics;
            try (Admin admin = stack.kafka().admin()) {
                topics = new TopicEnsurer(admin, Duration.ofSeconds(60)).ensure(catalog.all());
            }
            Map<String, String> defaults = new LinkedHashMap<>(WritePathServices.embeddedDefaults(
                    stack.mariaDb().jdbcUrl(), stack.mariaDb().user(), stack.mariaDb().password(), stack.s3().endpoint(),
                    EmbeddedS3.ACCESS_KEY, EmbeddedS3.SECRET_KEY, EmbeddedS3.REGION, stack.bucket(),
                    root.resolve("streams-state").toString()));
            defaults.putAll(FleetServices.embeddedDefaults(scenario == null ? injectRate : 0));
            if (scenario != null) {
                defaults.putAll(scenario.settings());
            }
            Map<String, String> settings = config.validated(withKafka(stack, defaults));
            // The dashboard's actions need an operator token: the configured one, else one made for this run and
            // known only to this process and its page (never printed).
            String operatorToken = HoldfastConfig.ofValidated(settings).getPassword(HoldfastConfig.HTTP_OPERATOR_TOKEN).value();
            if (operatorToken.isEmpty()) {
                byte[] random = new byte[32];
                new SecureRandom().nextBytes(random);
                operatorToken = HexFormat.of().formatHex(random);
            }
            http = AppHttpServer.start("127.0.0.1", httpPort).operatorToken(operatorToken);
            AppHttpServer status = http;
            status.route("/live", r -> HttpReply.text(200, "live\n"));
            status.route("/status", r -> HttpReply.json(200, statusJson(stack, catalog)));
            int code;
            if (scenario instanceof ProcessScenario owned) {
                // The scenario starts the components itself, as processes it can kill: no in-process system, no dashboard.
                status.route("/ready", r -> allRunning(stack) ? HttpReply.text(200, "ready\n") : HttpReply.text(503, "a component is down\n"));
                printEndpoints(out, stack, catalog, topics, status.port(), null, root, began);
                code = play(scenario, () -> owned.play(stack, settings, root, out),
                        () -> allRunning(stack) ? java.util.Optional.empty() : java.util.Optional.of("the embedded stack"), stop, out, root);
            } else {
                SteadyWriter.Plan writerPlan = scenario != null ? ((SystemScenario) scenario).writer()
                        : writeRate > 0 ? new SteadyWriter.Plan(writeRate, 200, 0.05, 0.05, 1, "dev-entity-") : null;
                out.println("holdfast dev: starting the binlog source, the S3 scanner, the reconciler, the reconcile executor, the health "
                        + "app, the fleet simulator" + (writerPlan == null ? "" : " and the revision writer"));
                out.flush();
                system = DevSystem.start(stack, settings, writerPlan);
                control = ControlWriter.open(system.config());
                DevSystem running = system;
                status.route("/ready", r -> running.failure().isEmpty() ? HttpReply.text(200, "ready\n")
                        : HttpReply.text(503, running.failure().get() + " is down\n"));
                DashboardServer.serve(status, new DevOverview(system, scenario == null ? "dev" : "scenario " + scenario.name()), control,
                        operatorToken);
                printEndpoints(out, stack, catalog, topics, status.port(), system, root, began);
                code = scenario == null ? superviseUntilStopped(system, stop, out)
                        : play(scenario, () -> ((SystemScenario) scenario).play(running, out), running::failure, stop, out, root);
            }
            out.printf("holdfast dev: stopping (%s)%n", stop.reason() == null ? "done" : stop.reason());
            out.flush();
            return code;
        } finally {
            long stopping = System.nanoTime();
            if (http != null) {
                http.close();
            }
            if (control != null) {
                control.close();
            }
            if (system != null) {
                system.close();
            }
            stack.close();
            out.printf("holdfast dev: stopped in %.1f s; data kept in %s%n",
                    (System.nanoTime() - stopping) / 1e9, root);
            out.flush();
        }
    }

    private Scenario scenario() {
        if (scenarioName == null) {
            if (lingerSeconds != 0) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--linger goes with --scenario");
            }
            return null;
        }
        if (lingerSeconds < 0) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--linger must be 0 or more seconds");
        }
        return Scenarios.named(scenarioName).orElseThrow(() -> new picocli.CommandLine.ParameterException(spec.commandLine(),
                "unknown scenario '" + scenarioName + "': use one of " + String.join(", ",
                        Scenarios.all().stream().map(Scenario::name).toList())));
    }

    /**
     * Plays {@code scenario} on its own thread (Ctrl-C interrupts it), prints the summary and writes it
     * to {@code scenario-result.json}, lingers if asked, and answers the exit code.
     */
    private int play(Scenario scenario, Callable<ScenarioOutcome> script, java.util.function.Supplier<java.util.Optional<String>> failure,
                     StopSignal stop, PrintWriter out, Path root) throws Exception {
        out.printf("holdfast dev --scenario %s: %s%n", scenario.name(), scenario.demonstrates());
        out.flush();
        java.util.concurrent.atomic.AtomicReference<ScenarioOutcome> result = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicReference<Throwable> failed = new java.util.concurrent.atomic.AtomicReference<>();
        Thread player = new Thread(() -> {
            try {
                result.set(script.call());
            } catch (InterruptedException e) {
                failed.set(e);
            } catch (Exception | Error e) {
                failed.set(e);
            }
        }, "holdfast-scenario");
        player.start();
        while (player.isAlive()) {
            if (stop.await(1, TimeUnit.SECONDS)) {
                player.interrupt();
                player.join(10_000);
                out.printf("holdfast dev --scenario %s: interrupted%n", scenario.name());
                return 130;
            }
            java.util.Optional<String> down = failure.get();
            if (down.isPresent()) {
                player.interrupt();
                player.join(10_000);
                out.printf("holdfast dev --scenario %s: FAILED: %s exited unexpectedly; see its log under %s%n", scenario.name(),
                        down.get(), root);
                return 1;
            }
        }
        ScenarioOutcome outcome = result.get();
        if (outcome == null) {
            outcome = new ScenarioOutcome().expect("the scenario ran to its end", false,
                    io.holdfast.launcher.internal.Failures.oneLine(failed.get()));
        }
        out.printf("holdfast dev --scenario %s: %s%n", scenario.name(), outcome.passed() ? "PASSED" : "FAILED");
        outcome.lines().forEach(out::println);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("scenario", scenario.name());
        summary.put("passed", outcome.passed());
        summary.put("figures", outcome.figures());
        summary.put("expectations", outcome.expectations());
        // Written aside and moved into place, so that a reader never sees half of it.
        Path written = root.resolve("scenario-result.json.tmp");
        Files.writeString(written, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(summary));
        Files.move(written, root.resolve("scenario-result.json"), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        out.printf("holdfast dev --scenario %s: summary in %s%n", scenario.name(), root.resolve("scenario-result.json"));
        out.flush();
        if (lingerSeconds > 0) {
            out.printf("holdfast dev: everything stays up for %d s (Ctrl-C ends it sooner)%n", lingerSeconds);
            out.flush();
            stop.await(lingerSeconds, TimeUnit.SECONDS);
        }
        return outcome.passed() ? 0 : 1;
    }

    private Path resolveDir() {
        if (dir != null) {
            return dir.toAbsolutePath();
        }
        if (scenarioName != null) {
            return Path.of(".holdfast", "scenario-" + scenarioName).toAbsolutePath();
        }
        String env = System.getenv("HOLDFAST_DEV_DIR");
        return (env != null && !env.isBlank() ? Path.of(env) : Path.of(".holdfast", "dev")).toAbsolutePath();
    }

    private EmbeddedStack startWithProgress(Path root, PrintWriter out, long began) throws InterruptedException {
        Thread ticker = new Thread(() -> {
            try {
                while (true) {
                    Thread.sleep(5_000);
                    synchronized (out) {
                        out.printf("  ... still starting (%d s)%n", TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - began));
                        out.flush();
                    }
                }
            } catch (InterruptedException e) {
                // started
            }
        }, "holdfast-dev-progress");
        ticker.setDaemon(true);
        ticker.start();
        try {
            return EmbeddedStack.start(new EmbeddedStack.Options(root, EmbeddedStack.DEFAULT_BUCKET, kafkaPort, mariaDbPort, s3Port),
                    component -> {
                        synchronized (out) {
                            out.printf("  %-14s ready after %4.1f s%n", label(component), (System.nanoTime() - began) / 1e9);
                            out.flush();
                        }
                    });
        } finally {
            ticker.interrupt();
            ticker.join();
        }
    }

    private static String label(Object component) {
        if (component instanceof EmbeddedKafka) {
            return "Kafka broker";
        }
        if (component instanceof EmbeddedMariaDb) {
            return "MariaDB";
        }
        if (component instanceof EmbeddedS3) {
            return "S3 server";
        }
        return component.toString();
    }

    private static void printEndpoints(PrintWriter out, EmbeddedStack stack, TopicCatalog catalog, TopicEnsurer.Report topics,
                                       int httpPort, DevSystem system, Path root, long began) {
        out.println();
        out.printf("holdfast dev is up after %.1f s. Endpoints (127.0.0.1 only):%n", (System.nanoTime() - began) / 1e9);
        if (system != null) {
            out.printf("  Dashboard                http://127.0.0.1:%d/  (holdfast status --url http://127.0.0.1:%d)%n", httpPort, httpPort);
        }
        out.printf("  Kafka bootstrap servers  %s%n", stack.kafka().bootstrapServers());
        out.printf("  MariaDB JDBC URL         %s%n", stack.mariaDb().jdbcUrl());
        out.printf("                           user %s, password in %s%n", stack.mariaDb().user(), stack.mariaDb().credentialsFile());
        out.printf("  S3 endpoint              %s  bucket %s (path-style; any access key)%n", stack.s3().endpoint(), stack.bucket());
        out.printf("  Dev status HTTP          http://127.0.0.1:%d/status  (/live, /ready, /api/overview)%n", httpPort);
        if (system != null) {
            out.printf("  Reconciler HTTP          http://127.0.0.1:%d/workflow  (/entities/<id>, /workflow/diff, /metrics)%n",
                    system.writePath().reconciler().http().port());
            out.printf("  Health app HTTP          http://127.0.0.1:%d/shards  (/volumes, /shards/<ks>/<shard>, /metrics)%n",
                    system.fleet().health().http().port());
        } else {
            out.printf("  Components               started by the scenario as processes, logs in %s%n", root.resolve("components"));
        }
        out.printf("  Topics                   %s (e.g. %s, %s)%n", topics.summary(), catalog.volumeMetrics.name(),
                catalog.fleetCommands.name());
        out.printf("  Data and logs            %s%n", root);
        out.println("Press Ctrl-C to stop.");
        out.flush();
    }

    /**
     * Waits for Ctrl-C, printing the write path's and the fleet's status every 5 s; a component that
     * dies on its own is reported and ends the run with exit code 1.
     */
    private static int superviseUntilStopped(DevSystem system, StopSignal stop, PrintWriter out) throws InterruptedException {
        long nextStatus = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!stop.await(1, TimeUnit.SECONDS)) {
            java.util.Optional<String> down = system.failure();
            if (down.isPresent()) {
                out.printf("holdfast: %s exited unexpectedly; see its log under %s%n", down.get(), system.stack().rootDir());
                stop.request(down.get() + " exited");
                return 1;
            }
            if (System.nanoTime() >= nextStatus) {
                out.printf("holdfast dev: write path: %s%n", system.writePath().statusLine());
                out.printf("holdfast dev: fleet: %s%n", system.fleet().simulator().status().oneLine());
                out.flush();
                nextStatus = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            }
        }
        return 0;
    }

    private static Map<String, String> withKafka(EmbeddedStack stack, Map<String, String> settings) {
        Map<String, String> all = new LinkedHashMap<>(settings);
        all.put("bootstrap.servers", stack.kafka().bootstrapServers());
        return all;
    }

    private static boolean allRunning(EmbeddedStack stack) {
        return stack.kafka().isRunning() && stack.mariaDb().isRunning() && stack.s3().isRunning();
    }

    private static String statusJson(EmbeddedStack stack, TopicCatalog catalog) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("kafka_bootstrap_servers", stack.kafka().bootstrapServers());
        fields.put("mariadb_jdbc_url", stack.mariaDb().jdbcUrl());
        fields.put("s3_endpoint", stack.s3().endpoint());
        fields.put("s3_bucket", stack.bucket());
        fields.put("topic_prefix", catalog.prefix());
        fields.put("all_running", allRunning(stack));
        try {
            return JSON.writeValueAsString(fields) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
