package io.holdfast.connectors.fleet;

import io.holdfast.connectors.fleet.internal.CommandResults;
import io.holdfast.schemas.CommandOutcome;
import io.holdfast.schemas.CommandResult;
import io.holdfast.schemas.FleetCommand;
import io.holdfast.schemas.serde.HoldfastSerdes;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.AvroRuntimeException;

/**
 * The {@code sim} driver of {@code holdfast execute fleet}: carries out each command on the fleet simulator
 * through its {@link SimulatorApi}, as the vtctld driver does on Vitess. The simulator answers a command id
 * it has seen with its first answer, so asking again after a crash or a dropped connection is safe: every
 * failure to get an answer is transient, and the runner retries it.
 */
public final class SimulatorApiExecutor implements FleetExecutor {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final URI commands;
    private final Duration timeout;
    private final HttpClient client;
    private final Clock clock;

    static {
        HoldfastSerdes.trustGeneratedClasses(CommandResult.class);
    }

    public SimulatorApiExecutor(URI commands, Duration timeout, Clock clock) {
        this.commands = commands;
        this.timeout = timeout;
        this.clock = clock;
        this.client = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).version(HttpClient.Version.HTTP_1_1).build();
    }

    public static SimulatorApiExecutor fromConfig(FleetExecutorConfig settings) {
        return new SimulatorApiExecutor(settings.simulatorCommands(), settings.simulatorTimeout(), Clock.systemUTC());
    }

    public URI commands() {
        return commands;
    }

    @Override
    public String name() {
        return FleetSimulator.EXECUTOR_NAME + "@" + commands.getAuthority();
    }

    @Override
    public Optional<CommandResult> execute(FleetCommand command) throws TransientExecutionException, InterruptedException {
        byte[] body;
        try {
            body = SimulatorApi.toBytes(command.toByteBuffer());
        } catch (IOException e) {
            throw new IllegalArgumentException("command " + command.getCommandId() + " cannot be encoded: " + e.getMessage(), e);
        }
        HttpRequest request = HttpRequest.newBuilder(commands).timeout(timeout).header("Content-Type", SimulatorApi.CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        Instant sent = clock.instant();
        HttpResponse<byte[]> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpTimeoutException e) {
            if (e instanceof java.net.http.HttpConnectTimeoutException) {
                throw new TransientExecutionException("the simulator at " + commands.getAuthority() + " did not accept a connection: "
                        + e.getMessage(), e);
            }
            Instant now = clock.instant();
            return Optional.of(CommandResults.of(command, name(), CommandOutcome.TIMED_OUT, "the simulator did not answer within "
                    + timeout.toMillis() + " ms (the operation may or may not have happened)", sent, now, Map.of()));
        } catch (IOException e) {
            // Refused, reset or cut off: the simulator is down or restarting. It dedups on command_id, so trying again is safe.
            throw new TransientExecutionException("the simulator at " + commands.getAuthority() + " is unreachable: " + e, e);
        }
        return switch (response.statusCode()) {
            case 200 -> Optional.of(decode(command, response.body()));
            case 204 -> Optional.empty();
            case 503 -> throw new TransientExecutionException("the simulator is closing: " + text(response));
            default -> throw new IllegalStateException("the simulator refused command " + command.getCommandId() + " with HTTP "
                    + response.statusCode() + ": " + text(response));
        };
    }

    private static CommandResult decode(FleetCommand command, byte[] body) {
        try {
            return CommandResult.fromByteBuffer(ByteBuffer.wrap(body));
        } catch (IOException | AvroRuntimeException e) {
            throw new IllegalStateException("the simulator's answer to command " + command.getCommandId() + " is not a CommandResult: "
                    + e.getMessage(), e);
        }
    }

    private static String text(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8).strip();
    }
}
