package io.holdfast.launcher;

import io.holdfast.launcher.internal.ConfigOptions;
import io.holdfast.topology.catalog.TopicCatalog;
import io.holdfast.topology.catalog.TopicEnsurer;
import io.holdfast.topology.config.HoldfastConfig;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code holdfast topics ensure}: the catalog's topics on a real cluster. */
@Command(name = "topics", mixinStandardHelpOptions = true, description = "Manage holdfast's topics.",
        subcommands = TopicsCommand.Ensure.class)
final class TopicsCommand implements Runnable {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "ensure", mixinStandardHelpOptions = true,
            description = {"Create every missing holdfast topic, wait for its leaders, and report existing topics whose "
                    + "settings differ from the catalog. Existing topics are never altered; running it twice is a no-op."})
    static final class Ensure implements Callable<Integer> {

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Mixin
        ConfigOptions config;

        @Option(names = "--fail-on-difference", description = "Exit 3 if an existing topic differs from the catalog.")
        boolean failOnDifference;

        @Option(names = "--timeout", defaultValue = "PT60S", paramLabel = "DURATION",
                description = "How long to wait for the cluster (ISO-8601, default ${DEFAULT-VALUE}).")
        Duration timeout;

        @Override
        public Integer call() throws Exception {
            HoldfastConfig settings = config.load(Map.of());
            var out = spec.commandLine().getOut();
            Map<String, Object> adminProps = new java.util.HashMap<>(settings.kafkaProperties());
            adminProps.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
            if (!adminProps.containsKey(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG)) {
                throw new io.holdfast.launcher.internal.Failures.UserError(
                        "no bootstrap.servers: set it in --config FILE, HOLDFAST_BOOTSTRAP_SERVERS or --set bootstrap.servers=HOST:PORT");
            }
            try (Admin admin = Admin.create(adminProps)) {
                return ensure(new TopicCatalog(settings), admin, timeout, out, failOnDifference);
            }
        }

        static int ensure(TopicCatalog catalog, Admin admin, Duration timeout, java.io.PrintWriter out, boolean failOnDifference)
                throws InterruptedException {
            TopicEnsurer.Report report = new TopicEnsurer(admin, timeout).ensure(catalog.all());
            report.created().forEach(t -> out.println("created    " + t));
            report.differing().forEach((t, diffs) -> out.println("DIFFERS    " + t + ": " + String.join("; ", diffs)));
            out.println("topics: " + report.summary());
            return failOnDifference && !report.differing().isEmpty() ? 3 : 0;
        }
    }
}
