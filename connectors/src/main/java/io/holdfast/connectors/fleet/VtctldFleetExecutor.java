package io.holdfast.connectors.fleet;

import io.holdfast.connectors.fleet.internal.CommandResults;
import io.holdfast.connectors.fleet.internal.HookExecutor;
import io.holdfast.connectors.fleet.internal.ProcessRunner;
import io.holdfast.connectors.fleet.internal.VtctldOutput;
import io.holdfast.schemas.CommandOutcome;
import io.holdfast.schemas.CommandResult;
import io.holdfast.schemas.FleetCommand;
import io.holdfast.schemas.FleetCommandType;
import io.holdfast.schemas.ReparentMode;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigException;

/**
 * Executes fleet commands on Vitess through {@code vtctldclient}:
 * <ul>
 *   <li>REPARENT PLANNED: {@code vtctldclient --server S PlannedReparentShard --new-primary N
 *       --expected-primary E --wait-replicas-timeout T <keyspace>/<shard>};</li>
 *   <li>REPARENT EMERGENCY: the same with {@code EmergencyReparentShard}.</li>
 * </ul>
 * The outcome is read from the exit code and output: 0 is SUCCEEDED; a gRPC FailedPrecondition (vtctld
 * refused in its checks, e.g. "primary X is not equal to expected alias Y") is REJECTED_PRECONDITION;
 * DeadlineExceeded, or the call not ending within the timeout, is TIMED_OUT (the effect is unknown);
 * Unavailable (vtctld not reachable) is transient, for the runner to retry; anything else is FAILED.
 *
 * <p>Compare-and-set. {@code --expected-primary} (Vitess 21 and later, on both PlannedReparentShard and
 * EmergencyReparentShard) makes vtctld itself refuse the reparent when the shard record's primary is
 * not the expected one, checked under the shard lock, so no race is left between check and act.
 * Vitess keeps no primary-term counter (only {@code primary_term_start_time}), so the command's
 * {@code expected_primary_term} cannot be passed on; since every reparent changes the primary alias
 * and the workflow never promotes the tablet it is moving away from, the alias check is what guards.
 * Before acting the driver also reads the shard with {@code GetShard} and refuses when its primary is
 * not the expected one: on a vtctld older than 21 (where {@code --expected-primary} is unknown and
 * must be switched off) this is the only check, and it is not atomic with the reparent.
 *
 * <p>FENCE, PROVISION_VOLUME and RETIRE_VOLUME are not vtctld operations: they run the configured hook
 * programs (see {@link FleetExecutorConfig}), or answer FAILED "not configured".
 */
public final class VtctldFleetExecutor implements FleetExecutor {

    /** How vtctldclient is called. */
    public record Settings(String binary, String server, List<String> globalArgs, Duration timeout, Duration waitReplicasTimeout,
                           boolean passExpectedPrimary, boolean verifyPrimary) {
        public Settings {
            globalArgs = List.copyOf(globalArgs);
        }
    }

    private final String name;
    private final Settings settings;
    private final HookExecutor hooks;
    private final ProcessRunner processes;
    private final Clock clock;

    VtctldFleetExecutor(String name, Settings settings, HookExecutor hooks, ProcessRunner processes, Clock clock) {
        this.name = name;
        this.settings = settings;
        this.hooks = hooks;
        this.processes = processes;
        this.clock = clock;
    }

    /**
     * The driver {@code config} describes; fails with a message naming the key when the vtctld
     * address is missing or vtctldclient cannot be found.
     */
    public static VtctldFleetExecutor fromConfig(FleetExecutorConfig config) {
        String server = config.vtctldServer();
        requireExecutable(config.vtctldPath());
        Settings settings = new Settings(config.vtctldPath(), server, config.vtctldGlobalArgs(), config.vtctldTimeout(),
                config.waitReplicasTimeout(), config.passExpectedPrimary(), config.verifyPrimary());
        Map<FleetCommandType, List<String>> hookCommands = new EnumMap<>(FleetCommandType.class);
        hookCommands.put(FleetCommandType.FENCE, config.fenceHook());
        hookCommands.put(FleetCommandType.PROVISION_VOLUME, config.provisionHook());
        hookCommands.put(FleetCommandType.RETIRE_VOLUME, config.retireHook());
        Map<FleetCommandType, String> settingNames = Map.of(
                FleetCommandType.FENCE, FleetExecutorConfig.HOOK_FENCE_COMMAND,
                FleetCommandType.PROVISION_VOLUME, FleetExecutorConfig.HOOK_PROVISION_COMMAND,
                FleetCommandType.RETIRE_VOLUME, FleetExecutorConfig.HOOK_RETIRE_COMMAND);
        ProcessRunner processes = new ProcessRunner();
        Clock clock = Clock.systemUTC();
        String name = config.executorName();
        return new VtctldFleetExecutor(name, settings,
                new HookExecutor(hookCommands, settingNames, config.hookTimeout(), processes, name, clock), processes, clock);
    }

