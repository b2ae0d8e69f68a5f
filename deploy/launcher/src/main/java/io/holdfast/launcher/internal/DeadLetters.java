package io.holdfast.launcher.internal;

import io.holdfast.topology.catalog.TopicCatalog;
import io.holdfast.topology.config.HoldfastConfig;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Reads an app's dead-letter topic ({@code dlq.<app>}) and puts its records back on the topics they
 * came from. Each was written with its original key, value and timestamp and where it came from and why
 * in headers: Kafka Streams' {@code __streams.errors.*} for the stream apps, holdfast's
 * {@code holdfast.dlq.*} for the connectors and executors ({@code dlq.connectors}).
 *
 * <p>A replay is one consumer group per app ({@code <prefix>holdfast-dlq-replay-<app>}) and one
 * transactional producer: each dead letter is re-published and its offset committed in the same
 * transaction, so a replay that dies resumes where it stopped and never re-publishes what it already
 * did. It reads up to the end the topic had when it started and stops. Records a filter leaves out are
 * passed over too (the next replay starts after them; {@code fromBeginning} offers everything again).
 * holdfast's inputs are idempotent (a duplicate sample, change event or inventory record changes
 * nothing), so offering a record twice is harmless; offering it while its cause persists sends it back
 * to the dead-letter topic.
 */
public final class DeadLetters {

    public static final String SOURCE_TOPIC = "__streams.errors.topic";
    public static final String SOURCE_PARTITION = "__streams.errors.partition";
    public static final String SOURCE_OFFSET = "__streams.errors.offset";
    public static final String EXCEPTION = "__streams.errors.exception";
    public static final String MESSAGE = "__streams.errors.message";
    private static final String ERROR_HEADERS = "__streams.errors.";
    private static final String CONNECTOR_HEADERS = "holdfast.dlq.";
    /** Added to every replayed record: where in the dead-letter topic it was taken from (replaces an earlier one). */
    public static final String REPLAYED_FROM = "holdfast.dlq.replayed-from";
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(2);

    /** One dead letter as read: where it is, where it came from, why it is here. */
    public record Letter(TopicPartition at, long offset, String sourceTopic, int sourcePartition, long sourceOffset,
                         String exception, String message) {

        public String describe() {
            return at.topic() + "-" + at.partition() + "@" + offset + " from " + (sourceTopic == null ? "?" : sourceTopic + "-"
                    + sourcePartition + "@" + sourceOffset) + ": " + exception + (message == null ? "" : ": " + firstLine(message));
        }

        static Letter of(ConsumerRecord<byte[], byte[]> r) {
            Headers h = r.headers();
            String partition = either(h, SOURCE_PARTITION, io.holdfast.connectors.commands.DeadLetters.HEADER_PARTITION);
            String offset = either(h, SOURCE_OFFSET, io.holdfast.connectors.commands.DeadLetters.HEADER_OFFSET);
            String exception = either(h, EXCEPTION, io.holdfast.connectors.commands.DeadLetters.HEADER_EXCEPTION);
            return new Letter(new TopicPartition(r.topic(), r.partition()), r.offset(),
                    either(h, SOURCE_TOPIC, io.holdfast.connectors.commands.DeadLetters.HEADER_TOPIC),
                    partition == null ? -1 : parseInt(partition), offset == null ? -1 : parseLong(offset),
                    exception == null ? "unknown" : exception, either(h, MESSAGE, io.holdfast.connectors.commands.DeadLetters.HEADER_REASON));
        }

        private static String either(Headers h, String streams, String connectors) {
            String value = text(h, streams);
            return value != null ? value : text(h, connectors);
        }
    }

    /** What a replay did; with {@code dryRun} nothing was published or committed. */
    public record Replay(long read, long replayed, long filtered, long withoutSource, Map<String, Long> byTopic) {}

    private final HoldfastConfig settings;
    private final String app;
    private final String topic;
    private final PrintWriter progress;

    public DeadLetters(HoldfastConfig settings, String app, PrintWriter progress) {
        if (!TopicCatalog.DEAD_LETTER_OWNERS.contains(app)) {
            throw new Failures.UserError("unknown app '" + app + "': dead-letter topics exist for " + TopicCatalog.DEAD_LETTER_OWNERS);
        }
        if (!settings.kafkaProperties().containsKey(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG)) {
            throw new Failures.UserError(
                    "no bootstrap.servers: set it in --config FILE, HOLDFAST_BOOTSTRAP_SERVERS or --set bootstrap.servers=HOST:PORT");
        }
        this.settings = settings;
        this.app = app;
        this.topic = new TopicCatalog(settings).deadLetter(app).name();
        this.progress = progress;
    }

    public String topic() {
        return topic;
    }

    public String replayGroup() {
        return settings.topicPrefix() + "holdfast-dlq-replay-" + app;
    }

