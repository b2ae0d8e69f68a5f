package io.holdfast.connectors.fleet;

import io.holdfast.connectors.commands.HostName;
import io.holdfast.topology.config.ConfigSources;
import io.holdfast.topology.config.HoldfastConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * Settings of {@code holdfast execute fleet}: the base holdfast keys plus {@code holdfast.fleet.*}
 * (the command runner, the vtctldclient driver and the hooks for the operations vtctld does not do).
 */
public final class FleetExecutorConfig extends HoldfastConfig {

    public static final String GROUP_ID = "holdfast.fleet.group.id";
    public static final String EXECUTOR_NAME = "holdfast.fleet.executor.name";
    public static final String CONCURRENCY = "holdfast.fleet.concurrency";
    public static final String RETRY_ATTEMPTS = "holdfast.fleet.retry.attempts";
    public static final String RETRY_BACKOFF_MS = "holdfast.fleet.retry.backoff.ms";
    public static final String RETRY_BACKOFF_MAX_MS = "holdfast.fleet.retry.backoff.max.ms";
    public static final String RESULTS_LOAD_TIMEOUT_MS = "holdfast.fleet.results.load.timeout.ms";
    public static final String VTCTLD_PATH = "holdfast.fleet.vtctld.path";
    public static final String VTCTLD_SERVER = "holdfast.fleet.vtctld.server";
    public static final String VTCTLD_TIMEOUT_MS = "holdfast.fleet.vtctld.timeout.ms";
    public static final String VTCTLD_WAIT_REPLICAS_TIMEOUT_MS = "holdfast.fleet.vtctld.wait.replicas.timeout.ms";
    public static final String VTCTLD_EXPECTED_PRIMARY_FLAG = "holdfast.fleet.vtctld.expected.primary.flag";
    public static final String VTCTLD_VERIFY_PRIMARY = "holdfast.fleet.vtctld.verify.primary";
    public static final String VTCTLD_GLOBAL_ARGS = "holdfast.fleet.vtctld.global.args";
    public static final String HOOK_FENCE_COMMAND = "holdfast.fleet.hook.fence.command";
    public static final String HOOK_PROVISION_COMMAND = "holdfast.fleet.hook.provision.command";
    public static final String HOOK_RETIRE_COMMAND = "holdfast.fleet.hook.retire.command";
    public static final String HOOK_TIMEOUT_MS = "holdfast.fleet.hook.timeout.ms";
    public static final String SIM_URL = "holdfast.fleet.sim.url";
    public static final String SIM_TIMEOUT_MS = "holdfast.fleet.sim.timeout.ms";

    private static final ConfigDef DEFINITION = define(baseDefinition());

    public FleetExecutorConfig(Map<?, ?> props) {
        super(DEFINITION, props);
    }

    private FleetExecutorConfig(Map<?, ?> props, boolean refuseUnknownHoldfastKeys) {
        super(DEFINITION, props, refuseUnknownHoldfastKeys);
    }

    /** These settings out of {@code props} already validated against every component's keys (by the launcher). */
    public static FleetExecutorConfig ofValidated(Map<?, ?> props) {
        return new FleetExecutorConfig(props, false);
    }

    /** Loads defaults < {@code file} < {@code HOLDFAST_*} environment < {@code overrides}. */
    public static FleetExecutorConfig load(Optional<Path> file, Map<String, String> env, Map<String, String> overrides) {
        return new FleetExecutorConfig(ConfigSources.merge(file, env, overrides, DEFINITION));
    }

