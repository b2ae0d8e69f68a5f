package io.holdfast.connectors.fleet.internal;

import io.holdfast.connectors.fleet.TransientExecutionException;
import io.holdfast.schemas.CommandOutcome;
import io.holdfast.schemas.CommandResult;
import io.holdfast.schemas.FleetCommand;
import io.holdfast.schemas.FleetCommandType;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Carries out the fleet commands vtctld has no operation for (FENCE, PROVISION_VOLUME,
 * RETIRE_VOLUME) by running the program configured for the type. The command's fields are given as
 * {@code FLEET_*} environment variables; the program answers with its exit code ({@value #EXIT_OK}
 * done, {@value #EXIT_REJECTED} precondition no longer holds and nothing was done,
 * {@value #EXIT_RETRY} transient: try again, anything else failed) and may print {@code key=value}
 * lines on stdout, which become the result's {@code observed} map.
 */
public final class HookExecutor {

    public static final int EXIT_OK = 0;
    public static final int EXIT_REJECTED = 3;
    /** sysexits' EX_TEMPFAIL. */
    public static final int EXIT_RETRY = 75;

    private static final Pattern OBSERVED_LINE = Pattern.compile("^([A-Za-z_][A-Za-z0-9_.]*)=(.*)$");

    private final Map<FleetCommandType, List<String>> commands;
    private final Map<FleetCommandType, String> settingNames;
    private final Duration timeout;
    private final ProcessRunner processes;
    private final String executorName;
    private final Clock clock;

    /**
     * @param commands     the program and arguments per type; an empty list means not configured
     * @param settingNames the setting that configures each type, named in the "not configured" answer
     */
    public HookExecutor(Map<FleetCommandType, List<String>> commands, Map<FleetCommandType, String> settingNames, Duration timeout,
                        ProcessRunner processes, String executorName, Clock clock) {
        this.commands = Map.copyOf(commands);
        this.settingNames = Map.copyOf(settingNames);
        this.timeout = timeout;
        this.processes = processes;
        this.executorName = executorName;
        this.clock = clock;
    }

    public CommandResult run(FleetCommand command) throws TransientExecutionException, InterruptedException {
        Instant started = clock.instant();
        List<String> program = commands.getOrDefault(command.getType(), List.of());
        if (program.isEmpty()) {
            return CommandResults.of(command, executorName, CommandOutcome.FAILED, command.getType() + " is not configured: set "
                    + settingNames.getOrDefault(command.getType(), "its hook"), started, started, Map.of());
        }
        ProcessRunner.Outcome outcome;
        try {
            outcome = processes.run(program, environment(command), timeout);
        } catch (IOException e) {
            Instant now = clock.instant();
            return CommandResults.of(command, executorName, CommandOutcome.FAILED, "cannot run " + program.get(0) + ": " + e.getMessage(),
                    started, now, Map.of());
        }
        Instant finished = clock.instant();
        if (outcome.timedOut()) {
            return CommandResults.of(command, executorName, CommandOutcome.TIMED_OUT, program.get(0) + " did not finish within "
                    + timeout.toSeconds() + " s and was stopped; the operation may or may not have happened", started, finished, Map.of());
        }
        Map<String, String> observed = observed(outcome.stdout());
        return switch (outcome.exitCode()) {
            case EXIT_OK -> CommandResults.of(command, executorName, CommandOutcome.SUCCEEDED, null, started, finished, observed);
            case EXIT_REJECTED -> CommandResults.of(command, executorName, CommandOutcome.REJECTED_PRECONDITION,
                    VtctldOutput.errorLine(outcome.stderr(), outcome.stdout()), started, finished, observed);
            case EXIT_RETRY -> throw new TransientExecutionException(program.get(0) + " asked to be retried: "
                    + VtctldOutput.errorLine(outcome.stderr(), outcome.stdout()));
            default -> CommandResults.of(command, executorName, CommandOutcome.FAILED, program.get(0) + " exited with "
                    + outcome.exitCode() + ": " + VtctldOutput.errorLine(outcome.stderr(), outcome.stdout()), started, finished, observed);
        };
    }

    /** The command's fields, named FLEET_<FIELD>; a field without a value is left out. */
    static Map<String, String> environment(FleetCommand command) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("FLEET_COMMAND_ID", command.getCommandId());
        env.put("FLEET_COMMAND_TYPE", command.getType().name());
        env.put("FLEET_KEYSPACE", command.getKeyspace());
        env.put("FLEET_SHARD", command.getShard());
        env.put("FLEET_SHARD_KEY", CommandResults.shardKey(command));
        putIfSet(env, "FLEET_CELL", command.getCell());
        putIfSet(env, "FLEET_TARGET_TABLET_ALIAS", command.getTargetTabletAlias());
        putIfSet(env, "FLEET_TARGET_VOLUME_ID", command.getTargetVolumeId());
        putIfSet(env, "FLEET_EXPECTED_PRIMARY", command.getExpectedPrimary());
        putIfSet(env, "FLEET_EXPECTED_PRIMARY_TERM", command.getExpectedPrimaryTerm());
        env.put("FLEET_WORKFLOW_ID", command.getWorkflowId());
        env.put("FLEET_ATTEMPT", Integer.toString(command.getAttempt()));
        env.put("FLEET_DECIDED_TIME", command.getDecidedTime().toString());
        env.put("FLEET_DEADLINE_TIME", command.getDeadlineTime().toString());
        return env;
    }

    private static void putIfSet(Map<String, String> env, String name, Object value) {
        if (value != null) {
            env.put(name, value.toString());
        }
    }

    static Map<String, String> observed(String stdout) {
        Map<String, String> observed = new HashMap<>();
        for (String line : stdout.split("\\R")) {
            Matcher m = OBSERVED_LINE.matcher(line.strip());
            if (m.matches()) {
                observed.put(m.group(1), m.group(2).strip());
            }
        }
        return observed;
    }
}
