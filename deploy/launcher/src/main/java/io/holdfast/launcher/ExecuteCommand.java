package io.holdfast.launcher;

import io.holdfast.connectors.fleet.FleetCommandRunner;
import io.holdfast.connectors.fleet.FleetExecutor;
import io.holdfast.connectors.fleet.FleetExecutorConfig;
import io.holdfast.connectors.fleet.SimulatorApiExecutor;
import io.holdfast.connectors.fleet.VtctldFleetExecutor;
import io.holdfast.connectors.reconcile.ReconcileCommandRunner;
import io.holdfast.connectors.reconcile.ReconcileExecutorConfig;
import io.holdfast.connectors.reconcile.StoreRepairs;
import io.holdfast.connectors.store.StoreChecks;
import io.holdfast.connectors.store.StoreClients;
import io.holdfast.connectors.store.StoreConfig;
import io.holdfast.launcher.internal.ConfigOptions;
import io.holdfast.launcher.internal.ProcessEndpoints;
import io.holdfast.launcher.internal.StatusLoop;
import io.holdfast.launcher.internal.StopSignal;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code holdfast execute ...}: command executors, from the command topics to the real systems. */
@Command(name = "execute", mixinStandardHelpOptions = true, description = "Execute the commands the stream apps decide.",
        subcommands = {ExecuteCommand.Fleet.class, ExecuteCommand.Reconcile.class})
final class ExecuteCommand implements Runnable {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Where fleet commands are carried out: Vitess through vtctldclient, or the fleet simulator through its API. */
    enum Driver { VTCTLD, SIM }

    @Command(name = "fleet", mixinStandardHelpOptions = true,
            description = {"Execute commands.fleet (reparents, fences, volume provisioning and retirement) and publish each "
                    + "outcome to commands.results, until Ctrl-C.",
                    "vtctld: reparents with vtctldclient PlannedReparentShard / EmergencyReparentShard; the other operations "
                            + "with the hooks holdfast.fleet.hook.*. Settings: holdfast.fleet.* (see `holdfast config --list`)."})
    static final class Fleet implements Callable<Integer> {

        private static final Duration STATUS_EVERY = Duration.ofSeconds(10);

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Mixin
        ConfigOptions config;

        @Option(names = "--driver", paramLabel = "DRIVER", defaultValue = "vtctld",
                description = "Where commands are carried out (default ${DEFAULT-VALUE}): vtctld is vtctldclient for reparents "
                        + "and the holdfast.fleet.hook.* programs for the rest; sim is the fleet API of a `holdfast sim fleet` "
                        + "(holdfast.fleet.sim.url) started with holdfast.sim.execute.commands=false.")
        Driver driver;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            FleetExecutorConfig settings = FleetExecutorConfig.ofValidated(config.validated(ProcessEndpoints.DEFAULTS));
            FleetExecutor executor;
            String target;
            if (driver == Driver.SIM) {
                SimulatorApiExecutor sim = SimulatorApiExecutor.fromConfig(settings);
                executor = sim;
                target = "the fleet simulator at " + sim.commands() + " as " + sim.name();
            } else {
                VtctldFleetExecutor vtctld = VtctldFleetExecutor.fromConfig(settings);
                executor = vtctld;
                target = vtctld.settings().binary() + " against vtctld " + vtctld.settings().server() + " as " + vtctld.name() + "; "
                        + hooks(settings);
            }
            StopSignal stop = StopSignal.install();
            FleetCommandRunner runner = FleetCommandRunner.start(settings, settings.runnerSettings(), executor);
            try (ProcessEndpoints endpoints = new ProcessEndpoints().serve(settings, runner::failure)) {
                out.printf("holdfast execute fleet: %s (group %s); %s; Ctrl-C stops%n", target, settings.runnerSettings().groupId(),
                        endpoints.describe());
                out.flush();
                StatusLoop.run("execute fleet", stop, STATUS_EVERY, out, () -> runner.status().oneLine(), runner::failure);
                out.printf("holdfast execute fleet: stopping (%s)%n", stop.reason());
                out.flush();
            } finally {
                runner.close();
                executor.close();
            }
            out.printf("holdfast execute fleet: stopped: %s%n", runner.status().oneLine());
            return 0;
        }

        /** Which operations have a hook: the others are answered FAILED "not configured", which an operator should know at start. */
        private static String hooks(FleetExecutorConfig settings) {
            List<String> configured = new ArrayList<>();
            List<String> missing = new ArrayList<>();
            (settings.fenceHook().isEmpty() ? missing : configured).add("fence");
            (settings.provisionHook().isEmpty() ? missing : configured).add("provision");
            (settings.retireHook().isEmpty() ? missing : configured).add("retire");
            if (missing.isEmpty()) {
                return "hooks for fence, provision and retire";
            }
            return (configured.isEmpty() ? "no hooks" : "hooks for " + String.join(", ", configured)) + " (no "
                    + String.join(", ", missing) + " hook: those commands are answered FAILED)";
        }
    }

    @Command(name = "reconcile", mixinStandardHelpOptions = true,
            description = {"Execute commands.reconcile (replay a snapshot's revision row, advance a head, mark a snapshot "
                    + "published) on the entity store and publish each outcome to commands.results, until Ctrl-C or SIGTERM.",
                    "The store is holdfast.db.* and holdfast.s3.* with holdfast.snapshots.*; the runner is "
                            + "holdfast.executor.reconcile.* (see `holdfast config --list`); the topics must exist (`holdfast topics ensure`)."})
    static final class Reconcile implements Callable<Integer> {

        private static final Duration STATUS_EVERY = Duration.ofSeconds(10);

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Mixin
        ConfigOptions config;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            ReconcileExecutorConfig settings = ReconcileExecutorConfig.ofValidated(config.validated(ProcessEndpoints.DEFAULTS));
            ReconcileCommandRunner.Settings runnerSettings = settings.runnerSettings();
            StoreConfig store = settings.store();
            StopSignal stop = StopSignal.install();
            try (StoreClients clients = StoreClients.open(store); ProcessEndpoints endpoints = new ProcessEndpoints()) {
                // Before any command is taken: a wrong bucket or database would otherwise fail every one of them.
                StoreChecks.requireBucket(clients.s3(), store.bucket());
                StoreChecks.requireDatabase(clients.database(), store.getString(StoreConfig.DB_URL), false);
                ReconcileCommandRunner runner = ReconcileCommandRunner.start(settings, runnerSettings, StoreRepairs.of(clients, store),
                        endpoints.registry());
                try {
                    endpoints.serve(settings, runner::failure);
                    out.printf("holdfast execute reconcile: %s on bucket %s and %s (group %s, %d entities at a time); %s; Ctrl-C stops%n",
                            runnerSettings.executorName(), store.bucket(), store.getString(StoreConfig.DB_URL), runnerSettings.groupId(),
                            runnerSettings.concurrency(), endpoints.describe());
                    out.flush();
                    StatusLoop.run("execute reconcile", stop, STATUS_EVERY, out, () -> runner.status().oneLine(), runner::failure);
                    out.printf("holdfast execute reconcile: stopping (%s)%n", stop.reason());
                    out.flush();
                } finally {
                    // The runner first: it finishes the command in hand and commits; the pool is closed after it.
                    runner.close();
                }
                out.printf("holdfast execute reconcile: stopped: %s%n", runner.status().oneLine());
            }
            return 0;
        }
    }
}