    /** Adds the fleet executors' keys to {@code definition} and returns it. */
    public static ConfigDef define(ConfigDef definition) {
        return definition
                .define(GROUP_ID, Type.STRING, "holdfast-fleet-executor", new ConfigDef.NonEmptyString(), Importance.HIGH,
                        "Consumer group of `holdfast execute fleet` on commands.fleet. Instances of one group share the "
                                + "shards; a second group would execute every command a second time.")
                .define(EXECUTOR_NAME, Type.STRING, "", Importance.LOW,
                        "Name written to CommandResult.executor; empty means 'vtctld@<host name>'.")
                .define(CONCURRENCY, Type.INT, 8, Range.between(1, 256), Importance.MEDIUM,
                        "Shards whose commands run at the same time. Commands of one shard always run one after the other, in order.")
                .define(RETRY_ATTEMPTS, Type.INT, 4, Range.between(1, 100), Importance.MEDIUM,
                        "Attempts at a command whose executor failed transiently (the fleet API was unreachable) before it "
                                + "is reported FAILED. Never retried past the command's deadline.")
                .define(RETRY_BACKOFF_MS, Type.LONG, 500L, Range.atLeast(1), Importance.LOW,
                        "Wait before the first retry; it doubles at each further retry, up to " + RETRY_BACKOFF_MAX_MS + ".")
                .define(RETRY_BACKOFF_MAX_MS, Type.LONG, 10_000L, Range.atLeast(1), Importance.LOW,
                        "Longest wait between two attempts at a command.")
                .define(RESULTS_LOAD_TIMEOUT_MS, Type.LONG, 120_000L, Range.atLeast(1_000), Importance.LOW,
                        "At start, commands.results is read to its end to learn which command ids were already executed; "
                                + "the executor refuses to start if that takes longer.")
                .define(VTCTLD_PATH, Type.STRING, "vtctldclient", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                        "The vtctldclient binary: a path, or a name looked up on PATH.")
                .define(VTCTLD_SERVER, Type.STRING, "", Importance.HIGH,
                        "vtctld's gRPC address (HOST:PORT), passed as --server; required by the vtctld driver.")
                .define(VTCTLD_TIMEOUT_MS, Type.LONG, 120_000L, Range.atLeast(1_000), Importance.MEDIUM,
                        "Longest a vtctldclient call may take; it is then stopped and the command reported TIMED_OUT "
                                + "(the reparent may or may not have happened).")
                .define(VTCTLD_WAIT_REPLICAS_TIMEOUT_MS, Type.LONG, 15_000L, Range.atLeast(1), Importance.MEDIUM,
                        "--wait-replicas-timeout of PlannedReparentShard and EmergencyReparentShard: how long vtctld waits "
                                + "for replicas to catch up.")
                .define(VTCTLD_EXPECTED_PRIMARY_FLAG, Type.BOOLEAN, true, Importance.MEDIUM,
                        "Pass the command's expected primary as --expected-primary, so that vtctld itself refuses the reparent "
                                + "under its shard lock when the primary has changed (Vitess 21 and later). Turn off for older vtctld.")
                .define(VTCTLD_VERIFY_PRIMARY, Type.BOOLEAN, true, Importance.MEDIUM,
                        "Before a reparent, ask vtctld for the shard (GetShard) and refuse (REJECTED_PRECONDITION) when its "
                                + "primary is not the expected one. The only check on a vtctld without --expected-primary.")
                .define(VTCTLD_GLOBAL_ARGS, Type.LIST, "", Importance.LOW,
                        "More vtctldclient flags put before the command, comma-separated (e.g. --action_timeout=2m).")
                .define(HOOK_FENCE_COMMAND, Type.LIST, "", Importance.MEDIUM,
                        "Program (and its arguments, comma-separated) that fences a tablet at the infrastructure level; the "
                                + "command's fields come as FLEET_* environment variables. Empty: FENCE answers FAILED "
                                + "'not configured'.")
                .define(HOOK_PROVISION_COMMAND, Type.LIST, "", Importance.MEDIUM,
                        "Program (and its arguments) that provisions a replacement tablet and volume; it prints "
                                + "tablet_alias=... and volume_id=... on stdout. Empty: PROVISION_VOLUME answers FAILED 'not configured'.")
                .define(HOOK_RETIRE_COMMAND, Type.LIST, "", Importance.MEDIUM,
                        "Program (and its arguments) that takes a tablet and its volume out of the shard. Empty: "
                                + "RETIRE_VOLUME answers FAILED 'not configured'.")
                .define(HOOK_TIMEOUT_MS, Type.LONG, 600_000L, Range.atLeast(1_000), Importance.LOW,
                        "Longest a hook may run; it is then stopped and the command reported TIMED_OUT.")
                .define(SIM_URL, Type.STRING, "", Importance.MEDIUM,
                        "The fleet simulator's API (http://HOST:PORT, as `holdfast sim fleet` prints it with "
                                + SimulatorConfig.API_PORT + " set); required by the sim driver.")
                .define(SIM_TIMEOUT_MS, Type.LONG, 600_000L, Range.atLeast(1_000), Importance.LOW,
                        "Longest the sim driver waits for a simulated operation; the command is then reported TIMED_OUT.");
    }

