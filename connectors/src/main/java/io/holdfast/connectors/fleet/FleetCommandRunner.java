package io.holdfast.connectors.fleet;

import io.holdfast.connectors.commands.DeadLetters;
import io.holdfast.connectors.commands.KafkaTopics;
import io.holdfast.connectors.commands.KeyedLanes;
import io.holdfast.connectors.commands.OffsetTracker;
import io.holdfast.connectors.commands.ResultsIndex;
import io.holdfast.connectors.fleet.internal.CommandDecoder;
import io.holdfast.connectors.fleet.internal.CommandResults;
import io.holdfast.schemas.CommandKind;
import io.holdfast.schemas.CommandOutcome;
import io.holdfast.schemas.CommandResult;
import io.holdfast.schemas.FleetCommand;
import io.holdfast.topology.catalog.TopicCatalog;
import io.holdfast.topology.config.HoldfastConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes {@code commands.fleet} with a {@link FleetExecutor} and publishes each outcome to
 * {@code commands.results}, keyed by the command's shard ({@code <keyspace>/<shard>}).
 *
 * <ul>
 *   <li>At-least-once: read_committed, no auto-commit; a record's offset is committed only once its
 *       result (or dead letter) has been acknowledged by the cluster, and only as part of an unbroken
 *       run of such records. A crash re-delivers what was not committed.</li>
 *   <li>Idempotent on {@code command_id}: the ids that already have a result are learnt at start by
 *       reading {@code commands.results} to its end, and again whenever partitions are reassigned. A
 *       command seen before is not executed again; its earlier result is published again. A duplicate
 *       that arrives while the first is still running waits for it and gets its result.</li>
 *   <li>Commands of one shard run in order, one at a time; shards run in parallel, up to
 *       {@link Settings#concurrency()} at once.</li>
 *   <li>Transient failures ({@link TransientExecutionException}) are retried with exponential
 *       backoff, a bounded number of times and never past the deadline; a command whose deadline
 *       has passed is not started (TIMED_OUT).</li>
 *   <li>Poison (not a FleetCommand, no key, a key other than its shard, a required field missing) goes to
 *       {@code dlq.connectors} with its original bytes and the reason in {@code holdfast.dlq.*} headers.</li>
 * </ul>
 * A result or dead letter the cluster refuses to acknowledge stops the runner ({@link #failure()}):
 * its record stays uncommitted and is executed again, idempotently, after a restart.
 */
public final class FleetCommandRunner implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FleetCommandRunner.class);

    /** Dead-letter headers: why, where from, and who sent it there. */
    public static final String HEADER_REASON = DeadLetters.HEADER_REASON;
    public static final String HEADER_EXCEPTION = DeadLetters.HEADER_EXCEPTION;
    public static final String HEADER_TOPIC = DeadLetters.HEADER_TOPIC;
    public static final String HEADER_PARTITION = DeadLetters.HEADER_PARTITION;
    public static final String HEADER_OFFSET = DeadLetters.HEADER_OFFSET;
    public static final String HEADER_COMPONENT = DeadLetters.HEADER_COMPONENT;

    /** Beyond this many records received and not yet done, fetching pauses. */
    private static final int MAX_UNDONE = 1_000;

    /**
     * @param groupId            consumer group on {@code commands.fleet}
     * @param concurrency        shards whose commands run at the same time
     * @param maxAttempts        attempts at a command that fails transiently
     * @param backoff            wait before the first retry, doubling after each
     * @param maxBackoff         longest wait between attempts
     * @param resultsLoadTimeout longest the reading of {@code commands.results} may take
     * @param shutdownTimeout    how long running commands may take to finish when stopping (or when
     *                           partitions are revoked) before they are interrupted
     */
    public record Settings(String groupId, int concurrency, int maxAttempts, Duration backoff, Duration maxBackoff,
                           Duration resultsLoadTimeout, Duration shutdownTimeout) {
        public Settings {
            if (groupId == null || groupId.isBlank() || concurrency < 1 || maxAttempts < 1) {
                throw new IllegalArgumentException("a runner needs a group id, a concurrency and an attempt count of at least 1");
            }
        }
    }

    /** What the runner has done so far. */
    public record Status(long received, long executed, long republished, long unanswered, long deadLettered, long retries,
                         int running, int knownResults) {
        public String oneLine() {
            return received + " commands received, " + executed + " executed, " + republished + " earlier results re-published, "
                    + deadLettered + " dead-lettered, " + retries + " retries"
                    + (unanswered > 0 ? ", " + unanswered + " unanswered" : "") + ", " + running + " running";
        }
    }

    /** A received record waiting for the result of its command. */
    private record Waiter(TopicPartition partition, long offset) {}

    private final Settings settings;
    private final FleetExecutor executor;
    private final Consumer<byte[], byte[]> consumer;
    private final Producer<byte[], byte[]> producer;
    private final ResultsIndex results;
    private final CommandDecoder decoder;
    private final Serializer<String> keys;
    private final Serializer<CommandResult> resultValues;
    private final String commandsTopic;
    private final String resultsTopic;
    private final String deadLetterTopic;
    private final Clock clock;
    private final OffsetTracker offsets = new OffsetTracker();
    private final KeyedLanes lanes;
    private final Object ids = new Object();
    private final Map<String, List<Waiter>> inFlight = new HashMap<>();
    private final Set<String> unansweredIds = new HashSet<>();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong executed = new AtomicLong();
    private final AtomicLong republished = new AtomicLong();
    private final AtomicLong unanswered = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final Thread thread;
    private volatile boolean stopping;
    private volatile Throwable failure;
    private boolean paused;

    FleetCommandRunner(Settings settings, FleetExecutor executor, Consumer<byte[], byte[]> commands, Consumer<byte[], byte[]> resultsReader,
                       Producer<byte[], byte[]> producer, TopicCatalog catalog, Clock clock) {
        this.settings = settings;
        this.executor = executor;
        this.consumer = commands;
        this.producer = producer;
        this.commandsTopic = catalog.fleetCommands.name();
        this.resultsTopic = catalog.commandResults.name();
        this.deadLetterTopic = catalog.deadLetter("connectors").name();
        Deserializer<CommandResult> resultReader = catalog.commandResults.valueSerde().deserializer();
        this.results = new ResultsIndex(resultsReader, resultsTopic, resultReader, CommandKind.FLEET);
        this.decoder = new CommandDecoder(catalog.fleetCommands.valueSerde().deserializer());
        this.keys = catalog.commandResults.keySerde().serializer();
        this.resultValues = catalog.commandResults.valueSerde().serializer();
        this.clock = clock;
        this.lanes = new KeyedLanes("holdfast-fleet-command", settings.concurrency());
        this.thread = new Thread(this::run, "holdfast-fleet-runner");
        this.thread.setDaemon(true);
    }

    /**
     * Connects to the cluster of {@code config}, reads {@code commands.results} to its end (failing if
     * that takes longer than {@link Settings#resultsLoadTimeout()}) and starts consuming. The executor
     * stays the caller's to close.
     */
    public static FleetCommandRunner start(HoldfastConfig config, Settings settings, FleetExecutor executor) {
        TopicCatalog catalog = new TopicCatalog(config);
        Map<String, Object> kafka = config.kafkaProperties();
        KafkaTopics.requireBootstrap(kafka);
        KafkaTopics.awaitLeaders(kafka, List.of(catalog.fleetCommands.name(), catalog.commandResults.name(),
                catalog.deadLetter("connectors").name()), Duration.ofSeconds(30));
        String clientId = "holdfast-fleet-" + settings.groupId();
        Map<String, Object> commandProps = consumerProperties(kafka);
        commandProps.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        commandProps.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, clientId + "-commands");
        // A new group starts at the beginning: a command published before the executor first started
        // is still executed (or, if its deadline has passed, answered TIMED_OUT), never skipped.
        commandProps.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Map<String, Object> resultProps = consumerProperties(kafka);
        resultProps.remove(ConsumerConfig.GROUP_ID_CONFIG);
        resultProps.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId + "-results");
        KafkaConsumer<byte[], byte[]> commands = new KafkaConsumer<>(commandProps, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        KafkaConsumer<byte[], byte[]> resultsReader = new KafkaConsumer<>(resultProps, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaTopics.idempotentProducer(kafka, clientId),
                new ByteArraySerializer(), new ByteArraySerializer());
        FleetCommandRunner runner = new FleetCommandRunner(settings, executor, commands, resultsReader, producer, catalog, Clock.systemUTC());
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
        log.info("executing {} with {} as group {} ({} shards at a time), results to {}", commandsTopic, executor.name(),
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
        FleetCommand command = decoded.command();
        String id = command.getCommandId();
        String shardKey = CommandResults.shardKey(command);
        Waiter waiter = new Waiter(partition, record.offset());
        Optional<CommandResult> earlier;
        synchronized (ids) {
            earlier = results.get(id);
            if (earlier.isEmpty()) {
                if (unansweredIds.contains(id)) {
                    log.info("command {} ({} {}) seen before and left unanswered by {}: not executed again", id, command.getType(),
                            shardKey, executor.name());
                    offsets.done(partition, record.offset());
                    return;
                }
                List<Waiter> waiting = inFlight.get(id);
                if (waiting != null) {
                    waiting.add(waiter);
                    return;
                }
                inFlight.put(id, new ArrayList<>(List.of(waiter)));
            }
        }
        if (earlier.isPresent()) {
            CommandResult result = earlier.get();
            lanes.submit(shardKey, () -> republish(result, shardKey, List.of(waiter)));
        } else {
            lanes.submit(shardKey, () -> execute(command, shardKey));
        }
    }

    /** On the shard's lane: execute, publish, wait for the acknowledgement, then release every record waiting for this id. */
    private void execute(FleetCommand command, String shardKey) throws InterruptedException {
        String id = command.getCommandId();
        Optional<CommandResult> outcome = executeWithRetries(command);
        if (outcome.isEmpty()) {
            List<Waiter> waiters;
            synchronized (ids) {
                waiters = inFlight.remove(id);
                unansweredIds.add(id);
            }
            unanswered.incrementAndGet();
            log.warn("command {} ({} {}): {} gave no answer; nothing published", id, command.getType(), shardKey, executor.name());
            waiters.forEach(w -> offsets.done(w.partition(), w.offset()));
            return;
        }
        CommandResult result = outcome.get();
        if (!publish(result, shardKey, result.getFinishedTime().toEpochMilli())) {
            return;
        }
        executed.incrementAndGet();
        log.info("command {} ({} {}) by {}: {}{}", id, command.getType(), shardKey, executor.name(), result.getOutcome(),
                result.getMessage() == null ? "" : ": " + result.getMessage());
        List<Waiter> waiters;
        synchronized (ids) {
            results.put(result);
            waiters = inFlight.remove(id);
        }
        offsets.done(waiters.get(0).partition(), waiters.get(0).offset());
        if (waiters.size() > 1) {
            republish(result, shardKey, waiters.subList(1, waiters.size()));
        }
    }

    private void republish(CommandResult result, String shardKey, List<Waiter> waiters) {
        for (Waiter waiter : waiters) {
            log.info("command {} ({} {}) seen before: not executed again, its {} result published again", result.getCommandId(),
                    result.getFleetType(), shardKey, result.getOutcome());
            if (!publish(result, shardKey, null)) {
                return;
            }
            republished.incrementAndGet();
            offsets.done(waiter.partition(), waiter.offset());
        }
    }

    /** Sends {@code result} and waits for the cluster to acknowledge it; false (and the runner stopping) if it does not. */
    private boolean publish(CommandResult result, String shardKey, Long timestamp) {
        try {
            producer.send(new ProducerRecord<>(resultsTopic, null, timestamp, keys.serialize(resultsTopic, shardKey),
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

    private Optional<CommandResult> executeWithRetries(FleetCommand command) throws InterruptedException {
        long backoff = settings.backoff().toMillis();
        TransientExecutionException last = null;
        for (int attempt = 1; ; attempt++) {
            Instant now = clock.instant();
            if (now.isAfter(command.getDeadlineTime())) {
                return Optional.of(last == null
                        ? CommandResults.deadlinePassed(command, executor.name(), now)
                        : CommandResults.of(command, executor.name(), CommandOutcome.TIMED_OUT, "not carried out: the deadline passed while "
                                + "retrying after " + (attempt - 1) + " attempt(s); last error: " + last.getMessage(), now, now, Map.of()));
            }
            try {
                return executor.execute(command);
            } catch (TransientExecutionException e) {
                last = e;
                Instant failed = clock.instant();
                if (attempt >= settings.maxAttempts()) {
                    return Optional.of(CommandResults.of(command, executor.name(), CommandOutcome.FAILED,
                            "gave up after " + attempt + " attempts; last error: " + e.getMessage(), failed, failed, Map.of()));
                }
                retries.incrementAndGet();
                long untilDeadline = Duration.between(failed, command.getDeadlineTime()).toMillis();
                long wait = Math.max(0, Math.min(backoff, untilDeadline + 1));
                log.warn("command {} attempt {} failed transiently ({}); retrying in {} ms", command.getCommandId(), attempt, e.getMessage(), wait);
                // A real-time wait is the point here: the fleet API gets time to come back.
                Thread.sleep(wait);
                backoff = Math.min(backoff * 2, settings.maxBackoff().toMillis());
            } catch (RuntimeException e) {
                log.error("executor {} failed on command {}: {}", executor.name(), command.getCommandId(), e.toString(), e);
                Instant failed = clock.instant();
                return Optional.of(CommandResults.of(command, executor.name(), CommandOutcome.FAILED, "executor error: " + e,
                        failed, failed, Map.of()));
            }
        }
    }

    private void deadLetter(ConsumerRecord<byte[], byte[]> record, String reason, Exception cause) {
        log.warn("{}[{}]@{} is not a command that can be executed ({}): to {}", record.topic(), record.partition(), record.offset(),
                reason, deadLetterTopic);
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        producer.send(DeadLetters.of(record, deadLetterTopic, "fleet-executor", reason, cause), (metadata, e) -> {
            if (e != null) {
                fail(new IllegalStateException("a poison command could not be written to " + deadLetterTopic + ": " + e, e));
                return;
            }
            deadLettered.incrementAndGet();
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
            log.error("fleet command runner stopping: {}", e.toString(), e);
        }
        stopping = true;
        consumer.wakeup();
    }

    public Status status() {
        return new Status(received.get(), executed.get(), republished.get(), unanswered.get(), deadLettered.get(), retries.get(),
                offsets.undone(), results.size());
    }

    /** Why the runner stopped on its own, if it did. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    public boolean isRunning() {
        return thread.isAlive();
    }

    /** Stops consuming, lets running commands finish (up to the shutdown timeout), commits what is done and closes the clients. */
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
            log.warn("fleet command runner did not stop in time");
        }
        log.info("fleet command runner stopped: {}", status().oneLine());
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
