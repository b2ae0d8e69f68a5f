package io.holdfast.connectors.fleet;

import static io.holdfast.connectors.fleet.FleetCommands.reparent;
import static io.holdfast.connectors.fleet.FleetCommands.targeted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.connectors.fleet.internal.CommandResults;
import io.holdfast.schemas.CommandOutcome;
import io.holdfast.schemas.CommandResult;
import io.holdfast.schemas.FleetCommand;
import io.holdfast.schemas.FleetCommandType;
import io.holdfast.schemas.ReparentMode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The vtctldclient driver against a fake {@code vtctldclient}: a shell script that records its
 * arguments, one per line with {@code --} after each call, and answers with the exit code and output
 * the test put in files next to it.
 */
class VtctldFleetExecutorTest {

    private static final String SERVER = "vtctld.internal:15999";
    private static final String SHARD = "-80";
    private static final String PRIMARY = "zone1-0000000100";
    private static final String CANDIDATE = "zone2-0000000101";
    private static final String GET_SHARD = """
            {
              "keyspace": "commerce",
              "name": "-80",
              "shard": {
                "primary_alias": {
                  "cell": "zone1",
                  "uid": 100
                },
                "primary_term_start_time": {
                  "seconds": "1700000000",
                  "nanoseconds": 0
                },
                "key_range": {
                  "start": "",
                  "end": "gA=="
                },
                "source_shards": [],
                "tablet_controls": [],
                "is_primary_serving": true
              }
            }
            """;

    @TempDir
    Path dir;

    private Path fake;

    @BeforeEach
    void writeFakeVtctldclient() throws IOException {
        fake = dir.resolve("vtctldclient");
        Files.writeString(fake, """
                #!/bin/sh
                dir="$(dirname "$0")"
                { for a in "$@"; do printf '%s\\n' "$a"; done; echo "--"; } >> "$dir/calls.log"
                answer() {
                  [ -f "$dir/$1.out" ] && cat "$dir/$1.out"
                  [ -f "$dir/$1.err" ] && cat "$dir/$1.err" >&2
                  [ -f "$dir/$1.sleep" ] && sleep "$(cat "$dir/$1.sleep")"
                  if [ -f "$dir/$1.exit" ]; then exit "$(cat "$dir/$1.exit")"; fi
                  exit 0
                }
                for a in "$@"; do
                  case "$a" in
                    GetShard) answer getshard ;;
                    PlannedReparentShard|EmergencyReparentShard) answer reparent ;;
                  esac
                done
                echo "unknown command: $*" >&2
                exit 2
                """);
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        answer("getshard", 0, GET_SHARD, "");
        answer("reparent", 0, """
                start PlannedReparentShard
                finished PlannedReparentShard
                """, "");
    }

    private void answer(String call, int exit, String stdout, String stderr) throws IOException {
        Files.writeString(dir.resolve(call + ".exit"), Integer.toString(exit));
        Files.writeString(dir.resolve(call + ".out"), stdout);
        Files.writeString(dir.resolve(call + ".err"), stderr);
    }