    /** How the {@link FleetCommandRunner} of {@code holdfast execute fleet} runs. */
    public FleetCommandRunner.Settings runnerSettings() {
        return runnerSettings(this, getString(GROUP_ID));
    }

    /** The runner settings of {@code config} (any config holding the fleet keys) under {@code groupId}. */
    public static FleetCommandRunner.Settings runnerSettings(HoldfastConfig config, String groupId) {
        long backoff = config.getLong(RETRY_BACKOFF_MS);
        long backoffMax = config.getLong(RETRY_BACKOFF_MAX_MS);
        if (backoffMax < backoff) {
            throw new ConfigException(RETRY_BACKOFF_MAX_MS, backoffMax, "must not be less than " + RETRY_BACKOFF_MS + " (" + backoff + ")");
        }
        return new FleetCommandRunner.Settings(groupId, config.getInt(CONCURRENCY), config.getInt(RETRY_ATTEMPTS),
                Duration.ofMillis(backoff), Duration.ofMillis(backoffMax), Duration.ofMillis(config.getLong(RESULTS_LOAD_TIMEOUT_MS)),
                Duration.ofMillis(config.getLong(SHUTDOWN_TIMEOUT_MS)));
    }

    public String executorName() {
        String name = getString(EXECUTOR_NAME).trim();
        return name.isEmpty() ? "vtctld@" + HostName.local() : name;
    }

    /** The simulator's command URL; a {@link ConfigException} naming the key when it is not set or not an http URL. */
    public URI simulatorCommands() {
        String url = getString(SIM_URL).trim();
        if (url.isEmpty()) {
            throw new ConfigException("No simulator address: set " + SIM_URL + "=http://HOST:PORT (--set, the config file or "
                    + "HOLDFAST_FLEET_SIM_URL), as `holdfast sim fleet` prints it");
        }
        URI base;
        try {
            base = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(SIM_URL, url, "expected http://HOST:PORT (" + e.getMessage() + ")");
        }
        if (!"http".equals(base.getScheme()) || base.getHost() == null || base.getPort() < 0) {
            throw new ConfigException(SIM_URL, url, "expected http://HOST:PORT");
        }
        return base.resolve(SimulatorApi.PATH);
    }

    public Duration simulatorTimeout() {
        return Duration.ofMillis(getLong(SIM_TIMEOUT_MS));
    }

    public String vtctldPath() {
        return getString(VTCTLD_PATH);
    }

    /** The vtctld address; a {@link ConfigException} naming the key when it is not set. */
    public String vtctldServer() {
        String server = getString(VTCTLD_SERVER).trim();
        if (server.isEmpty()) {
            throw new ConfigException("No vtctld address: set " + VTCTLD_SERVER + "=HOST:PORT (--set, the config file or HOLDFAST_FLEET_VTCTLD_SERVER)");
        }
        return server;
    }

    public Duration vtctldTimeout() {
        return Duration.ofMillis(getLong(VTCTLD_TIMEOUT_MS));
    }

    public Duration waitReplicasTimeout() {
        return Duration.ofMillis(getLong(VTCTLD_WAIT_REPLICAS_TIMEOUT_MS));
    }

    public boolean passExpectedPrimary() {
        return getBoolean(VTCTLD_EXPECTED_PRIMARY_FLAG);
    }

    public boolean verifyPrimary() {
        return getBoolean(VTCTLD_VERIFY_PRIMARY);
    }

    public List<String> vtctldGlobalArgs() {
        return getList(VTCTLD_GLOBAL_ARGS);
    }

    public List<String> fenceHook() {
        return getList(HOOK_FENCE_COMMAND);
    }

    public List<String> provisionHook() {
        return getList(HOOK_PROVISION_COMMAND);
    }

    public List<String> retireHook() {
        return getList(HOOK_RETIRE_COMMAND);
    }

    public Duration hookTimeout() {
        return Duration.ofMillis(getLong(HOOK_TIMEOUT_MS));
    }
}
