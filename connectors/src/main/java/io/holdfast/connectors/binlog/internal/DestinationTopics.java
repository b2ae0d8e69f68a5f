package io.holdfast.connectors.binlog.internal;

import io.holdfast.topology.catalog.Topic;
import io.holdfast.topology.catalog.TopicCatalog;
import io.holdfast.topology.catalog.TopicEnsurer;
import io.holdfast.topology.catalog.TopicSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Makes sure a topic exists, with a leader, before the first record is produced to it: producing right
 * after a topic is auto-created can lose records silently (KAFKA-15591 family, DESIGN section 2). The
 * catalog's topics are created with the catalog's settings at start; a destination Debezium names that
 * the catalog does not know (the signal table's topic, a table added by an operator) gets one partition
 * and the events' retention.
 */
public final class DestinationTopics {

    private static final Duration EVENT_RETENTION = Duration.ofDays(7);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final Admin admin;
    private final short replicationFactor;
    private final Set<String> ready = ConcurrentHashMap.newKeySet();

    public DestinationTopics(Admin admin, short replicationFactor) {
        this.admin = admin;
        this.replicationFactor = replicationFactor;
    }

    /** The catalog topics the source writes (changes, notifications) or Debezium keeps its state in. */
    public static List<Topic<?, ?>> atStart(TopicCatalog catalog) {
        return new ArrayList<>(List.of(catalog.cdcRevisions, catalog.cdcEntityHeads, catalog.cdcNotifications,
                catalog.binlogOffsets, catalog.binlogSchemaHistory));
    }

    public void ensureAll(List<Topic<?, ?>> topics) throws InterruptedException {
        new TopicEnsurer(admin, TIMEOUT).ensure(topics);
        topics.forEach(t -> ready.add(t.name()));
    }

    /** Returns at once for a topic already seen; else creates it if missing and waits for its leader. */
    public void ensure(String name) throws InterruptedException {
        if (ready.contains(name)) {
            return;
        }
        ensureAll(List.of(new Topic<>(name, Serdes.String(), Serdes.String(),
                TopicSettings.retained(1, replicationFactor, EVENT_RETENTION))));
    }
}