    /** Every dead letter now in the topic, oldest first per partition; reads from the start, commits nothing. */
    public List<Letter> list() {
        List<Letter> letters = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(null)) {
            List<TopicPartition> partitions = partitions(consumer);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            readEach(consumer, partitions, r -> letters.add(Letter.of(r)));
        }
        return letters;
    }

    /**
     * Re-publishes the dead letters {@code accept} selects to their source topics (same partition when it
     * still exists), from where the replay group stopped (or the beginning) to the end the topic has now.
     */
    public Replay replay(Predicate<Letter> accept, boolean fromBeginning, boolean dryRun) {
        long[] counts = new long[4];
        Map<String, Long> byTopic = new TreeMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(replayGroup());
             KafkaProducer<byte[], byte[]> producer = dryRun ? null : producer()) {
            List<TopicPartition> partitions = partitions(consumer);
            consumer.assign(partitions);
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new java.util.HashSet<>(partitions));
            for (TopicPartition p : partitions) {
                OffsetAndMetadata c = committed.get(p);
                if (fromBeginning || c == null) {
                    consumer.seekToBeginning(List.of(p));
                } else {
                    consumer.seek(p, c.offset());
                }
            }
            if (producer != null) {
                producer.initTransactions();
            }
            Map<String, Integer> partitionCounts = new HashMap<>();
            readToEnd(consumer, partitions, batch -> {
                if (producer != null) {
                    producer.beginTransaction();
                }
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                    counts[0]++;
                    Letter letter = Letter.of(r);
                    if (letter.sourceTopic() == null) {
                        counts[3]++;
                    } else if (!accept.test(letter)) {
                        counts[2]++;
                    } else {
                        counts[1]++;
                        byTopic.merge(letter.sourceTopic(), 1L, Long::sum);
                        if (producer != null) {
                            int count = partitionCounts.computeIfAbsent(letter.sourceTopic(),
                                    t -> producer.partitionsFor(t).size());
                            Integer partition = letter.sourcePartition() >= 0 && letter.sourcePartition() < count
                                    ? letter.sourcePartition() : null;
                            producer.send(new ProducerRecord<>(letter.sourceTopic(), partition, r.timestamp(), r.key(), r.value(),
                                    replayHeaders(r)));
                        }
                    }
                }
                if (producer != null) {
                    Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
                    for (ConsumerRecord<byte[], byte[]> r : batch) {
                        next.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                    }
                    producer.sendOffsetsToTransaction(next, consumer.groupMetadata());
                    producer.commitTransaction();
                }
            });
        }
        return new Replay(counts[0], counts[1], counts[2], counts[3], byTopic);
    }

    private static Headers replayHeaders(ConsumerRecord<byte[], byte[]> r) {
        RecordHeaders headers = new RecordHeaders();
        for (Header h : r.headers()) {
            if (!h.key().startsWith(ERROR_HEADERS) && !h.key().startsWith(CONNECTOR_HEADERS)) {
                headers.add(h);
            }
        }
        headers.add(REPLAYED_FROM, (r.topic() + "-" + r.partition() + "@" + r.offset()).getBytes(StandardCharsets.UTF_8));
        return headers;
    }

    private List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
        if (infos == null || infos.isEmpty()) {
            throw new Failures.UserError("topic '" + topic + "' does not exist: nothing was ever dead-lettered by " + app
                    + " (or holdfast.topic.prefix differs)");
        }
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo info : infos) {
            partitions.add(new TopicPartition(info.topic(), info.partition()));
        }
        return partitions;
    }

    private void readEach(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions,
                          java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> each) {
        readToEnd(consumer, partitions, batch -> batch.forEach(each));
    }

    private interface Batch {
        void accept(List<ConsumerRecord<byte[], byte[]>> batch);
    }

    /** Polls until every partition's position reached the end it had at the start, in batches, with progress lines. */
    private void readToEnd(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions, Batch each) {
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        long total = 0;
        for (TopicPartition p : partitions) {
            total += Math.max(0, ends.get(p) - consumer.position(p));
        }
        long done = 0;
        long lastProgress = System.nanoTime();
        while (!caughtUp(consumer, partitions, ends)) {
            List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                if (r.offset() < ends.get(new TopicPartition(r.topic(), r.partition()))) {
                    batch.add(r);
                }
            }
            if (!batch.isEmpty()) {
                each.accept(batch);
                done += batch.size();
            }
            if (System.nanoTime() - lastProgress > PROGRESS_EVERY.toNanos()) {
                progress.printf("  %s: %,d of about %,d records read%n", topic, done, total);
                progress.flush();
                lastProgress = System.nanoTime();
            }
        }
    }

    private static boolean caughtUp(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions,
                                    Map<TopicPartition, Long> ends) {
        for (TopicPartition p : partitions) {
            if (consumer.position(p) < ends.get(p)) {
                return false;
            }
        }
        return true;
    }

    private KafkaConsumer<byte[], byte[]> consumer(String group) {
        Map<String, Object> props = new HashMap<>(settings.kafkaProperties());
        if (group != null) {
            props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        } else {
            props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        }
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Streams writes dead letters in its transactions: read only those that committed.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // Looking at a dead-letter topic that is not there must not create it.
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private KafkaProducer<byte[], byte[]> producer() {
        Map<String, Object> props = new HashMap<>(settings.kafkaProperties());
        // One id per app: a second replay of the same app fences the first instead of running beside it.
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, replayGroup());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static String text(Headers headers, String key) {
        Header h = headers.lastHeader(key);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static int parseInt(String s) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
