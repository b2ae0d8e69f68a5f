package io.holdfast.connectors.fleet;

import io.holdfast.connectors.fleet.internal.MillisRange;
import io.holdfast.topology.config.ConfigSources;
import io.holdfast.topology.config.HoldfastConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * Settings of {@code holdfast sim fleet}: the base holdfast keys, {@code holdfast.sim.*} (the fleet's
 * shape, its timing and random injections) and the {@code holdfast.fleet.*} keys of the command runner
 * it executes {@code commands.fleet} with.
 */
public final class SimulatorConfig extends HoldfastConfig {

    public static final String KEYSPACE = "holdfast.sim.keyspace";
    public static final String SHARDS = "holdfast.sim.shards";
    public static final String TABLETS = "holdfast.sim.tablets";
    public static final String CELLS = "holdfast.sim.cells";
    public static final String VOLUMES_PER_NODE = "holdfast.sim.volumes.per.node";
    public static final String PERIOD_MS = "holdfast.sim.period.ms";
    public static final String REFRESH_MS = "holdfast.sim.refresh.ms";
    public static final String TIME_SCALE = "holdfast.sim.time.scale";
    public static final String SEED = "holdfast.sim.seed";
    public static final String REPLICA_LAG_MS = "holdfast.sim.replica.lag.ms";
    public static final String DELAY_PREFIX = "holdfast.sim.delay.";
    public static final String INJECT_RATE_PER_HOUR = "holdfast.sim.inject.rate.per.hour";
    public static final String INJECT_KINDS = "holdfast.sim.inject.kinds";
    public static final String INJECT_CELL_SHARE = "holdfast.sim.inject.cell.share";
    public static final String GROUP_ID = "holdfast.sim.group.id";
    public static final String EXECUTE_COMMANDS = "holdfast.sim.execute.commands";
    public static final String API_PORT = "holdfast.sim.api.port";
    public static final String API_ADDRESS = "holdfast.sim.api.address";

    private static final Map<SimulatedOperation, String> DEFAULT_DELAYS = Map.of(
            SimulatedOperation.PLANNED_REPARENT, "1000-3000",
            SimulatedOperation.EMERGENCY_REPARENT, "2000-5000",
            SimulatedOperation.FENCE, "500-1500",
            SimulatedOperation.PROVISION, "30000-120000",
            SimulatedOperation.RETIRE, "1000-3000",
            SimulatedOperation.CATCH_UP, "5000-15000",
            SimulatedOperation.RECONNECT, "2000-5000");

    private static final ConfigDef DEFINITION = define(FleetExecutorConfig.define(baseDefinition()));

    public SimulatorConfig(Map<?, ?> props) {
        super(DEFINITION, props);
    }

    private SimulatorConfig(Map<?, ?> props, boolean refuseUnknownHoldfastKeys) {
        super(DEFINITION, props, refuseUnknownHoldfastKeys);
    }

    /** These settings out of {@code props} already validated against every component's keys (by the launcher). */
    public static SimulatorConfig ofValidated(Map<?, ?> props) {
        return new SimulatorConfig(props, false);
    }

    /** Loads defaults < {@code file} < {@code HOLDFAST_*} environment < {@code overrides}. */
    public static SimulatorConfig load(Optional<Path> file, Map<String, String> env, Map<String, String> overrides) {
        return new SimulatorConfig(ConfigSources.merge(file, env, overrides, DEFINITION));
    }

    /** The key of an operation's duration range, e.g. {@code holdfast.sim.delay.planned.reparent.ms}. */
    public static String delayKey(SimulatedOperation operation) {
        return DELAY_PREFIX + operation.name().toLowerCase(Locale.ROOT).replace('_', '.') + ".ms";
    }

