package io.holdfast.launcher;

import io.holdfast.health.HealthApp;
import io.holdfast.health.HealthConfig;
import io.holdfast.launcher.internal.ConfigOptions;
import io.holdfast.launcher.internal.StopSignal;
import io.holdfast.reconciler.ReconcilerApp;
import io.holdfast.reconciler.ReconcilerConfig;
import io.holdfast.topology.app.RunningApp;
import io.holdfast.topology.app.StreamsApp;
import io.holdfast.topology.config.HoldfastConfig;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code holdfast run <app>}: one stream app against a real cluster, until Ctrl-C or SIGTERM. */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Run one of holdfast's stream apps.",
        subcommands = {RunCommand.Health.class, RunCommand.Reconciler.class})
final class RunCommand implements Runnable {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "health", mixinStandardHelpOptions = true,
            description = "The health app: fleet.volume-metrics -> state.volume-health (volume health classifier), and "
                    + "state.volume-health + fleet.tablets + commands.results -> commands.fleet (shard reparent, fence, "
                    + "replace and retire workflow; see health-stream/RECOVERY.md).")
    static final class Health implements Callable<Integer> {

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Mixin
        ConfigOptions config;

        @Override
        public Integer call() throws Exception {
            HealthConfig settings = HealthConfig.ofValidated(config.validated(Map.of()));
            return runUntilStopped(new HealthApp(settings), settings, spec.commandLine().getOut());
        }
    }

    @Command(name = "reconciler", mixinStandardHelpOptions = true,
            description = "The reconciler: Debezium change events of the revisions and heads tables + s3.snapshots -> "
                    + "commands.reconcile (ReplaySnapshot, MarkPublished, AdvanceHead), alerts (invariant violations), "
                    + "audit, and state.workflow (copy, GTID and diff progress). Queries: /entities/<id>, /workflow, "
                    + "/workflow/diff.")
    static final class Reconciler implements Callable<Integer> {

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Mixin
        ConfigOptions config;

        @Override
        public Integer call() throws Exception {
            ReconcilerConfig settings = ReconcilerConfig.ofValidated(config.validated(Map.of()));
            return runUntilStopped(new ReconcilerApp(settings), settings, spec.commandLine().getOut());
        }
    }

    /**
     * Starts {@code app}, prints where it listens and a status line every 10 s, and stops it on
     * Ctrl-C/SIGTERM (exit 0) or reports that it died (exit 1).
     */
    static int runUntilStopped(StreamsApp app, HoldfastConfig settings, PrintWriter out) throws InterruptedException {
        StopSignal stop = StopSignal.install();
        try (RunningApp running = RunningApp.start(app, settings)) {
            out.printf("holdfast %s: application.id %s, HTTP http://%s:%d (/ready, /metrics, /topology); Ctrl-C to stop%n",
                    app.name(), running.applicationId(), running.self().host(), running.self().port());
            out.flush();
            while (!stop.await(10, TimeUnit.SECONDS)) {
                KafkaStreams.State state = running.streams().state();
                if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING) {
                    out.printf("holdfast: %s stopped on its own (%s); see the log for the cause%n", app.name(), state);
                    out.flush();
                    return 1;
                }
                out.printf("holdfast %s: %s%n", app.name(), state);
                out.flush();
            }
            out.printf("holdfast %s: stopping (%s)%n", app.name(), stop.reason());
            out.flush();
        }
        return 0;
    }
}