    /** A path to an executable file, or a name found on PATH: else every command would fail the same way. */
    private static void requireExecutable(String binary) {
        if (binary.contains(File.separator)) {
            if (!Files.isExecutable(Path.of(binary))) {
                throw new ConfigException(FleetExecutorConfig.VTCTLD_PATH, binary, "not an executable file");
            }
            return;
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, binary))) {
                return;
            }
        }
        throw new ConfigException(FleetExecutorConfig.VTCTLD_PATH, binary, "not found on PATH (" + path + ")");
    }

    @Override
    public String name() {
        return name;
    }

    public Settings settings() {
        return settings;
    }

    @Override
    public Optional<CommandResult> execute(FleetCommand command) throws TransientExecutionException, InterruptedException {
        Instant started = clock.instant();
        if (started.isAfter(command.getDeadlineTime())) {
            return Optional.of(CommandResults.deadlinePassed(command, name, started));
        }
        return Optional.of(switch (command.getType()) {
            case REPARENT -> reparent(command, started);
            case FENCE, PROVISION_VOLUME, RETIRE_VOLUME -> hooks.run(command);
            case UNKNOWN -> result(command, CommandOutcome.FAILED, "unknown command type: not guessing what it means", started, Map.of());
        });
    }

    private CommandResult reparent(FleetCommand command, Instant started) throws TransientExecutionException, InterruptedException {
        String operation;
        if (command.getReparentMode() == ReparentMode.PLANNED) {
            operation = "PlannedReparentShard";
        } else if (command.getReparentMode() == ReparentMode.EMERGENCY) {
            operation = "EmergencyReparentShard";
        } else {
            return result(command, CommandOutcome.FAILED, "reparent_mode is " + command.getReparentMode()
                    + ", not PLANNED or EMERGENCY: not reparenting", started, Map.of());
        }
        String shardKey = CommandResults.shardKey(command);
        if (settings.verifyPrimary()) {
            ProcessRunner.Outcome shard = run(List.of("GetShard", shardKey), command);
            if (!shard.succeeded()) {
                VtctldOutput.Failure failure = VtctldOutput.classify(shard.stderr());
                if (shard.timedOut() || failure == VtctldOutput.Failure.UNAVAILABLE || failure == VtctldOutput.Failure.DEADLINE) {
                    // Nothing was changed by a read: whatever made it fail, trying again is safe.
                    throw new TransientExecutionException("GetShard " + shardKey + " failed: " + describe(shard));
                }
                return result(command, CommandOutcome.FAILED, "GetShard " + shardKey + " failed: " + describe(shard), started, Map.of());
            }
            Optional<String> primary;
            try {
                primary = VtctldOutput.primaryAlias(shard.stdout());
            } catch (IllegalArgumentException e) {
                return result(command, CommandOutcome.FAILED, e.getMessage(), started, Map.of());
            }
            if (!primary.equals(Optional.of(command.getExpectedPrimary()))) {
                return result(command, CommandOutcome.REJECTED_PRECONDITION, "GetShard: the primary of " + shardKey + " is "
                        + primary.orElse("none") + ", not the expected " + command.getExpectedPrimary() + "; not reparenting", started,
                        Map.of("primary", primary.orElse("")));
            }
        }
        List<String> args = new ArrayList<>(List.of(operation, "--new-primary", command.getNewPrimary()));
        if (settings.passExpectedPrimary()) {
            args.add("--expected-primary");
            args.add(command.getExpectedPrimary());
        }
        args.add("--wait-replicas-timeout");
        args.add(goDuration(settings.waitReplicasTimeout()));
        args.add(shardKey);
        ProcessRunner.Outcome outcome = run(args, command);
        if (outcome.timedOut()) {
            return result(command, CommandOutcome.TIMED_OUT, operation + " did not end within " + settings.timeout().toSeconds()
                    + " s and was stopped; the reparent may or may not have happened", started, Map.of());
        }
        if (outcome.exitCode() == 0) {
            Map<String, String> observed = new LinkedHashMap<>();
            observed.put("new_primary", command.getNewPrimary());
            observed.put("old_primary", command.getExpectedPrimary());
            // Vitess has no term counter: the term the protocol speaks of moves on by one with each reparent.
            observed.put("primary_term", Long.toString(command.getExpectedPrimaryTerm() + 1));
            VtctldOutput.lastLine(outcome.stdout()).ifPresent(line -> observed.put("vtctld_last_event", line));
            return result(command, CommandOutcome.SUCCEEDED, null, started, observed);
        }
        String error = describe(outcome);
        return switch (VtctldOutput.classify(outcome.stderr() + "\n" + outcome.stdout())) {
            case PRECONDITION -> result(command, CommandOutcome.REJECTED_PRECONDITION, error, started, Map.of());
            case DEADLINE -> result(command, CommandOutcome.TIMED_OUT, error + " (the reparent may or may not have happened)", started, Map.of());
            case UNAVAILABLE -> throw new TransientExecutionException(operation + " " + shardKey + ": " + error);
            case OTHER -> result(command, CommandOutcome.FAILED, error, started, Map.of());
        };
    }

    private ProcessRunner.Outcome run(List<String> commandArgs, FleetCommand command) throws TransientExecutionException, InterruptedException {
        List<String> line = new ArrayList<>();
        line.add(settings.binary());
        line.addAll(settings.globalArgs());
        line.add("--server");
        line.add(settings.server());
        line.addAll(commandArgs);
        try {
            return processes.run(line, Map.of(), settings.timeout());
        } catch (IOException e) {
            // A binary that cannot be started will not start on the next attempt either: no retry.
            throw new IllegalStateException("cannot run " + settings.binary() + " for command " + command.getCommandId() + ": " + e.getMessage(), e);
        }
    }

    private static String describe(ProcessRunner.Outcome outcome) {
        return outcome.timedOut() ? "no answer within the timeout" : "exit " + outcome.exitCode() + ": "
                + VtctldOutput.errorLine(outcome.stderr(), outcome.stdout());
    }

    private CommandResult result(FleetCommand command, CommandOutcome outcome, String message, Instant started, Map<String, String> observed) {
        return CommandResults.of(command, name, outcome, message, started, clock.instant(), observed);
    }

    /** A Go duration, as vtctldclient's duration flags read them: whole seconds as {@code 15s}, else milliseconds. */
    static String goDuration(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }
}
