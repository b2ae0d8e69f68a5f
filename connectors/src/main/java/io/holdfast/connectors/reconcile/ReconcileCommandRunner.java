package io.holdfast.connectors.reconcile;

import io.holdfast.connectors.commands.Backoff;
import io.holdfast.connectors.commands.DeadLetters;
import io.holdfast.connectors.commands.KafkaTopics;
import io.holdfast.connectors.commands.KeyedLanes;
import io.holdfast.connectors.commands.OffsetTracker;
import io.holdfast.connectors.commands.ResultsIndex;
import io.holdfast.connectors.reconcile.internal.CommandDecoder;
import io.holdfast.connectors.reconcile.internal.ExecutorMetrics;
import io.holdfast.connectors.reconcile.internal.RecentEffects;
import io.holdfast.connectors.reconcile.internal.ReconcileResults;
import io.holdfast.schemas.CommandKind;
import io.holdfast.schemas.CommandOutcome;
import io.holdfast.schemas.CommandResult;
import io.holdfast.schemas.ReconcileCommand;
import io.holdfast.topology.catalog.TopicCatalog;
import io.holdfast.topology.config.HoldfastConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes {@code commands.reconcile} with {@link Repairs} ({@link StoreRepairs} on the real store) and
 * publishes each outcome to {@code commands.results}, keyed by the command's entity.
 *
 * <ul>
 *   <li>At-least-once: read_committed, no auto-commit; a record's offset is committed only once its
 *       result (or dead letter) has been acknowledged by the cluster, and only as part of an unbroken
 *       run of such records. A crash re-delivers what was not committed; every repair is idempotent.</li>
 *   <li>Idempotent on {@code command_id}: the ids that already have a result are learnt at start by
 *       reading {@code commands.results} to its end, and again whenever partitions are reassigned. A
 *       command seen before is not executed again: it is answered DUPLICATE with the earlier execution's
 *       observed state (unlike the fleet, whose workflow reads any non-success as a failure, the
 *       reconciler confirms repairs from the binlog and the scan, so DUPLICATE can say what it means).</li>
 *   <li>Commands of one entity run in order, one at a time; entities run in parallel.</li>
 *   <li>Transient store failures are retried with exponential backoff a bounded number of times, then FAILED.</li>
 *   <li>Poison goes to {@code dlq.connectors} with its original bytes and the reason in the
 *       {@code holdfast.dlq.*} headers ({@link DeadLetters}), and the runner goes on.</li>
 * </ul>
 * A result or dead letter the cluster refuses to acknowledge stops the runner ({@link #failure()}):
 * its record stays uncommitted and is executed again, idempotently, after a restart.
 */
public final class ReconcileCommandRunner implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReconcileCommandRunner.class);

    private static final String COMPONENT = "reconcile-executor";

    /** Beyond this many records received and not yet done, fetching pauses. */
    private static final int MAX_UNDONE = 1_000;

    /**
     * @param groupId            consumer group on {@code commands.reconcile}
     * @param executorName       written to {@code CommandResult.executor}
     * @param concurrency        entities whose commands run at the same time
     * @param maxAttempts        attempts at a command that fails transiently
     * @param backoff            waits between those attempts
     * @param resultsLoadTimeout longest the reading of {@code commands.results} may take
     * @param shutdownTimeout    how long running commands may take to finish when stopping
     * @param effectMemory       how long a repair that took effect answers later attempts of itself (RecentEffects); 0 never
     */
    public record Settings(String groupId, String executorName, int concurrency, int maxAttempts, Backoff backoff,
                           Duration resultsLoadTimeout, Duration shutdownTimeout, Duration effectMemory) {
        public Settings {
            if (groupId == null || groupId.isBlank() || concurrency < 1 || maxAttempts < 1) {
                throw new IllegalArgumentException("a runner needs a group id, a concurrency and an attempt count of at least 1");
            }
        }
    }

    /** What the runner has done so far. */
    public record Status(long received, long executed, long duplicates, long deadLettered, long retries, int running, int knownResults) {
        public String oneLine() {
            return received + " commands received, " + executed + " executed, " + duplicates + " duplicates answered, "
                    + deadLettered + " dead-lettered, " + retries + " retries, " + running + " running";
        }
    }

    /** A received record waiting for the result of its command. */
    private record Waiter(TopicPartition partition, long offset) {}

    private final Settings settings;
    private final Repairs repairs;
    private final Consumer<byte[], byte[]> consumer;
    private final Producer<byte[], byte[]> producer;
    /** Repairs remembered by RecentEffects at most; about a hundred bytes each plus the result. */
    private static final int RECENT_EFFECTS_CAPACITY = 100_000;

    private final ResultsIndex results;
    private final RecentEffects recentEffects;
    private final CommandDecoder decoder;
    private final Serializer<String> keys;
    private final Serializer<CommandResult> resultValues;
    private final String commandsTopic;
    private final String resultsTopic;
    private final String deadLetterTopic;
    private final Clock clock;
    private final ExecutorMetrics metrics;
    private final OffsetTracker offsets = new OffsetTracker();
    private final KeyedLanes lanes;
    private final Object ids = new Object();
    private final Map<String, List<Waiter>> inFlight = new HashMap<>();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong executed = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final Thread thread;
    private volatile boolean stopping;
    private volatile Throwable failure;
    private boolean paused;

    ReconcileCommandRunner(Settings settings, Repairs repairs, Consumer<byte[], byte[]> commands, Consumer<byte[], byte[]> resultsReader,
                           Producer<byte[], byte[]> producer, TopicCatalog catalog, Clock clock, MeterRegistry registry) {
        this.settings = settings;
        this.repairs = repairs;
        this.consumer = commands;
        this.producer = producer;
        this.commandsTopic = catalog.reconcileCommands.name();
        this.resultsTopic = catalog.commandResults.name();
        this.deadLetterTopic = catalog.deadLetter("connectors").name();
        this.results = new ResultsIndex(resultsReader, resultsTopic, catalog.commandResults.valueSerde().deserializer(), CommandKind.RECONCILE);
        this.decoder = new CommandDecoder(catalog.reconcileCommands.valueSerde().deserializer());
        this.keys = catalog.commandResults.keySerde().serializer();
        this.resultValues = catalog.commandResults.valueSerde().serializer();
        this.clock = clock;
        this.metrics = new ExecutorMetrics(registry);
        this.lanes = new KeyedLanes("holdfast-reconcile-command", settings.concurrency());
        this.recentEffects = new RecentEffects(settings.effectMemory(), RECENT_EFFECTS_CAPACITY);
        this.thread = new Thread(this::run, "holdfast-reconcile-runner");
        this.thread.setDaemon(true);
    }

    /**
     * Connects to the cluster of {@code config}, reads {@code commands.results} to its end (failing if
     * that takes longer than {@link Settings#resultsLoadTimeout()}) and starts consuming. The store
     * clients behind {@code repairs} stay the caller's to close, after this runner.
     */
    public static ReconcileCommandRunner start(HoldfastConfig config, Settings settings, Repairs repairs, MeterRegistry registry) {
        TopicCatalog catalog = new TopicCatalog(config);
        Map<String, Object> kafka = config.kafkaProperties();
        KafkaTopics.requireBootstrap(kafka);
        KafkaTopics.awaitLeaders(kafka, List.of(catalog.reconcileCommands.name(), catalog.commandResults.name(),
                catalog.deadLetter("connectors").name()), Duration.ofSeconds(30));
        String clientId = "holdfast-reconcile-" + settings.groupId();
        Map<String, Object> commandProps = consumerProperties(kafka);
        commandProps.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        commandProps.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, clientId + "-commands");
        // A new group starts at the beginning: a repair decided before the executor first started is still made.
        commandProps.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Map<String, Object> resultProps = consumerProperties(kafka);
        resultProps.remove(ConsumerConfig.GROUP_ID_CONFIG);
        resultProps.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId + "-results");
        KafkaConsumer<byte[], byte[]> commands = new KafkaConsumer<>(commandProps, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        KafkaConsumer<byte[], byte[]> resultsReader = new KafkaConsumer<>(resultProps, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaTopics.idempotentProducer(kafka, clientId),
                new ByteArraySerializer(), new ByteArraySerializer());
        ReconcileCommandRunner runner = new ReconcileCommandRunner(settings, repairs, commands, resultsReader, producer, catalog,
                Clock.systemUTC(), registry);
        try {
            runner.begin();
        } catch (RuntimeException e) {
            commands.close();
            resultsReader.close();
            producer.close(Duration.ZERO);
            throw e;
        }
        return runner;
    }

    private static Map<String, Object> consumerProperties(Map<String, Object> kafka) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return props;
    }

    /** Learns the executed ids, then starts consuming on the runner's thread. */
    void begin() {
        results.catchUp(settings.resultsLoadTimeout());
        thread.start();
        log.info("executing {} as {} in group {} ({} entities at a time), results to {}", commandsTopic, settings.executorName(),
                settings.groupId(), settings.concurrency(), resultsTopic);
    }

    private void run() {
        try {
            consumer.subscribe(List.of(commandsTopic), new Rebalance());
            while (!stopping) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    accept(record);
                }
                commitDone();
                applyBackpressure();
            }
        } catch (WakeupException e) {
            if (!stopping) {
                fail(e);
            }
        } catch (RuntimeException | Error e) {
            fail(e);
        } finally {
            // Graceful: the commands in hand finish (up to the shutdown timeout), their results are
            // acknowledged, and only then are their offsets committed.
            lanes.shutdown(settings.shutdownTimeout());
            try {
                producer.flush();
                commitDone();
            } catch (RuntimeException e) {
                log.warn("final commit failed (the uncommitted commands will be redelivered and deduplicated): {}", e.toString());
            }
            consumer.close();
            results.close();
            producer.close(Duration.ofSeconds(10));
        }
    }

    private void accept(ConsumerRecord<byte[], byte[]> record) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        offsets.received(partition, record.offset());
        received.incrementAndGet();
        CommandDecoder.Decoded decoded = decoder.decode(record.topic(), record.key(), record.value());
        if (decoded.poison()) {
            deadLetter(record, decoded.problem(), decoded.cause());
            return;
        }
        ReconcileCommand command = decoded.command();
        String id = command.getCommandId();
        Waiter waiter = new Waiter(partition, record.offset());
        Optional<CommandResult> earlier;
        synchronized (ids) {
            earlier = results.get(id);
            if (earlier.isEmpty()) {
                List<Waiter> waiting = inFlight.get(id);
                if (waiting != null) {
                    // The same command is running: this copy is answered when it is done.
                    waiting.add(waiter);
                    return;
                }
                inFlight.put(id, new ArrayList<>(List.of(waiter)));
            }
        }
        String entity = command.getEntityId();
        if (earlier.isPresent()) {
            CommandResult result = earlier.get();
            lanes.submit(entity, () -> answerDuplicates(result, List.of(waiter)));
        } else {
            lanes.submit(entity, () -> execute(command));
        }
    }

    /** On the entity's lane: execute, publish, wait for the acknowledgement, then release every record waiting for this id. */
    private void execute(ReconcileCommand command) throws InterruptedException {
        Optional<CommandResult> sameRepair = recentEffects.tookEffect(command, clock.instant());
        CommandResult result = sameRepair.isPresent()
                ? ReconcileResults.sameEffectAs(command, sameRepair.get(), settings.executorName(), clock.instant())
                : executeWithRetries(command);
        if (!publish(result)) {
            return;
        }
        recentEffects.record(command, result, clock.instant());
        if (sameRepair.isPresent()) {
            duplicates.incrementAndGet();
        } else {
            executed.incrementAndGet();
        }
        metrics.executed(command.getType().name(), result.getOutcome().name());
        log.info("command {} ({} {} revision {}, attempt {}): {}{} {}", command.getCommandId(), command.getType(), command.getEntityId(),
                command.getRevision(), command.getAttempt(), result.getOutcome(),
                result.getMessage() == null ? "" : ": " + result.getMessage(), result.getObserved());
        List<Waiter> waiters;
        synchronized (ids) {
            results.put(result);
            waiters = inFlight.remove(command.getCommandId());
        }
        offsets.done(waiters.get(0).partition(), waiters.get(0).offset());
        if (waiters.size() > 1) {
            answerDuplicates(result, waiters.subList(1, waiters.size()));
        }
    }

    private void answerDuplicates(CommandResult earlier, List<Waiter> waiters) {
        for (Waiter waiter : waiters) {
            CommandResult duplicate = ReconcileResults.duplicateOf(earlier, settings.executorName(), clock.instant());
            if (!publish(duplicate)) {
                return;
            }
            duplicates.incrementAndGet();
            metrics.executed(String.valueOf(earlier.getReconcileType()), CommandOutcome.DUPLICATE.name());
            log.info("command {} ({} {}) seen before: not executed again, answered DUPLICATE of its {} result", earlier.getCommandId(),
                    earlier.getReconcileType(), earlier.getTarget(), earlier.getOutcome());
            offsets.done(waiter.partition(), waiter.offset());
        }
    }

    private CommandResult executeWithRetries(ReconcileCommand command) throws InterruptedException {
        Instant started = clock.instant();
        for (int attempt = 1; ; attempt++) {
            try {
                Repair repair = repairs.execute(command);
                return ReconcileResults.of(command, settings.executorName(), repair.outcome(), repair.message(), started, clock.instant(),
                        repair.observed());
            } catch (TransientStoreException e) {
                if (attempt >= settings.maxAttempts()) {
                    return ReconcileResults.of(command, settings.executorName(), CommandOutcome.FAILED,
                            "gave up after " + attempt + " attempts; last error: " + e.getMessage(), started, clock.instant(), Map.of());
                }
                Duration wait = settings.backoff().beforeRetry(attempt);
                metrics.retried();
                log.warn("command {} attempt {} failed transiently ({}); retrying in {} ms", command.getCommandId(), attempt, e.getMessage(),
                        wait.toMillis());
                // A real-time wait is the point here: the database or S3 gets time to come back.
                Thread.sleep(wait.toMillis());
            } catch (RuntimeException e) {
                log.error("command {} failed: {}", command.getCommandId(), e.toString(), e);
                return ReconcileResults.of(command, settings.executorName(), CommandOutcome.FAILED, "executor error: " + e.getMessage(),
                        started, clock.instant(), Map.of());
            }
        }
    }

    /** Sends {@code result} keyed by its entity and waits for the acknowledgement; false (and the runner stopping) if there is none. */
    private boolean publish(CommandResult result) {
        String key = result.getTarget();
        try {
            producer.send(new ProducerRecord<>(resultsTopic, null, result.getFinishedTime().toEpochMilli(), keys.serialize(resultsTopic, key),
                    resultValues.serialize(resultsTopic, result))).get();
            return true;
        } catch (ExecutionException e) {
            fail(new IllegalStateException("the result of command " + result.getCommandId() + " was not acknowledged by " + resultsTopic
                    + ": " + e.getCause(), e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (KafkaException e) {
            fail(e);
        }
        return false;
    }

    private void deadLetter(ConsumerRecord<byte[], byte[]> record, String reason, Exception cause) {
        log.warn("{}[{}]@{} is not a command that can be executed ({}): to {}", record.topic(), record.partition(), record.offset(),
                reason, deadLetterTopic);
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        producer.send(DeadLetters.of(record, deadLetterTopic, COMPONENT, reason, cause), (metadata, e) -> {
            if (e != null) {
                fail(new IllegalStateException("a poison command could not be written to " + deadLetterTopic + ": " + e, e));
                return;
            }
            metrics.deadLettered();
            offsets.done(partition, record.offset());
        });
    }

    private void commitDone() {
        Map<TopicPartition, OffsetAndMetadata> commit = offsets.takeCommittable();
        if (commit.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(commit);
        } catch (WakeupException e) {
            throw e;
        } catch (KafkaException e) {
            // The partitions moved on: their records will be redelivered, and deduplicated by command id.
            log.warn("commit of {} failed: {}", commit, e.toString());
        }
    }

    private void applyBackpressure() {
        int undone = offsets.undone();
        if (!paused && undone > MAX_UNDONE) {
            consumer.pause(consumer.assignment());
            paused = true;
        } else if (paused && undone < MAX_UNDONE / 2) {
            consumer.resume(consumer.paused());
            paused = false;
        }
    }

    private void fail(Throwable e) {
        if (failure == null) {
            failure = e;
            log.error("reconcile command runner stopping: {}", e.toString(), e);
        }
        stopping = true;
        consumer.wakeup();
    }

    public Status status() {
        return new Status(received.get(), executed.get(), duplicates.get(), metrics.deadLetters(), metrics.retries(), offsets.undone(),
                results.size());
    }

    /** Results published with this type and outcome so far (DUPLICATE answers included). */
    public long count(String type, CommandOutcome outcome) {
        return metrics.count(type, outcome.name());
    }

    /** Why the runner stopped on its own, if it did. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    public boolean isRunning() {
        return thread.isAlive();
    }

    /** Stops consuming, lets the commands in hand finish (up to the shutdown timeout), commits what is done and closes the clients. */
    @Override
    public void close() {
        stopping = true;
        consumer.wakeup();
        try {
            thread.join(settings.shutdownTimeout().toMillis() + 30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            log.warn("reconcile command runner did not stop in time");
        }
        log.info("reconcile command runner stopped: {}", status().oneLine());
    }

    /** Commits what is done before partitions leave, and learns results published by others before new ones arrive. */
    private final class Rebalance implements ConsumerRebalanceListener {
        private boolean assignedBefore;

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            long deadline = System.nanoTime() + settings.shutdownTimeout().toNanos();
            while (offsets.undone(partitions) > 0 && System.nanoTime() < deadline && failure == null) {
                try {
                    // Real time is the point: commands of these partitions are still running on their lanes.
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            commitDone();
            offsets.forget(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (assignedBefore) {
                results.catchUp(settings.resultsLoadTimeout());
            }
            assignedBefore = true;
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            offsets.forget(partitions);
        }
    }
}
