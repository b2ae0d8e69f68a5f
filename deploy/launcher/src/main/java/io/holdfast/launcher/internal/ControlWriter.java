package io.holdfast.launcher.internal;

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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes operator instructions to the {@code control} topic, keyed by scope and app (the latest per
 * key is in force): the one way to pause, resume or dry-run the automation, whether from
 * {@code holdfast control} or the dev dashboard. Acknowledged by every in-sync replica before it returns.
 */
public final class ControlWriter implements AutoCloseable {

    /** An instruction as written: its id, its key on the topic, where it landed. */
    public record Written(ControlCommand command, String key, RecordMetadata metadata) {}

    private final KafkaProducer<String, ControlCommand> producer;
    private final TopicCatalog catalog;

    private ControlWriter(KafkaProducer<String, ControlCommand> producer, TopicCatalog catalog) {
        this.producer = producer;
        this.catalog = catalog;
    }

    public static ControlWriter open(HoldfastConfig settings) {
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
        return new ControlWriter(new KafkaProducer<>(producerProps, new StringSerializer(), catalog.control.valueSerde().serializer()),
                catalog);
    }

    /** {@code pause}, {@code resume}, {@code dry-run-on} or {@code dry-run-off}; anything else is a {@link Failures.UserError}. */
    public static ControlAction action(String given) {
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

    /** {@code KEYSPACE/SHARD} as a shard scope; anything else is a {@link Failures.UserError}. */
    public static Scope shardScope(String shard) {
        int slash = shard.indexOf('/');
        if (slash <= 0 || slash == shard.length() - 1) {
            throw new Failures.UserError("a shard is KEYSPACE/SHARD (e.g. commerce/-80), was '" + shard + "'");
        }
        return Scopes.shard(shard.substring(0, slash), shard.substring(slash + 1));
    }

    /**
     * Writes one instruction for {@code app} (null: every app), lasting {@code lasting} (null: until
     * the opposite instruction), and waits up to 45 s for the acknowledgement.
     */
    public Written write(ControlAction action, Scope scope, String app, String operator, String reason, Duration lasting) {
        Instant now = Instant.now();
        ControlCommand command = ControlCommand.newBuilder()
                .setRequestId(UUID.randomUUID().toString())
                .setScope(scope)
                .setApp(app)
                .setAction(action)
                .setOperator(operator)
                .setReason(reason)
                .setIssuedTime(now)
                .setExpiresTime(lasting == null ? null : now.plus(lasting))
                .build();
        String key = Scopes.controlKey(app, scope);
        try {
            RecordMetadata written = producer.send(new ProducerRecord<>(catalog.control.name(), key, command)).get(45, TimeUnit.SECONDS);
            return new Written(command, key, written);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failures.UserError("interrupted while writing to " + catalog.control.name());
        } catch (ExecutionException | TimeoutException e) {
            throw new Failures.UserError("could not write to " + catalog.control.name() + ": " + Failures.oneLine(e));
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
