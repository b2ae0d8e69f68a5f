package io.holdfast.launcher;

import io.holdfast.embedded.EmbeddedKafka;
import io.holdfast.embedded.EmbeddedMariaDb;
import io.holdfast.embedded.EmbeddedS3;
import io.holdfast.embedded.EmbeddedStack;
import io.holdfast.launcher.internal.ConfigOptions;
import io.holdfast.launcher.internal.StopSignal;
import io.holdfast.launcher.internal.WritePathServices;
import io.holdfast.topology.catalog.TopicCatalog;
import io.holdfast.topology.catalog.TopicEnsurer;
import io.holdfast.topology.config.HoldfastConfig;
import io.holdfast.topology.http.AppHttpServer;
import io.holdfast.topology.http.HttpReply;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
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
 * embedded stack (Kafka broker, MariaDB with binlog, S3 server), creates every catalog topic,
 * prints the endpoints and runs until Ctrl-C, then stops everything it started and exits 0.
 * The data directory is kept, so the next run resumes where this one stopped ({@code --fresh}
 * starts over).
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

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        StopSignal stop = StopSignal.install();
        for (int port : new int[] {kafkaPort, mariaDbPort, s3Port, httpPort}) {
            if (port < 0 || port > 65535) {
                throw new io.holdfast.launcher.internal.Failures.UserError("port " + port + " is not between 0 and 65535");
            }
        }
        // Settings are validated before anything starts: a bad value costs nothing.
        config.load(Map.of());
        Path root = resolveDir();
        if (fresh) {
            deleteRecursively(root);
        }
        Files.createDirectories(root);

        long began = System.nanoTime();
        out.printf("holdfast dev: starting Kafka, MariaDB and S3 in %s%n", root);
        out.flush();
        EmbeddedStack stack = startWithProgress(root, out, began);
        AppHttpServer http = null;
        WritePathServices writePath = null;
        try {
            HoldfastConfig settings = config.load(Map.of("bootstrap.servers", stack.kafka().bootstrapServers()));
            TopicCatalog catalog = new TopicCatalog(settings);
            TopicEnsurer.Report topics;
            try (Admin admin = stack.kafka().admin()) {
                topics = new TopicEnsurer(admin, Duration.ofSeconds(60)).ensure(catalog.all());
            }
            Map<String, String> writePathSettings = config.validated(withKafka(stack, WritePathServices.embeddedDefaults(
                    stack.mariaDb().jdbcUrl(), stack.mariaDb().user(), stack.mariaDb().password(), stack.s3().endpoint(),
                    EmbeddedS3.ACCESS_KEY, EmbeddedS3.SECRET_KEY, EmbeddedS3.REGION, stack.bucket(),
                    root.resolve("streams-state").toString())));
            out.println("holdfast dev: starting the binlog source, the S3 scanner, the reconciler and the reconcile executor");
            out.flush();
            writePath = WritePathServices.start(writePathSettings);
            http = AppHttpServer.start("127.0.0.1", httpPort);
            AppHttpServer status = http;
            status.route("/live", r -> HttpReply.text(200, "live\n"));
            status.route("/ready", r -> allRunning(stack) ? HttpReply.text(200, "ready\n") : HttpReply.text(503, "a component is down\n"));
            status.route("/status", r -> HttpReply.json(200, statusJson(stack, catalog)));

            printEndpoints(out, stack, catalog, topics, status.port(), writePath.reconciler().http().port(), root, began);
            int code = superviseUntilStopped(stack, writePath, stop, out);
            out.printf("holdfast dev: stopping (%s)%n", stop.reason());
            out.flush();
            return code;
        } finally {
            long stopping = System.nanoTime();
            if (http != null) {
                http.close();
            }
            if (writePath != null) {
                writePath.close();
            }
            stack.close();
            out.printf("holdfast dev: stopped in %.1f s; data kept in %s%n",
                    (System.nanoTime() - stopping) / 1e9, root);
            out.flush();
        }
    }

    private Path resolveDir() {
        if (dir != null) {
            return dir.toAbsolutePath();
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
                                       int httpPort, int reconcilerPort, Path root, long began) {
        out.println();
        out.printf("holdfast dev is up after %.1f s. Endpoints (127.0.0.1 only):%n", (System.nanoTime() - began) / 1e9);
        out.printf("  Kafka bootstrap servers  %s%n", stack.kafka().bootstrapServers());
        out.printf("  MariaDB JDBC URL         %s%n", stack.mariaDb().jdbcUrl());
        out.printf("                           user %s, password in %s%n", stack.mariaDb().user(), stack.mariaDb().credentialsFile());
        out.printf("  S3 endpoint              %s  bucket %s (path-style; any access key)%n", stack.s3().endpoint(), stack.bucket());
        out.printf("  Dev status HTTP          http://127.0.0.1:%d/status  (/live, /ready)%n", httpPort);
        out.printf("  Reconciler HTTP          http://127.0.0.1:%d/workflow  (/entities/<id>, /workflow/diff, /metrics)%n",
                reconcilerPort);
        out.printf("  Topics                   %s (e.g. %s, %s)%n", topics.summary(), catalog.volumeMetrics.name(),
                catalog.fleetCommands.name());
        out.printf("  Data and logs            %s%n", root);
        out.println("Press Ctrl-C to stop.");
        out.flush();
    }

    /**
     * Waits for Ctrl-C, printing the write path's status every 5 s; a component that dies on its own is
     * reported and ends the run with exit code 1.
     */
    private static int superviseUntilStopped(EmbeddedStack stack, WritePathServices writePath, StopSignal stop, PrintWriter out)
            throws InterruptedException {
        long nextStatus = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!stop.await(1, TimeUnit.SECONDS)) {
            String down = down(stack);
            if (down == null) {
                down = writePath.failure().orElse(null);
            }
            if (down != null) {
                out.printf("holdfast: %s exited unexpectedly; see its log under %s%n", down, stack.rootDir());
                stop.request(down + " exited");
                return 1;
            }
            if (System.nanoTime() >= nextStatus) {
                out.printf("holdfast dev: %s%n", writePath.statusLine());
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
        return down(stack) == null;
    }

    private static String down(EmbeddedStack stack) {
        if (!stack.kafka().isRunning()) {
            return "the Kafka broker";
        }
        if (!stack.mariaDb().isRunning()) {
            return "MariaDB";
        }
        if (!stack.s3().isRunning()) {
            return "the S3 server";
        }
        return null;
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
