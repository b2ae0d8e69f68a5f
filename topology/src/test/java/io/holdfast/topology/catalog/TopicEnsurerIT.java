package io.holdfast.topology.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.embedded.EmbeddedKafka;
import io.holdfast.embedded.junit.EmbeddedStackExtension;
import io.holdfast.topology.config.HoldfastConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(EmbeddedStackExtension.class)
class TopicEnsurerIT {

    @Test
    void secondRunIsANoOpAndExistingTopicsThatDifferAreReported(EmbeddedKafka kafka) throws Exception {
        String prefix = "it-ensure-" + System.nanoTime() + ".";
        HoldfastConfig config = HoldfastConfig.load(Optional.empty(), Map.of(), Map.of(
                HoldfastConfig.TOPIC_PREFIX, prefix, HoldfastConfig.TOPIC_PARTITIONS, "3"));
        TopicCatalog catalog = new TopicCatalog(config);
        // An operator created one topic by hand, with the wrong partition count and cleanup policy.
        kafka.createTopics(List.of(new NewTopic(catalog.tablets.name(), 1, (short) 1)
                .configs(Map.of("cleanup.policy", "delete"))));

        try (Admin admin = kafka.admin()) {
            TopicEnsurer ensurer = new TopicEnsurer(admin, Duration.ofSeconds(30));
            TopicEnsurer.Report first = ensurer.ensure(catalog.all());
            assertEquals(catalog.all().size() - 1, first.created().size());
            assertEquals(List.of(catalog.tablets.name()), List.copyOf(first.differing().keySet()));
            List<String> diffs = first.differing().get(catalog.tablets.name());
            assertTrue(diffs.contains("partitions 1 (catalog: 3)"), diffs.toString());
            assertTrue(diffs.contains("cleanup.policy=delete (catalog: compact)"), diffs.toString());

            TopicEnsurer.Report second = ensurer.ensure(catalog.all());
            assertTrue(second.created().isEmpty(), "second run created " + second.created());
            assertEquals(catalog.all().size() - 1, second.unchanged().size());
            assertEquals(first.differing(), second.differing());

            var description = admin.describeTopics(List.of(catalog.control.name(), catalog.volumeMetrics.name()))
                    .allTopicNames().get();
            assertEquals(1, description.get(catalog.control.name()).partitions().size());
            assertEquals(3, description.get(catalog.volumeMetrics.name()).partitions().size());
        }
    }
}