    /** Adds the simulator's keys to {@code definition} and returns it. */
    public static ConfigDef define(ConfigDef definition) {
        definition
                .define(KEYSPACE, Type.STRING, "commerce", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                        "Keyspace of the simulated shards.")
                .define(SHARDS, Type.INT, 4, Range.between(1, 256), Importance.HIGH,
                        "Shards of the keyspace, named like Vitess key ranges (-40, 40-80, ... for 4; 0 for 1).")
                .define(TABLETS, Type.INT, 3, Range.between(1, 20), Importance.HIGH,
                        "Tablets per shard; tablet 0 starts as PRIMARY, the others as REPLICA; tablet i lives in cell i mod cells.")
                .define(CELLS, Type.LIST, "zone1,zone2,zone3", cellsValidator(), Importance.MEDIUM,
                        "Cells (availability zones) the tablets are spread over.")
                .define(VOLUMES_PER_NODE, Type.INT, 6, Range.between(1, 64), Importance.LOW,
                        "About this many volumes share a node within a cell (the health classifier's peer group), mixing shards.")
                .define(PERIOD_MS, Type.LONG, 1_000L, Range.between(1_000, 60_000), Importance.MEDIUM,
                        "One VolumeMetric per live tablet volume per period, with the wall clock as event time.")
                .define(REFRESH_MS, Type.LONG, 5_000L, Range.atLeast(100), Importance.LOW,
                        "Every tablet is published again this often, besides on every change.")
                .define(TIME_SCALE, Type.DOUBLE, 1.0, Range.between(0.001, 100), Importance.MEDIUM,
                        "Factor applied to every operation's duration (reparents, fence, provisioning, retire, catch-up, "
                                + "reconnect): 0.1 runs them ten times faster. Episode durations are not scaled.")
                .define(SEED, Type.LONG, 1L, Importance.LOW,
                        "Seed of every random choice (volume behaviour, delays, random injections): the same seed and inputs "
                                + "give the same fleet.")
                .define(REPLICA_LAG_MS, Type.STRING, "10-80", MillisRange.validator(), Importance.LOW,
                        "Replication lag of a healthy replica, drawn anew at every refresh (MIN-MAX ms).")
                .define(INJECT_RATE_PER_HOUR, Type.DOUBLE, 0.0, Range.between(0, 3_600), Importance.MEDIUM,
                        "Random injections per hour (a Poisson process); 0 injects nothing on its own.")
                .define(INJECT_KINDS, Type.LIST, String.join(",", kindNames()), kindsValidator(), Importance.LOW,
                        "Kinds random injection picks from: " + String.join(", ", kindNames()) + ".")
                .define(INJECT_CELL_SHARE, Type.DOUBLE, 0.5, Range.between(0.01, 1), Importance.LOW,
                        "Share of a cell's volumes a random CELL_EVENT degrades together.")
                .define(GROUP_ID, Type.STRING, "holdfast-fleet-simulator", new ConfigDef.NonEmptyString(), Importance.LOW,
                        "Consumer group of the simulator on commands.fleet (its own, so that it never shares commands with "
                                + "`holdfast execute fleet`).")
                .define(EXECUTE_COMMANDS, Type.BOOLEAN, true, Importance.MEDIUM,
                        "Whether the simulator executes commands.fleet itself. Off, it leaves them to `holdfast execute fleet "
                                + "--driver sim`, which reaches it through its fleet API (" + API_PORT + "), so that the fleet "
                                + "executor runs, and can crash, in a process of its own.")
                .define(API_PORT, Type.INT, -1, Range.between(-1, 65_535), Importance.MEDIUM,
                        "Port of the simulator's fleet API (POST /commands), what vtctld is to a real fleet; -1 serves none, "
                                + "0 a free port (printed at start).")
                .define(API_ADDRESS, Type.STRING, "127.0.0.1", new ConfigDef.NonEmptyString(), Importance.LOW,
                        "Address the fleet API listens on. The API has no authentication: keep it on loopback.");
        for (SimulatedOperation operation : SimulatedOperation.values()) {
            definition.define(delayKey(operation), Type.STRING, DEFAULT_DELAYS.get(operation), MillisRange.validator(), Importance.LOW,
                    "How long a simulated " + operation.name().toLowerCase(Locale.ROOT).replace('_', ' ')
                            + " takes, drawn uniformly (MIN-MAX ms) and multiplied by " + TIME_SCALE + ".");
        }
        return definition;
    }

