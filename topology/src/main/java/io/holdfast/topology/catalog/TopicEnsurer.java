package io.holdfast.topology.catalog;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Makes the cluster hold every catalog topic: creates the missing ones, waits until each partition
 * has a leader (producing before that can lose records, KAFKA-15591), and reports existing topics
 * whose settings differ from the catalog's. It never alters an existing topic: changing partitions
 * or cleanup policy under running apps is an operator's decision. Running it twice is a no-op.
 */
public final class TopicEnsurer {

    private final Admin admin;
    private final Duration timeout;

    public TopicEnsurer(Admin admin, Duration timeout) {
        this.admin = admin;
        this.timeout = timeout;
    }

    /** What {@link #ensure} found and did. */
    public record Report(List<String> created, List<String> unchanged, Map<String, List<String>> differing) {
        public boolean changedNothing() {
            return created.isEmpty();
        }

        public String summary() {
            return created.size() + " created, " + unchanged.size() + " already as specified, "
                    + differing.size() + " differ from the catalog";
        }
    }

    public Report ensure(Collection<Topic<?, ?>> topics) throws InterruptedException {
        Map<String, TopicSettings> wanted = new LinkedHashMap<>();
        for (Topic<?, ?> topic : topics) {
            wanted.put(topic.name(), topic.settings());
        }
        Set<String> existing = call(admin.listTopics().names());
        List<String> created = new ArrayList<>();
        for (Map.Entry<String, TopicSettings> e : wanted.entrySet()) {
            if (existing.contains(e.getKey())) {
                continue;
            }
            TopicSettings s = e.getValue();
            NewTopic newTopic = new NewTopic(e.getKey(), Optional.of(s.partitions()),
                    s.replicationFactor() < 0 ? Optional.empty() : Optional.of(s.replicationFactor()))
                    .configs(s.configs());
            try {
                call(admin.createTopics(List.of(newTopic)).all());
                created.add(e.getKey());
            } catch (IllegalStateException ex) {
                if (!(ex.getCause() instanceof TopicExistsException)) {
                    throw ex; // another instance creating it at the same moment is fine
                }
            }
        }
        awaitLeaders(wanted.keySet());

        Set<String> compared = new HashSet<>(wanted.keySet());
        compared.removeAll(created);
        Map<String, List<String>> differing = new LinkedHashMap<>();
        List<String> unchanged = new ArrayList<>();
        if (!compared.isEmpty()) {
            Map<String, TopicDescription> descriptions = call(admin.describeTopics(compared).allTopicNames());
            List<ConfigResource> resources = compared.stream()
                    .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
            Map<ConfigResource, Config> configs = call(admin.describeConfigs(resources).all());
            for (String name : wanted.keySet()) {
                if (!compared.contains(name)) {
                    continue;
                }
                List<String> diffs = differences(wanted.get(name), descriptions.get(name),
                        configs.get(new ConfigResource(ConfigResource.Type.TOPIC, name)));
                if (diffs.isEmpty()) {
                    unchanged.add(name);
                } else {
                    differing.put(name, diffs);
                }
            }
        }
        return new Report(created, unchanged, differing);
    }

    static List<String> differences(TopicSettings wanted, TopicDescription actual, Config config) {
        List<String> diffs = new ArrayList<>();
        int partitions = actual.partitions().size();
        if (partitions != wanted.partitions()) {
            diffs.add("partitions " + partitions + " (catalog: " + wanted.partitions() + ")");
        }
        if (wanted.replicationFactor() > 0) {
            int replicas = actual.partitions().get(0).replicas().size();
            if (replicas != wanted.replicationFactor()) {
                diffs.add("replication factor " + replicas + " (catalog: " + wanted.replicationFactor() + ")");
            }
        }
        for (Map.Entry<String, String> e : wanted.configs().entrySet()) {
            ConfigEntry entry = config == null ? null : config.get(e.getKey());
            String value = entry == null ? null : entry.value();
            if (!e.getValue().equals(value)) {
                diffs.add(e.getKey() + "=" + value + " (catalog: " + e.getValue() + ")");
            }
        }
        return diffs;
    }

    private void awaitLeaders(Set<String> names) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames()
                        .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                List<String> leaderless = described.values().stream()
                        .filter(d -> d.partitions().stream().anyMatch(p -> p.leader() == null || p.leader().isEmpty()))
                        .map(TopicDescription::name).collect(Collectors.toList());
                if (leaderless.isEmpty()) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no leader yet for a partition of " + leaderless
                            + " after " + timeout.toSeconds() + " s");
                }
            } catch (ExecutionException | TimeoutException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("cannot describe topics " + names + ": " + rootMessage(e), e);
                }
            }
            Thread.sleep(100);
        }
    }

    private <T> T call(org.apache.kafka.common.KafkaFuture<T> future) throws InterruptedException {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(rootMessage(e), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the cluster did not answer within " + timeout.toSeconds() + " s", e);
        }
    }

    private static String rootMessage(Exception e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}