    /** The calls made so far, each as its list of arguments. */
    private List<List<String>> calls() throws IOException {
        Path log = dir.resolve("calls.log");
        List<List<String>> calls = new ArrayList<>();
        if (!Files.exists(log)) {
            return calls;
        }
        List<String> current = new ArrayList<>();
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            if (line.equals("--")) {
                calls.add(current);
                current = new ArrayList<>();
            } else {
                current.add(line);
            }
        }
        return calls;
    }

    private VtctldFleetExecutor executor(Map<String, String> more) {
        Map<String, String> settings = new HashMap<>(Map.of(
                FleetExecutorConfig.VTCTLD_PATH, fake.toString(),
                FleetExecutorConfig.VTCTLD_SERVER, SERVER,
                FleetExecutorConfig.EXECUTOR_NAME, "vtctld@test"));
        settings.putAll(more);
        return VtctldFleetExecutor.fromConfig(FleetExecutorConfig.load(Optional.empty(), Map.of(), settings));
    }

    private static FleetCommand command(ReparentMode mode) {
        long now = System.currentTimeMillis();
        return reparent("cmd-1", SHARD, mode, CANDIDATE, PRIMARY, 4, now, now + 60_000);
    }

    private static CommandResult run(VtctldFleetExecutor executor, FleetCommand command) throws Exception {
        return executor.execute(command).orElseThrow();
    }

    @Test
    void aPlannedReparentChecksTheShardThenPassesTheNewAndExpectedPrimary() throws Exception {
        CommandResult result = run(executor(Map.of()), command(ReparentMode.PLANNED));

        assertEquals(CommandOutcome.SUCCEEDED, result.getOutcome(), result.toString());
        assertEquals("commerce/-80", result.getTarget());
        assertEquals("vtctld@test", result.getExecutor());
        assertEquals(Map.of("new_primary", CANDIDATE, "old_primary", PRIMARY, "primary_term", "5",
                "vtctld_last_event", "finished PlannedReparentShard"), result.getObserved());
        assertEquals(List.of(
                List.of("--server", SERVER, "GetShard", "commerce/-80"),
                List.of("--server", SERVER, "PlannedReparentShard", "--new-primary", CANDIDATE, "--expected-primary", PRIMARY,
                        "--wait-replicas-timeout", "15s", "commerce/-80")), calls());
    }

    @Test
    void anEmergencyReparentUsesEmergencyReparentShardWithTheSameChecks() throws Exception {
        CommandResult result = run(executor(Map.of(FleetExecutorConfig.VTCTLD_WAIT_REPLICAS_TIMEOUT_MS, "2500")),
                command(ReparentMode.EMERGENCY));
        assertEquals(CommandOutcome.SUCCEEDED, result.getOutcome());
        assertEquals(List.of("--server", SERVER, "EmergencyReparentShard", "--new-primary", CANDIDATE, "--expected-primary", PRIMARY,
                "--wait-replicas-timeout", "2500ms", "commerce/-80"), calls().get(1));
    }

    @Test
    void anotherPrimaryInTheShardRecordIsRefusedWithoutReparenting() throws Exception {
        answer("getshard", 0, GET_SHARD.replace("\"uid\": 100", "\"uid\": 102").replace("\"zone1\"", "\"zone3\""), "");
        CommandResult result = run(executor(Map.of()), command(ReparentMode.PLANNED));
        assertEquals(CommandOutcome.REJECTED_PRECONDITION, result.getOutcome());
        assertTrue(result.getMessage().contains("zone3-0000000102"), result.getMessage());
        assertEquals(1, calls().size(), "GetShard only");
    }

    @Test
    void vtctldsOwnExpectedPrimaryRefusalIsARejectedPrecondition() throws Exception {
        answer("reparent", 1, "", "E0101 10:00:00.000000   4242 main.go:56] rpc error: code = FailedPrecondition desc = "
                + "primary zone3-0000000102 is not equal to expected alias zone1-0000000100\n");
        CommandResult result = run(executor(Map.of()), command(ReparentMode.PLANNED));
        assertEquals(CommandOutcome.REJECTED_PRECONDITION, result.getOutcome());
        assertTrue(result.getMessage().contains("is not equal to expected alias"), result.getMessage());
    }

    @Test
    void aDeadlineExceededOrAHungCallIsTimedOut() throws Exception {
        answer("reparent", 1, "", "E0101 rpc error: code = DeadlineExceeded desc = PlannedReparent timed out; please try again\n");
        assertEquals(CommandOutcome.TIMED_OUT, run(executor(Map.of()), command(ReparentMode.PLANNED)).getOutcome());

        answer("reparent", 0, "", "");
        Files.writeString(dir.resolve("reparent.sleep"), "30");
        long began = System.nanoTime();
        CommandResult hung = run(executor(Map.of(FleetExecutorConfig.VTCTLD_TIMEOUT_MS, "1000")), command(ReparentMode.PLANNED));
        assertEquals(CommandOutcome.TIMED_OUT, hung.getOutcome());
        assertTrue(hung.getMessage().contains("may or may not"), hung.getMessage());
        assertTrue(System.nanoTime() - began < 15_000_000_000L, "stopped at the timeout, not after the call's 30 s");
    }

    @Test
    void anUnreachableVtctldIsTransientSoTheRunnerRetries() throws Exception {
        answer("reparent", 1, "", "E0101 rpc error: code = Unavailable desc = connection error: dial tcp: connect: connection refused\n");
        TransientExecutionException e = assertThrows(TransientExecutionException.class,
                () -> executor(Map.of()).execute(command(ReparentMode.PLANNED)));
        assertTrue(e.getMessage().contains("Unavailable"), e.getMessage());

        answer("getshard", 1, "", "E0101 rpc error: code = Unavailable desc = connection refused\n");
        assertThrows(TransientExecutionException.class, () -> executor(Map.of()).execute(command(ReparentMode.PLANNED)));
    }

    @Test
    void anyOtherErrorIsFailedWithItsMessage() throws Exception {
        answer("reparent", 1, "", "some log line\nE0101 rpc error: code = Internal desc = primary-elect tablet failed to be promoted\n");
        CommandResult result = run(executor(Map.of()), command(ReparentMode.PLANNED));
        assertEquals(CommandOutcome.FAILED, result.getOutcome());
        assertTrue(result.getMessage().startsWith("exit 1: E0101 rpc error: code = Internal"), result.getMessage());
    }

    @Test
    void theChecksAndGlobalFlagsFollowTheSettings() throws Exception {
        CommandResult result = run(executor(Map.of(
                FleetExecutorConfig.VTCTLD_VERIFY_PRIMARY, "false",
                FleetExecutorConfig.VTCTLD_EXPECTED_PRIMARY_FLAG, "false",
                FleetExecutorConfig.VTCTLD_GLOBAL_ARGS, "--action_timeout=2m,--compact")), command(ReparentMode.PLANNED));
        assertEquals(CommandOutcome.SUCCEEDED, result.getOutcome());
        assertEquals(List.of(List.of("--action_timeout=2m", "--compact", "--server", SERVER, "PlannedReparentShard",
                "--new-primary", CANDIDATE, "--wait-replicas-timeout", "15s", "commerce/-80")), calls());
    }

    @Test
    void anUnspecifiedModeOrAPassedDeadlineRunsNothing() throws Exception {
        assertEquals(CommandOutcome.FAILED, run(executor(Map.of()), command(ReparentMode.UNSPECIFIED)).getOutcome());
        long now = System.currentTimeMillis();
        CommandResult late = run(executor(Map.of()), reparent("late", SHARD, ReparentMode.PLANNED, CANDIDATE, PRIMARY, 4, now - 2_000, now - 1));
        assertEquals(CommandOutcome.TIMED_OUT, late.getOutcome());
        assertTrue(calls().isEmpty());
    }

    @Test
    void withoutAServerOrABinaryTheDriverDoesNotStart() {
        ConfigException e = assertThrows(ConfigException.class, () -> VtctldFleetExecutor.fromConfig(
                FleetExecutorConfig.load(Optional.empty(), Map.of(), Map.of())));
        assertTrue(e.getMessage().contains(FleetExecutorConfig.VTCTLD_SERVER), e.getMessage());

        ConfigException missing = assertThrows(ConfigException.class, () -> executor(Map.of(
                FleetExecutorConfig.VTCTLD_PATH, dir.resolve("no-such-vtctldclient").toString())));
        assertTrue(missing.getMessage().contains(FleetExecutorConfig.VTCTLD_PATH), missing.getMessage());
        ConfigException notOnPath = assertThrows(ConfigException.class, () -> executor(Map.of(
                FleetExecutorConfig.VTCTLD_PATH, "vtctldclient-that-is-nowhere")));
        assertTrue(notOnPath.getMessage().contains("not found on PATH"), notOnPath.getMessage());
    }

    // ----- idempotency on command_id, as the runner drives the driver -----

    @Test
    void aDuplicateCommandIdDoesNotRunVtctldclientAgainAndGetsTheSameResult() throws Exception {
        FleetCommand command = command(ReparentMode.PLANNED);
        try (RunnerOnMockClients runner = new RunnerOnMockClients(executor(Map.of()), List.of())) {
            runner.sendAndAwaitCommit(command);
            assertEquals(2, calls().size(), "GetShard, then PlannedReparentShard");
            // The shard now has the new primary: a second reparent would be refused, or worse, go the other way.
            answer("getshard", 0, GET_SHARD.replace("\"cell\": \"zone1\"", "\"cell\": \"zone2\"").replace("\"uid\": 100", "\"uid\": 101"), "");

            runner.sendAndAwaitCommit(command);

            assertEquals(2, calls().size(), "vtctldclient not run for the duplicate");
            List<CommandResult> results = runner.results();
            assertEquals(2, results.size(), "the duplicate is answered too");
            assertEquals(CommandOutcome.SUCCEEDED, results.get(0).getOutcome(), results.get(0).toString());
            assertEquals(results.get(0), results.get(1), "with the earlier result, unchanged");
            assertEquals(1, runner.status().executed());
            assertEquals(1, runner.status().republished());
        }
    }

    @Test
    void aCommandAnsweredBeforeARestartIsNotRunAgain() throws Exception {
        FleetCommand command = command(ReparentMode.EMERGENCY);
        Instant before = Instant.now().minusSeconds(30);
        CommandResult earlier = CommandResults.of(command, "vtctld@before-restart",
                CommandOutcome.SUCCEEDED, null, before, before.plusSeconds(3),
                Map.of("new_primary", CANDIDATE, "old_primary", PRIMARY, "primary_term", "5"));
        try (RunnerOnMockClients runner = new RunnerOnMockClients(executor(Map.of()), List.of(earlier))) {
            runner.sendAndAwaitCommit(command);
            assertTrue(calls().isEmpty(), "no vtctldclient call: " + calls());
            assertEquals(List.of(earlier), runner.results(), "the earlier result, published again");
        }
    }

    @Test
    void aRefusalIsRememberedLikeAnyOtherOutcome() throws Exception {
        answer("reparent", 1, "", "E0101 rpc error: code = FailedPrecondition desc = "
                + "primary zone3-0000000102 is not equal to expected alias zone1-0000000100\n");
        FleetCommand command = command(ReparentMode.PLANNED);
        try (RunnerOnMockClients runner = new RunnerOnMockClients(executor(Map.of()), List.of())) {
            runner.sendAndAwaitCommit(command);
            answer("reparent", 0, "finished PlannedReparentShard\n", "");
            runner.sendAndAwaitCommit(command);

            assertEquals(2, calls().size(), "one GetShard and one refused PlannedReparentShard, nothing for the duplicate");
            List<CommandResult> results = runner.results();
            assertEquals(List.of(CommandOutcome.REJECTED_PRECONDITION, CommandOutcome.REJECTED_PRECONDITION),
                    results.stream().map(CommandResult::getOutcome).toList(), "a refused command id stays refused");
        }
    }

    // ----- hooks for what vtctld does not do -----

    @Test
    void anOperationWithoutAHookAnswersNotConfigured() throws Exception {
        long now = System.currentTimeMillis();
        CommandResult result = run(executor(Map.of()), targeted("f", FleetCommandType.FENCE, SHARD, PRIMARY, now, now + 60_000));
        assertEquals(CommandOutcome.FAILED, result.getOutcome());
        assertTrue(result.getMessage().contains("not configured") && result.getMessage().contains(FleetExecutorConfig.HOOK_FENCE_COMMAND),
                result.getMessage());
    }

    @Test
    void aHookGetsTheCommandsFieldsAndAnswersWithItsExitCodeAndOutput() throws Exception {
        Path hook = dir.resolve("provision.sh");
        Files.writeString(hook, """
                #!/bin/sh
                env | grep '^FLEET_' | sort > "$(dirname "$0")/hook.env"
                echo "creating a volume in $FLEET_CELL"
                echo "tablet_alias=zone1-0000000900"
                echo "volume_id=vol-0abc"
                exit "${HOOK_EXIT:-0}"
                """);
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
        VtctldFleetExecutor executor = executor(Map.of(FleetExecutorConfig.HOOK_PROVISION_COMMAND, "/bin/sh," + hook));
        long now = System.currentTimeMillis();
        FleetCommand provision = FleetCommands.base("prov-1", FleetCommandType.PROVISION_VOLUME, SHARD, now, now + 60_000)
                .setTargetTabletAlias(PRIMARY).setTargetVolumeId("vol-old").setCell("zone1").build();

        CommandResult result = run(executor, provision);
        assertEquals(CommandOutcome.SUCCEEDED, result.getOutcome(), result.toString());
        assertEquals(Map.of("tablet_alias", "zone1-0000000900", "volume_id", "vol-0abc"), result.getObserved());
        String env = Files.readString(dir.resolve("hook.env"));
        for (String expected : List.of("FLEET_COMMAND_ID=prov-1", "FLEET_COMMAND_TYPE=PROVISION_VOLUME", "FLEET_SHARD_KEY=commerce/-80",
                "FLEET_TARGET_TABLET_ALIAS=" + PRIMARY, "FLEET_TARGET_VOLUME_ID=vol-old", "FLEET_CELL=zone1", "FLEET_ATTEMPT=1")) {
            assertTrue(env.contains(expected + "\n"), expected + " missing from:\n" + env);
        }
        assertFalse(env.contains("FLEET_EXPECTED_PRIMARY="), "unset fields are left out");
    }

    @Test
    void aHooksExitCodeSaysRefusedRetryOrFailed() throws Exception {
        Path hook = dir.resolve("retire.sh");
        Path exitCode = dir.resolve("retire.exit");
        Files.writeString(hook, "#!/bin/sh\necho \"tablet is the primary\" >&2\nexit \"$(cat " + exitCode + ")\"\n");
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
        VtctldFleetExecutor executor = executor(Map.of(FleetExecutorConfig.HOOK_RETIRE_COMMAND, hook.toString()));
        long now = System.currentTimeMillis();
        FleetCommand retire = targeted("ret-1", FleetCommandType.RETIRE_VOLUME, SHARD, PRIMARY, now, now + 60_000);

        Files.writeString(exitCode, "3");
        CommandResult refused = run(executor, retire);
        assertEquals(CommandOutcome.REJECTED_PRECONDITION, refused.getOutcome());
        assertEquals("tablet is the primary", refused.getMessage());
        Files.writeString(exitCode, "75");
        assertThrows(TransientExecutionException.class, () -> executor.execute(retire));
        Files.writeString(exitCode, "9");
        CommandResult failed = run(executor, retire);
        assertEquals(CommandOutcome.FAILED, failed.getOutcome());
        assertTrue(failed.getMessage().contains("exited with 9"), failed.getMessage());
    }
}
