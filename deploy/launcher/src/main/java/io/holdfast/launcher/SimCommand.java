package io.holdfast.launcher;

import io.holdfast.connectors.fleet.FleetSimulator;
import io.holdfast.connectors.fleet.SimulatorApi;
import io.holdfast.connectors.fleet.SimulatorConfig;
import io.holdfast.launcher.internal.ConfigOptions;
import io.holdfast.launcher.internal.Failures;
import io.holdfast.launcher.internal.SimulatorConsole;
import io.holdfast.launcher.internal.StatusLoop;
import io.holdfast.launcher.internal.StopSignal;
import io.holdfast.schemas.FleetCommandType;
import java.io.IOException;
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

/** {@code holdfast sim ...}: simulated parts of the system, for development and tests. */
@Command(name = "sim", mixinStandardHelpOptions = true, description = "Simulated parts of the system.",
        subcommands = SimCommand.Fleet.class)
final class SimCommand implements Runnable {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "fleet", mixinStandardHelpOptions = true,
            description = {"Simulate a Vitess fleet on EBS-like volumes: publish fleet.tablets and per-period fleet.volume-metrics, "
                    + "execute commands.fleet with realistic delays, inject degradations, and keep a ledger of impact windows "
                    + "and split-brain moments, until Ctrl-C.",
                    "Type 'help' on the terminal for injections. Settings: holdfast.sim.* and holdfast.fleet.* (see "
                            + "`holdfast config --list`); the topics must exist (`holdfast topics ensure`)."})
    static final class Fleet implements Callable<Integer> {

        private static final Duration STATUS_EVERY = Duration.ofSeconds(10);

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Mixin
        ConfigOptions config;

        @Option(names = "--keyspace", paramLabel = "NAME", description = "Keyspace (holdfast.sim.keyspace).")
        String keyspace;

        @Option(names = "--shards", paramLabel = "N", description = "Shards (holdfast.sim.shards).")
        Integer shards;

        @Option(names = "--tablets", paramLabel = "N", description = "Tablets per shard (holdfast.sim.tablets).")
        Integer tablets;

        @Option(names = "--cells", paramLabel = "CELL,...", description = "Cells (holdfast.sim.cells).")
        String cells;

        @Option(names = "--period-ms", paramLabel = "MS", description = "Volume metric period (holdfast.sim.period.ms).")
        Long periodMs;

        @Option(names = "--time-scale", paramLabel = "X", description = "Factor on every operation's duration (holdfast.sim.time.scale).")
        Double timeScale;

        @Option(names = "--inject-rate", paramLabel = "PER_HOUR", description = "Random injections per hour (holdfast.sim.inject.rate.per.hour).")
        Double injectRate;

        @Option(names = "--seed", paramLabel = "N", description = "Seed of every random choice (holdfast.sim.seed).")
        Long seed;

        @Option(names = "--fail-next", paramLabel = "TYPE[:SHARD]",
                description = "Fail the next command of TYPE (of SHARD); repeatable.")
        List<String> failNext = new ArrayList<>();

        @Option(names = "--time-out-next", paramLabel = "TYPE[:SHARD]",
                description = "Never answer the next command of TYPE (of SHARD); repeatable.")
        List<String> timeOutNext = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            putIfGiven(SimulatorConfig.KEYSPACE, keyspace);
            putIfGiven(SimulatorConfig.SHARDS, shards);
            putIfGiven(SimulatorConfig.TABLETS, tablets);
            putIfGiven(SimulatorConfig.CELLS, cells);
            putIfGiven(SimulatorConfig.PERIOD_MS, periodMs);
            putIfGiven(SimulatorConfig.TIME_SCALE, timeScale);
            putIfGiven(SimulatorConfig.INJECT_RATE_PER_HOUR, injectRate);
            putIfGiven(SimulatorConfig.SEED, seed);
            // Parsed before anything starts, so that a typo costs no connection to the cluster.
            List<Fault> failures = faults(failNext);
            List<Fault> silences = faults(timeOutNext);
            SimulatorConfig settings = SimulatorConfig.ofValidated(config.validated(Map.of()));
            if (!settings.executeCommands() && settings.apiPort().isEmpty()) {
                throw new Failures.UserError(SimulatorConfig.EXECUTE_COMMANDS + "=false leaves commands.fleet to `holdfast execute fleet "
                        + "--driver sim`, which needs the fleet API: set " + SimulatorConfig.API_PORT);
            }
            StopSignal stop = StopSignal.install();
            FleetSimulator simulator = FleetSimulator.start(settings);
            SimulatorApi api = null;
            try {
                failures.forEach(f -> simulator.failNext(f.type(), f.shard()));
                silences.forEach(f -> simulator.timeOutNext(f.type(), f.shard()));
                if (settings.apiPort().isPresent()) {
                    api = serveApi(simulator, settings);
                }
                out.printf("holdfast sim fleet: %d shards x %d tablets of keyspace %s in %s; volume metrics every %d ms, "
                                + "operations x%s, %s random injections per hour; %s; type 'help' for injections, Ctrl-C stops%n",
                        settings.shards(), settings.tablets(), settings.keyspace(), String.join(", ", settings.cells()),
                        settings.period().toMillis(), settings.timeScale(), settings.injectionRatePerHour(), commands(settings, api));
                out.flush();
                new SimulatorConsole(simulator).startReading(System.in, out);
                StatusLoop.run("sim fleet", stop, STATUS_EVERY, out, () -> simulator.status().oneLine(), simulator::failure);
                out.printf("holdfast sim fleet: stopping (%s)%n", stop.reason());
                out.flush();
            } finally {
                // The simulator first: commands in flight on the API are then answered 503 rather than cut off.
                simulator.close();
                if (api != null) {
                    api.close();
                }
            }
            for (String line : SimulatorConsole.ledger(simulator)) {
                out.println("holdfast sim fleet: " + line);
            }
            out.printf("holdfast sim fleet: stopped: %s%n", simulator.status().oneLine());
            return 0;
        }

        private static SimulatorApi serveApi(FleetSimulator simulator, SimulatorConfig settings) {
            try {
                return SimulatorApi.serve(simulator, settings.apiAddress(), settings.apiPort().getAsInt());
            } catch (IOException e) {
                simulator.close();
                throw new Failures.UserError("the fleet API cannot listen on " + settings.apiAddress() + ":" + settings.apiPort().getAsInt()
                        + " (" + SimulatorConfig.API_PORT + "): " + e.getMessage());
            }
        }

        /** Who executes commands.fleet, for the start line. */
        private static String commands(SimulatorConfig settings, SimulatorApi api) {
            String executes = settings.executeCommands() ? "executes commands.fleet itself"
                    : "leaves commands.fleet to `holdfast execute fleet --driver sim`";
            return api == null ? executes : executes + ", fleet API on " + api.uri();
        }

        private void putIfGiven(String key, Object value) {
            if (value != null) {
                config.overrides().put(key, String.valueOf(value));
            }
        }

        /** A command fault given on the command line: the next command of {@code type}, of {@code shard} unless null. */
        private record Fault(FleetCommandType type, String shard) {}

        private static List<Fault> faults(List<String> given) {
            List<Fault> faults = new ArrayList<>();
            for (String fault : given) {
                int colon = fault.indexOf(':');
                try {
                    FleetCommandType type = SimulatorConsole.type(colon < 0 ? fault : fault.substring(0, colon));
                    faults.add(new Fault(type, colon < 0 ? null : fault.substring(colon + 1)));
                } catch (IllegalArgumentException e) {
                    throw new Failures.UserError(e.getMessage());
                }
            }
            return faults;
        }
    }
}