    private static List<String> kindNames() {
        return java.util.Arrays.stream(InjectionKind.values()).map(Enum::name).toList();
    }

    private static ConfigDef.Validator cellsValidator() {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                @SuppressWarnings("unchecked")
                List<String> cells = (List<String>) value;
                if (cells.isEmpty() || cells.stream().anyMatch(String::isBlank) || cells.stream().distinct().count() != cells.size()) {
                    throw new ConfigException(name, value, "at least one cell, names distinct and not empty");
                }
            }

            @Override
            public String toString() {
                return "distinct cell names, comma-separated";
            }
        };
    }

    private static ConfigDef.Validator kindsValidator() {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                @SuppressWarnings("unchecked")
                List<String> kinds = (List<String>) value;
                if (kinds.isEmpty()) {
                    throw new ConfigException(name, value, "at least one kind");
                }
                for (String kind : kinds) {
                    if (!kindNames().contains(kind.trim().toUpperCase(Locale.ROOT))) {
                        throw new ConfigException(name, value, "'" + kind + "' is not one of " + kindNames());
                    }
                }
            }

            @Override
            public String toString() {
                return "kinds among " + kindNames();
            }
        };
    }

    public String keyspace() {
        return getString(KEYSPACE);
    }

    public int shards() {
        return getInt(SHARDS);
    }

    public int tablets() {
        return getInt(TABLETS);
    }

    public List<String> cells() {
        return getList(CELLS).stream().map(String::trim).toList();
    }

    public int volumesPerNode() {
        return getInt(VOLUMES_PER_NODE);
    }

    public Duration period() {
        return Duration.ofMillis(getLong(PERIOD_MS));
    }

    public Duration refresh() {
        return Duration.ofMillis(getLong(REFRESH_MS));
    }

    public double timeScale() {
        return getDouble(TIME_SCALE);
    }

    public long seed() {
        return getLong(SEED);
    }

    MillisRange replicaLag() {
        return MillisRange.parse(getString(REPLICA_LAG_MS));
    }

    Map<SimulatedOperation, MillisRange> delays() {
        Map<SimulatedOperation, MillisRange> delays = new EnumMap<>(SimulatedOperation.class);
        for (SimulatedOperation operation : SimulatedOperation.values()) {
            delays.put(operation, MillisRange.parse(getString(delayKey(operation))));
        }
        return delays;
    }

    public double injectionRatePerHour() {
        return getDouble(INJECT_RATE_PER_HOUR);
    }

    public List<InjectionKind> injectionKinds() {
        return getList(INJECT_KINDS).stream().map(k -> InjectionKind.valueOf(k.trim().toUpperCase(Locale.ROOT))).toList();
    }

    public double injectionCellShare() {
        return getDouble(INJECT_CELL_SHARE);
    }

    public boolean executeCommands() {
        return getBoolean(EXECUTE_COMMANDS);
    }

    /** The fleet API's port: empty when none is served, 0 for a free one. */
    public OptionalInt apiPort() {
        int port = getInt(API_PORT);
        return port < 0 ? OptionalInt.empty() : OptionalInt.of(port);
    }

    public String apiAddress() {
        return getString(API_ADDRESS);
    }

    /** How the simulator's command runner runs (the {@code holdfast.fleet.*} runner keys, under {@link #GROUP_ID}). */
    public FleetCommandRunner.Settings runnerSettings() {
        return FleetExecutorConfig.runnerSettings(this, getString(GROUP_ID));
    }
}
