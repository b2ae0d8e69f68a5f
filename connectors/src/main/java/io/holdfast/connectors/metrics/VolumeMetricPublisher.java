package io.holdfast.connectors.metrics;

import io.holdfast.connectors.commands.KafkaTopics;
import io.holdfast.schemas.VolumeMetric;
import io.holdfast.topology.catalog.Topic;
import io.holdfast.topology.catalog.TopicCatalog;
import io.holdfast.topology.config.HoldfastConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes {@link VolumeMetric}s to {@code fleet.volume-metrics}, keyed by volume id, with the
 * sample's event time as the record timestamp. The producer is idempotent with {@code acks=all};
 * every send's outcome is counted, and failures are logged (at most one line per ten seconds, with
 * how many failed since the last line), so a sample is never lost silently.
 *
 * <p>Thread-safe, like the producer underneath.
 */
public final class VolumeMetricPublisher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(VolumeMetricPublisher.class);
    private static final long FAILURE_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** Samples handed to the producer, acknowledged by the cluster, and definitely not delivered. */
    public record Counts(long published, long acknowledged, long failed) {
        /** Sent and not yet acknowledged or failed. */
        public long pending() {
            return published - acknowledged - failed;
        }

        @Override
        public String toString() {
            return published + " samples published (" + acknowledged + " acknowledged, " + failed + " failed)";
        }
    }

    private final Producer<String, VolumeMetric> producer;
    private final String topic;
    private final LongAdder published = new LongAdder();
    private final LongAdder acknowledged = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final AtomicLong failuresSinceLog = new AtomicLong();
    private final AtomicLong lastFailureLogNanos = new AtomicLong(System.nanoTime() - FAILURE_LOG_INTERVAL_NANOS);

    /** Publishes through {@code producer}, which must be idempotent with {@code acks=all} (tests pass a mock). */
    public VolumeMetricPublisher(Producer<String, VolumeMetric> producer, String topic) {
        this.producer = producer;
        this.topic = topic;
    }

    /**
     * A publisher on the cluster of {@code config}, after checking that the catalog's metric topic
     * exists and every partition has a leader: producing to a topic that is still being created can
     * lose records (KAFKA-15591), and holdfast creates topics only with {@code holdfast topics ensure}.
     */
    public static VolumeMetricPublisher connect(HoldfastConfig config, String clientId, Duration timeout) {
        Topic<String, VolumeMetric> topic = new TopicCatalog(config).volumeMetrics;
        Map<String, Object> kafka = config.kafkaProperties();
        if (!kafka.containsKey(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG)) {
            throw new ConfigException("No bootstrap.servers: set it in --config FILE, HOLDFAST_BOOTSTRAP_SERVERS or --set bootstrap.servers=HOST:PORT");
        }
        awaitTopic(kafka, topic.name(), timeout);
        return new VolumeMetricPublisher(
                new KafkaProducer<>(producerProperties(kafka, clientId), topic.keySerde().serializer(), topic.valueSerde().serializer()),
                topic.name());
    }

    /** The user's Kafka settings with what the metric producers require; a contradicting setting is refused. */
    static Map<String, Object> producerProperties(Map<String, Object> kafka, String clientId) {
        return KafkaTopics.idempotentProducer(kafka, clientId);
    }

    private static void awaitTopic(Map<String, Object> kafka, String topic, Duration timeout) {
        Map<String, Object> adminProps = new HashMap<>();
        for (Map.Entry<String, Object> e : kafka.entrySet()) {
            if (AdminClientConfig.configNames().contains(e.getKey())) {
                adminProps.put(e.getKey(), e.getValue());
            }
        }
        adminProps.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(adminProps)) {
            while (true) {
                TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                        .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(topic);
                boolean led = description.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty());
                if (led) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Topic " + topic + " has partitions without a leader after " + timeout.toSeconds() + " s");
                }
                // Leader election is under way: ask the cluster again shortly.
                Thread.sleep(200);
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw new IllegalStateException("The Kafka cluster did not answer within " + timeout.toSeconds() + " s (bootstrap.servers="
                        + kafka.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG) + ")");
            }
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new IllegalStateException("Topic " + topic + " does not exist: create holdfast's topics with `holdfast topics ensure`");
            }
            throw new IllegalStateException("Cannot describe topic " + topic + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("The Kafka cluster did not answer within " + timeout.toSeconds() + " s (bootstrap.servers="
                    + kafka.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while checking topic " + topic);
        }
    }

    /**
     * Sends {@code metric}; the outcome arrives later and is counted. An exception here (e.g. the
     * producer failed fatally) means the sample was not sent, and is the caller's to handle.
     */
    public void publish(VolumeMetric metric) {
        // Counted before the send, so that an outcome is never counted before its send.
        published.increment();
        try {
            producer.send(new ProducerRecord<>(topic, null, metric.getEventTime().toEpochMilli(), metric.getVolumeId(), metric),
                    (RecordMetadata metadata, Exception e) -> completed(metric, e));
        } catch (RuntimeException e) {
            published.decrement();
            throw e;
        }
    }

    private void completed(VolumeMetric metric, Exception e) {
        if (e == null) {
            acknowledged.increment();
            return;
        }
        failed.increment();
        long unlogged = failuresSinceLog.incrementAndGet();
        long now = System.nanoTime();
        long last = lastFailureLogNanos.get();
        if (now - last >= FAILURE_LOG_INTERVAL_NANOS && lastFailureLogNanos.compareAndSet(last, now)) {
            failuresSinceLog.addAndGet(-unlogged);
            log.warn("{} sample(s) not delivered to {} since the last report; latest: {} at {}: {}",
                    unlogged, topic, metric.getVolumeId(), metric.getEventTime(), e.toString());
        }
    }

    public Counts counts() {
        // Read the outcomes before the sends, so that pending() is never negative.
        long ok = acknowledged.sum();
        long bad = failed.sum();
        return new Counts(published.sum(), ok, bad);
    }

    public String topic() {
        return topic;
    }

    /** Waits until every sample sent so far is acknowledged or failed. */
    public void flush() {
        producer.flush();
    }

    /** Delivers what is pending for up to {@code timeout}; what is still pending then fails and is counted. */
    public void close(Duration timeout) {
        producer.close(timeout);
        long unlogged = failuresSinceLog.getAndSet(0);
        if (unlogged > 0) {
            log.warn("{} sample(s) not delivered to {} since the last report", unlogged, topic);
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }
}
