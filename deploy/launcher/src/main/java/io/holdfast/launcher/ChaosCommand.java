package io.holdfast.launcher;

import io.holdfast.embedded.EmbeddedS3;
import io.holdfast.embedded.EmbeddedStack;
import io.holdfast.launcher.chaos.ChaosRun;
import io.holdfast.launcher.internal.ConfigOptions;
import io.holdfast.launcher.internal.FleetServices;
import io.holdfast.launcher.internal.WritePathServices;
import io.holdfast.topology.catalog.TopicCatalog;
import io.holdfast.topology.catalog.TopicEnsurer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code holdfast chaos}: the whole system as in {@code holdfast dev}, every component in its own process,
 * under a seeded schedule of SIGKILLs and restarts, one broker and one database crash, and fleet
 * degradations; then convergence and the invariant check ({@link ChaosRun}). Exit 0 when no invariant was
 * violated, 1 otherwise, 2 for a bad flag.
 */
@Command(name = "chaos", mixinStandardHelpOptions = true,
        description = {"Run the whole system on the embedded stack, every component in its own process, with a writer and the fleet "
                + "simulator producing load, while components are killed (SIGKILL) and restarted at random moments; then stop the load, "
                + "wait for convergence and check every invariant from MariaDB, the binlog, S3, the commands and the simulator's ledger.",
                "Killed: the binlog source, the S3 scanner, the reconciler, the health app, the reconcile executor and the fleet "
                        + "executor (--kills times in all, each at least once when --kills allows), and once each the Kafka broker and "
                        + "MariaDB. Not killed: the fleet simulator, which is the world the components act on (the fleet executor "
                        + "reaches it through its fleet API, as a real one reaches vtctld).",
                "Exit 0 when no invariant was violated, 1 otherwise; the verdict also in DIR/chaos-result.json."})
final class ChaosCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ConfigOptions config;

    @Option(names = "--duration", paramLabel = "D", defaultValue = "4m",
            description = "How long the load and the kills last, e.g. 90s, 4m, 1h (default ${DEFAULT-VALUE}, at least 30s).")
    String duration;

    @Option(names = "--kills", paramLabel = "N", defaultValue = "20",
            description = "Component kills over the run, besides the broker and the database (default ${DEFAULT-VALUE}).")
    int kills;

    @Option(names = "--seed", paramLabel = "S",
            description = "Seed of the schedule (which component, when, how long down; the degradations; the writer's faults): the same "
                    + "seed gives the same schedule. Default: a random one, printed.")
    Long seed;

    @Option(names = "--dir", paramLabel = "DIR",
            description = "Working directory: the stack's data, each component's log, the result (default ./.holdfast/chaos; emptied first).")
    Path dir;

    @Option(names = "--write-rate", paramLabel = "PER_SECOND", defaultValue = "5",
            description = "Writes per second of the revision writer, 5 %% of them stopped after the S3 put, 5 %% after the row and 5 %% "
                    + "after the head (default ${DEFAULT-VALUE}).")
    double writeRate;

    @Option(names = "--converge-timeout", paramLabel = "D", defaultValue = "10m",
            description = "How long to wait after the load for the store to be consistent and every degradation repaired (default "
                    + "${DEFAULT-VALUE}); the first check reads every snapshot: more than 5 minutes for 7,400 of them on the embedded S3 here.")
    String convergeTimeout;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Duration d = duration("--duration", duration);
        Duration converge = duration("--converge-timeout", convergeTimeout);
        if (d.toSeconds() < 30) {
            throw new ParameterException(spec.commandLine(), "--duration must be at least 30s");
        }
        if (kills < 0) {
            throw new ParameterException(spec.commandLine(), "--kills must be 0 or more");
        }
        if (!(writeRate > 0)) {
            throw new ParameterException(spec.commandLine(), "--write-rate must be more than 0");
        }
        long s = seed != null ? seed : new SecureRandom().nextLong() & Long.MAX_VALUE;
        // Settings are validated before anything starts: a bad value costs nothing.
        config.load(Map.of());
        Path root = (dir != null ? dir : Path.of(".holdfast", "chaos")).toAbsolutePath();
        deleteRecursively(root);
        Files.createDirectories(root);
        out.printf("holdfast chaos: seed %d; starting Kafka, MariaDB and S3 in %s%n", s, root);
        out.flush();
        try (EmbeddedStack stack = EmbeddedStack.start(EmbeddedStack.Options.in(root))) {
            Map<String, String> defaults = new LinkedHashMap<>(WritePathServices.embeddedDefaults(
                    stack.mariaDb().jdbcUrl(), stack.mariaDb().user(), stack.mariaDb().password(), stack.s3().endpoint(),
                    EmbeddedS3.ACCESS_KEY, EmbeddedS3.SECRET_KEY, EmbeddedS3.REGION, stack.bucket(), root.resolve("streams-state").toString()));
            // Degradations come from the chaos schedule, not from the simulator's own random injector.
            defaults.putAll(FleetServices.embeddedDefaults(0));
            defaults.putAll(ChaosRun.settings(s));
            defaults.put("bootstrap.servers", stack.kafka().bootstrapServers());
            Map<String, String> settings = config.validated(defaults);
            TopicCatalog catalog = new TopicCatalog(config.load(defaults));
            try (Admin admin = stack.kafka().admin()) {
                out.printf("holdfast chaos: topics %s%n", new TopicEnsurer(admin, Duration.ofSeconds(60)).ensure(catalog.all()).summary());
            }
            return new ChaosRun(stack, settings, root, out, new ChaosRun.Options(d, kills, s, writeRate, converge, Duration.ofSeconds(20)))
                    .run();
        } finally {
            out.printf("holdfast chaos: stopped; data and logs kept in %s%n", root);
            out.flush();
        }
    }

    /** {@code 90s}, {@code 4m}, {@code 1h}, {@code 1h30m} or ISO-8601 ({@code PT4M}). */
    private Duration duration(String option, String text) {
        String t = text.trim().toUpperCase(Locale.ROOT);
        try {
            return Duration.parse(t.startsWith("P") ? t : "PT" + t);
        } catch (DateTimeParseException e) {
            throw new ParameterException(spec.commandLine(), option + " '" + text + "' is not a duration such as 90s, 4m or 1h");
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
