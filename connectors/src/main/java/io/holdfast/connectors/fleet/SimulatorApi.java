package io.holdfast.connectors.fleet;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.holdfast.schemas.CommandResult;
import io.holdfast.schemas.FleetCommand;
import io.holdfast.schemas.serde.HoldfastSerdes;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.AvroRuntimeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet simulator's API over HTTP: what vtctld and the infrastructure hooks are to a real fleet. With
 * it, {@code holdfast execute fleet --driver sim} ({@link SimulatorApiExecutor}) carries out
 * {@code commands.fleet} from a process of its own, which can crash and restart apart from the fleet it
 * acts on, as a real executor does apart from Vitess.
 *
 * <p>{@code POST /commands} takes one {@link FleetCommand} in Avro single-object encoding and answers when
 * the simulated operation ends: 200 with the {@link CommandResult} in the same encoding, 204 when the
 * simulator was told not to answer, 400 for a body that is not a command, 503 when the simulator is
 * closing. A command id seen before gets the first answer and is not executed again, so an executor that
 * crashed mid-command and asks again after its restart changes nothing twice.
 */
public final class SimulatorApi implements AutoCloseable {

    public static final String PATH = "/commands";
    public static final String CONTENT_TYPE = "application/vnd.holdfast.avro";
    /** A command is a few hundred bytes; anything near this is not one. */
    private static final int MAX_BODY_BYTES = 1 << 20;

    private static final Logger log = LoggerFactory.getLogger(SimulatorApi.class);

    private final HttpServer server;
    private final ExecutorService handlers;

    static {
        // Avro's single-object decoder instantiates only the generated classes it was told to trust.
        HoldfastSerdes.trustGeneratedClasses(FleetCommand.class);
        HoldfastSerdes.trustGeneratedClasses(CommandResult.class);
    }

    private SimulatorApi(HttpServer server, ExecutorService handlers) {
        this.server = server;
        this.handlers = handlers;
    }

    /** Serves {@code simulator}'s commands on {@code address}:{@code port} (0: a free port). */
    public static SimulatorApi serve(FleetSimulator simulator, String address, int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(address, port), 64);
        // One thread per command in flight: each waits for its simulated operation, which can take minutes.
        AtomicInteger threads = new AtomicInteger();
        ExecutorService handlers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "sim-api-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(handlers);
        server.createContext(PATH, exchange -> {
            try (exchange) {
                handle(simulator, exchange);
            } catch (IOException e) {
                // The caller went away (an executor killed mid-command): its restart asks again and gets the same answer.
                log.debug("fleet API: answer not delivered: {}", e.toString());
            } catch (RuntimeException e) {
                // HttpServer would drop the connection without a word: log it, the caller sees the connection cut.
                log.error("fleet API: request failed", e);
                throw e;
            }
        });
        server.start();
        return new SimulatorApi(server, handlers);
    }

    private static void handle(FleetSimulator simulator, HttpExchange exchange) throws IOException {
        if (!"POST".equals(exchange.getRequestMethod())) {
            exchange.getResponseHeaders().set("Allow", "POST");
            text(exchange, 405, "POST a FleetCommand to " + PATH);
            return;
        }
        FleetCommand command;
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                text(exchange, 413, "a command is far smaller than " + MAX_BODY_BYTES + " bytes");
                return;
            }
            command = FleetCommand.fromByteBuffer(ByteBuffer.wrap(body));
        } catch (IOException | AvroRuntimeException e) {
            text(exchange, 400, "not a FleetCommand in Avro single-object encoding: " + e.getMessage());
            return;
        }
        log.info("fleet API: command {} ({} {}/{}) from {}", command.getCommandId(), command.getType(), command.getKeyspace(),
                command.getShard(), exchange.getRemoteAddress());
        Optional<CommandResult> answer;
        try {
            answer = simulator.execute(command).get();
        } catch (CancellationException e) {
            text(exchange, 503, "the simulator is closing; command " + command.getCommandId() + " was not carried out");
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            text(exchange, 503, "the simulator is closing");
            return;
        } catch (ExecutionException e) {
            text(exchange, 500, "simulated command " + command.getCommandId() + " failed: " + e.getCause());
            return;
        }
        if (answer.isEmpty()) {
            exchange.sendResponseHeaders(204, -1);
            return;
        }
        byte[] result = toBytes(answer.get().toByteBuffer());
        exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
        exchange.sendResponseHeaders(200, result.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(result);
        }
    }

    private static void text(HttpExchange exchange, int status, String message) throws IOException {
        byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    static byte[] toBytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    /** Where commands are posted, e.g. {@code http://127.0.0.1:40123/commands}. */
    public URI uri() {
        InetSocketAddress bound = server.getAddress();
        return URI.create("http://" + bound.getHostString() + ":" + bound.getPort() + PATH);
    }

    /**
     * Stops listening. Commands in flight are not waited for: their callers see the connection drop and,
     * being retried, find the simulator gone; close the simulator first so that they are answered 503.
     */
    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
    }
}
