package io.holdfast.launcher;

import io.holdfast.launcher.internal.ConfigOptions;
import io.holdfast.launcher.internal.Failures;
import io.holdfast.schemas.ControlAction;
import io.holdfast.schemas.ControlCommand;
import io.holdfast.schemas.Scope;
import io.holdfast.schemas.Scopes;
import io.holdfast.topology.catalog.TopicCatalog;
import io.holdfast.topology.config.HoldfastConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code holdfast control}: an operator instruction to the automation, written to the {@code control}
 * topic keyed by scope and app (the latest per key is in force; see health-stream/RECOVERY.md).
 */
@Command(name = "control", mixinStandardHelpOptions = true,
        description = {"Pause or resume automation, or switch dry-run on or off (decide and audit, send no command), "
                + "globally, for a keyspace or for one shard, for every app or one (--app). The latest instruction per "
                + "scope and app is in force; a global pause pauses every shard.",
                "Example: holdfast control pause --shard commerce/-80 --reason 'maintenance' --for PT30M"})
final class ControlCommandLine implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ConfigOptions config;

    @Parameters(index = "0", paramLabel = "ACTION", description = "pause, resume, dry-run-on or dry-run-off.")
    String action;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Target target;

    static final class Target {
        @Option(names = "--shard", paramLabel = "KEYSPACE/SHARD", description = "One shard (default: global).")
        String shard;

        @Option(names = "--keyspace", paramLabel = "KEYSPACE", description = "Every shard of a keyspace.")
        String keyspace;
    }

    @Option(names = "--app", paramLabel = "APP", description = "Only this app (e.g. health); default every app.")
    String app;

    @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why, in your words (kept in the record).")
    String reason;

    @Option(names = "--operator", paramLabel = "NAME", description = "Who (default: the USER environment variable).")
    String operator;

    @Option(names = "--for", paramLabel = "DURATION",
            description = "Lapse by itself after this long (ISO-8601, e.g. PT30M); default: until the opposite instruction.")
    Duration lasting;

    @Override
    public Integer call() throws Exception {
        ControlAction controlAction = action(action);
        Scope scope = scope();
        if (lasting != null && (lasting.isNegative() || lasting.isZero())) {
            throw new Failures.UserError("--for must be a positive duration, was " + lasting);
        }
        HoldfastConfig settings = config.load(Map.of());
        Map<String, Object> producerProps = new HashMap<>(settings.kafkaProperties());
        if (!producerProps.containsKey(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG)) {
            throw new Failures.UserError(
                    "no bootstrap.servers: set it in --config FILE, HOLDFAST_BOOTSTRAP_SERVERS or --set bootstrap.servers=HOST:PORT");
        }
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerProps.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        producerProps.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
        TopicCatalog catalog = new TopicCatalog(settings);
        Instant now = Instant.now();
        ControlCommand command = ControlCommand.newBuilder()
                .setRequestId(UUID.randomUUID().toString())
                .setScope(scope)
                .setApp(app)
                .setAction(controlAction)
                .setOperator(operator != null ? operator : System.getenv().getOrDefault("USER", "unknown"))
                .setReason(reason)
                .setIssuedTime(now)
                .setExpiresTime(lasting == null ? null : now.plus(lasting))
                .build();
        String key = Scopes.controlKey(app, scope);
        RecordMetadata written;
        try (KafkaProducer<String, ControlCommand> producer = new KafkaProducer<>(producerProps, new StringSerializer(),
                catalog.control.valueSerde().serializer())) {
            written = producer.send(new ProducerRecord<>(catalog.control.name(), key, command)).get(45, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new Failures.UserError("could not write to " + catalog.control.name() + ": " + Failures.oneLine(e));
        }
        spec.commandLine().getOut().printf("holdfast control: %s %s for %s%s (request %s, %s-%d@%d)%n",
                controlAction, key, app == null ? "every app" : app,
                lasting == null ? "" : " until " + command.getExpiresTime(), command.getRequestId(),
                written.topic(), written.partition(), written.offset());
        return 0;
    }

    private static ControlAction action(String given) {
        switch (given.toLowerCase(Locale.ROOT)) {
            case "pause":
                return ControlAction.PAUSE;
            case "resume":
                return ControlAction.RESUME;
            case "dry-run-on":
                return ControlAction.DRY_RUN_ON;
            case "dry-run-off":
                return ControlAction.DRY_RUN_OFF;
            default:
                throw new Failures.UserError("unknown action '" + given + "': use pause, resume, dry-run-on or dry-run-off");
        }
    }

    private Scope scope() {
        if (target == null) {
            return Scopes.global();
        }
        if (target.keyspace != null) {
            if (target.keyspace.isBlank()) {
                throw new Failures.UserError("--keyspace needs a name");
            }
            return Scopes.keyspace(target.keyspace);
        }
        int slash = target.shard.indexOf('/');
        if (slash <= 0 || slash == target.shard.length() - 1) {
            throw new Failures.UserError("--shard must be KEYSPACE/SHARD (e.g. commerce/-80), was '" + target.shard + "'");
        }
        return Scopes.shard(target.shard.substring(0, slash), target.shard.substring(slash + 1));
    }
}
