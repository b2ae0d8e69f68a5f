package io.holdfast.connectors.fleet;

import static io.holdfast.connectors.fleet.FleetCommands.reparent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.schemas.CommandOutcome;
import io.holdfast.schemas.CommandResult;
import io.holdfast.schemas.FleetCommand;
import io.holdfast.schemas.FleetCommandType;
import io.holdfast.schemas.ReparentMode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The simulator's fleet API and the {@code sim} driver that calls it, on loopback against a simulator in real
 * time with operations of a few milliseconds: what {@code holdfast execute fleet --driver sim} relies on when it
 * crashes and asks again.
 */
class SimulatorApiTest {

    private static final String SHARD = "-55";
    private static final String PRIMARY = "zone1-0000000100";
    private static final String REPLICA_2 = "zone2-0000000101";

    private FleetSimulator sim;
    private SimulatorApi api;
    private SimulatorApiExecutor executor;

    @BeforeEach
    void serve() throws Exception {
        FleetSimulator.Builder fleet = FleetSimulator.builder().shards(3).time(SimulationTime.wallClock()).sink(new RecordingSink()).seed(7);
        for (SimulatedOperation operation : SimulatedOperation.values()) {
            fleet.delay(operation, Duration.ofMillis(20), Duration.ofMillis(20));
        }
        sim = fleet.start();
        api = SimulatorApi.serve(sim, "127.0.0.1", 0);
        executor = new SimulatorApiExecutor(api.uri(), Duration.ofSeconds(30), Clock.systemUTC());
    }

    @AfterEach
    void close() {
        sim.close();
        api.close();
    }

    private FleetCommand planned(String id) {
        long now = System.currentTimeMillis();
        return reparent(id, SHARD, ReparentMode.PLANNED, REPLICA_2, PRIMARY, 1, now, now + 60_000);
    }

    @Test
    void aCommandIsCarriedOutAndAskingAgainAfterACrashGetsTheSameAnswerWithoutASecondReparent() throws Exception {
        FleetCommand command = planned("api-1");

        CommandResult first = executor.execute(command).orElseThrow();
        // A restarted executor re-reads the uncommitted command and asks again.
        CommandResult again = new SimulatorApiExecutor(api.uri(), Duration.ofSeconds(30), Clock.systemUTC()).execute(command).orElseThrow();

        assertEquals(CommandOutcome.SUCCEEDED, first.getOutcome(), first.toString());
        assertEquals(first, again);
        assertEquals(REPLICA_2, sim.shard(SHARD).primary());
        assertEquals(2, sim.shard(SHARD).primaryTerm(), "one reparent");
        assertEquals(1, sim.commandCounts().executed(FleetCommandType.REPARENT));
        assertEquals(1, sim.commandCounts().duplicates());
        assertEquals("simulator@" + api.uri().getAuthority(), executor.name());
    }

    @Test
    void aCommandTheSimulatorWasToldNotToAnswerGivesNoAnswer() throws Exception {
        sim.timeOutNext(FleetCommandType.REPARENT, SHARD);
        assertEquals(Optional.empty(), executor.execute(planned("api-silent")));
        assertEquals(PRIMARY, sim.shard(SHARD).primary(), "nothing done");
    }

    @Test
    void aSimulatorThatIsNotThereIsATransientFailure() throws Exception {
        URI gone = api.uri();
        api.close();
        TransientExecutionException e = assertThrows(TransientExecutionException.class,
                () -> new SimulatorApiExecutor(gone, Duration.ofSeconds(5), Clock.systemUTC()).execute(planned("api-gone")));
        assertTrue(e.getMessage().contains("unreachable"), e.getMessage());
    }

    @Test
    void aClosingSimulatorIsATransientFailureAndChangesNothing() {
        sim.close();
        TransientExecutionException e = assertThrows(TransientExecutionException.class, () -> executor.execute(planned("api-closing")));
        assertTrue(e.getMessage().contains("closing"), e.getMessage());
    }

    @Test
    void aSimulationSlowerThanTheTimeoutIsReportedTimedOut() throws Exception {
        sim.close();
        FleetSimulator slow = FleetSimulator.builder().shards(3).time(SimulationTime.wallClock()).sink(new RecordingSink()).seed(7)
                .delay(SimulatedOperation.PLANNED_REPARENT, Duration.ofSeconds(5), Duration.ofSeconds(5)).start();
        try (SimulatorApi slowApi = SimulatorApi.serve(slow, "127.0.0.1", 0)) {
            CommandResult result = new SimulatorApiExecutor(slowApi.uri(), Duration.ofMillis(300), Clock.systemUTC())
                    .execute(planned("api-slow")).orElseThrow();
            assertEquals(CommandOutcome.TIMED_OUT, result.getOutcome(), result.toString());
            assertEquals("api-slow", result.getCommandId());
        } finally {
            slow.close();
        }
    }

    @Test
    void aBodyThatIsNotACommandIsRefusedWith400AndOtherMethodsWith405() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        HttpResponse<String> garbage = client.send(HttpRequest.newBuilder(api.uri())
                .POST(HttpRequest.BodyPublishers.ofString("{\"command_id\":\"x\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, garbage.statusCode(), garbage.body());
        assertTrue(garbage.body().contains("not a FleetCommand"), garbage.body());
        HttpResponse<String> get = client.send(HttpRequest.newBuilder(api.uri()).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, get.statusCode());
        assertEquals(0, sim.commandCounts().executed(FleetCommandType.REPARENT));
    }

    @Test
    void theDriverNeedsAnHttpAddress() {
        assertThrows(ConfigException.class, () -> new FleetExecutorConfig(Map.of()).simulatorCommands());
        assertThrows(ConfigException.class, () -> new FleetExecutorConfig(Map.of(FleetExecutorConfig.SIM_URL, "ftp://h:1")).simulatorCommands());
        assertThrows(ConfigException.class, () -> new FleetExecutorConfig(Map.of(FleetExecutorConfig.SIM_URL, "http://h")).simulatorCommands());
        assertEquals(URI.create("http://127.0.0.1:4100/commands"),
                new FleetExecutorConfig(Map.of(FleetExecutorConfig.SIM_URL, "http://127.0.0.1:4100/")).simulatorCommands());
    }
}
