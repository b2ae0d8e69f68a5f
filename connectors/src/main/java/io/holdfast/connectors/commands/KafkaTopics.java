package io.holdfast.connectors.commands;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Checks made before a connector (a command executor, the fleet simulator) produces to or consumes from the cluster. */
public final class KafkaTopics {

    private KafkaTopics() {}

    public static void requireBootstrap(Map<String, Object> kafka) {
        if (!kafka.containsKey(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG)) {
            throw new ConfigException("No bootstrap.servers: set it in --config FILE, HOLDFAST_BOOTSTRAP_SERVERS or --set bootstrap.servers=HOST:PORT");
        }
    }

    /** Only the settings an admin client understands (the rest would be logged as unknown). */
    public static Map<String, Object> adminProperties(Map<String, Object> kafka) {
        Map<String, Object> props = new HashMap<>();
        for (Map.Entry<String, Object> e : kafka.entrySet()) {
            if (AdminClientConfig.configNames().contains(e.getKey())) {
                props.put(e.getKey(), e.getValue());
            }
        }
        return props;
    }

    /**
     * Waits until every partition of {@code topics} has a leader: producing to a topic that is still
     * being created can lose records (KAFKA-15591), and holdfast creates topics only with
     * {@code holdfast topics ensure}, never implicitly.
     */
    public static void awaitLeaders(Map<String, Object> kafka, List<String> topics, Duration timeout) {
        Map<String, Object> adminProps = adminProperties(kafka);
        adminProps.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(adminProps)) {
            while (true) {
                Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames()
                        .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                boolean led = described.values().stream().flatMap(d -> d.partitions().stream())
                        .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
                if (led) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Topics " + topics + " have partitions without a leader after " + timeout.toSeconds() + " s");
                }
                // Leader election is under way: ask the cluster again shortly.
                Thread.sleep(200);
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new IllegalStateException("A topic of " + topics + " does not exist: create holdfast's topics with `holdfast topics ensure`");
            }
            if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw unanswered(kafka, timeout);
            }
            throw new IllegalStateException("Cannot describe topics " + topics + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw unanswered(kafka, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while checking topics " + topics);
        }
    }

    private static IllegalStateException unanswered(Map<String, Object> kafka, Duration timeout) {
        return new IllegalStateException("The Kafka cluster did not answer within " + timeout.toSeconds() + " s (bootstrap.servers="
                + kafka.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG) + ")");
    }

    /**
     * The user's Kafka settings with what every holdfast producer requires (commands, metrics, inventory):
     * idempotence and {@code acks=all}, so that an acknowledged record is neither lost nor duplicated.
     * A setting that contradicts them is refused.
     */
    public static Map<String, Object> idempotentProducer(Map<String, Object> kafka, String clientId) {
        Map<String, Object> props = new HashMap<>(kafka);
        require(props, ProducerConfig.ACKS_CONFIG, "all", "-1");
        require(props, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        return props;
    }

    private static void require(Map<String, Object> props, String key, String value, String... equivalents) {
        Object given = props.get(key);
        if (given != null) {
            String text = String.valueOf(given).trim();
            if (!text.equalsIgnoreCase(value) && !List.of(equivalents).contains(text)) {
                throw new ConfigException(key, given, "holdfast's producers need " + key + "=" + value
                        + " so that no acknowledged record is lost or duplicated");
            }
        }
        props.put(key, value);
    }
}
