package io.holdfast.connectors.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.embedded.EmbeddedKafka;
import io.holdfast.embedded.junit.EmbeddedStackExtension;
import io.holdfast.schemas.CommandOutcome;
import io.holdfast.schemas.CommandResult;
import io.holdfast.schemas.FleetCommand;
import io.holdfast.schemas.FleetCommandType;
import io.holdfast.schemas.MetricSource;
import io.holdfast.schemas.ReparentMode;
import io.holdfast.schemas.TabletRecord;
import io.holdfast.schemas.TabletRole;
import io.holdfast.schemas.VolumeMetric;
import io.holdfast.topology.catalog.TopicCatalog;
import io.holdfast.topology.catalog.TopicEnsurer;
import io.holdfast.topology.config.HoldfastConfig;
import io.holdfast.topology.testkit.KafkaTestClients;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The simulator on the real embedded broker, as the recovery workflow sees it: a command written
 * to {@code commands.fleet} by hand is executed, its result and the new topology are read back
 * read_committed, and the same command sent again is not executed a second time.
 */
@ExtendWith(EmbeddedStackExtension.class)
class FleetSimulatorIT {

    private static final String SHARD = "55-aa";
    private static final String SHARD_KEY = "commerce/55-aa";

    @Test
    void aPlannedReparentSentByHandIsExecutedOnceAndShowsInTheTopology(EmbeddedKafka kafka) throws Exception {
        String run = Long.toString(System.nanoTime());
        SimulatorConfig config = SimulatorConfig.load(Optional.empty(), Map.of(), Map.of(
                "bootstrap.servers", kafka.bootstrapServers(),
                HoldfastConfig.TOPIC_PREFIX, "it-fleet-" + run + ".",
                HoldfastConfig.TOPIC_PARTITIONS, "3",
                HoldfastConfig.SHUTDOWN_TIMEOUT_MS, "5000",
                SimulatorConfig.SHARDS, "3",
                SimulatorConfig.TIME_SCALE, "0.1",
                SimulatorConfig.GROUP_ID, "it-fleet-simulator-" + run));
        TopicCatalog catalog = new TopicCatalog(config);
        try (Admin admin = kafka.admin()) {
            new TopicEnsurer(admin, Duration.ofSeconds(30)).ensure(List.of(catalog.tablets, catalog.volumeMetrics, catalog.fleetCommands,
                    catalog.commandResults, catalog.deadLetter("connectors")));
        }
        String bootstrap = kafka.bootstrapServers();

        try (FleetSimulator sim = FleetSimulator.start(config)) {
            assertEquals(List.of("-55", "55-aa", "aa-"), sim.shardNames());
            FleetSimulator.ShardState before = sim.shard(SHARD);
            sim.degradePrimary(SHARD, Duration.ofMinutes(5), 300);
            String candidate = before.tablets().stream().filter(t -> t.getRole() == TabletRole.REPLICA)
                    .map(TabletRecord::getTabletAlias).sorted().findFirst().orElseThrow();
            long now = System.currentTimeMillis();
            FleetCommand command = FleetCommands.reparent("it-reparent-" + run, SHARD, ReparentMode.PLANNED, candidate,
                    before.primary(), before.primaryTerm(), now, now + 60_000);
            ProducerRecord<String, FleetCommand> record = new ProducerRecord<>(catalog.fleetCommands.name(), SHARD_KEY, command);

            KafkaTestClients.produce(bootstrap, List.of(record), new StringSerializer(), catalog.fleetCommands.valueSerde().serializer());
            List<ConsumerRecord<String, CommandResult>> results = readResults(bootstrap, catalog, 1);
            assertEquals(1, results.size(), "one result");
            CommandResult result = results.get(0).value();
            assertEquals(SHARD_KEY, results.get(0).key(), "keyed by the shard");
            assertEquals(CommandOutcome.SUCCEEDED, result.getOutcome(), result.toString());
            assertEquals(FleetCommandType.REPARENT, result.getFleetType());
            assertEquals(FleetSimulator.EXECUTOR_NAME, result.getExecutor());
            assertEquals(Map.of("new_primary", candidate, "old_primary", before.primary(), "primary_term", "2"), result.getObserved());

            Map<String, TabletRecord> topology = latestTablets(bootstrap, catalog);
            TabletRecord promoted = topology.get(candidate);
            assertEquals(TabletRole.PRIMARY, promoted.getRole(), promoted.toString());
            assertEquals(2, promoted.getPrimaryTerm());
            assertNull(promoted.getReplicationLagMs());
            TabletRecord demoted = topology.get(before.primary());
            assertEquals(TabletRole.REPLICA, demoted.getRole());
            assertTrue(demoted.getServing(), "a planned reparent leaves the old primary serving");
            assertEquals(9, topology.size(), "3 shards x 3 tablets");

            KafkaTestClients.produce(bootstrap, List.of(record), new StringSerializer(), catalog.fleetCommands.valueSerde().serializer());
            results = readResults(bootstrap, catalog, 2);
            assertEquals(2, results.size(), "the duplicate is answered");
            assertEquals(result, results.get(1).value(), "with the earlier result, unchanged");
            assertEquals(1, sim.commandCounts().executed(FleetCommandType.REPARENT), "executed once");
            assertEquals(2, sim.shard(SHARD).primaryTerm(), "one reparent, not two");

            LedgerEntry entry = sim.ledger().get(0);
            assertTrue(entry.impactWindow().isPresent(), "the reparent ended the impact");
            assertEquals(1, entry.reparents());
            assertTrue(sim.splitBrainMoments().isEmpty());
            assertTrue(sim.failure().isEmpty(), () -> "simulator failed: " + sim.failure());

            List<ConsumerRecord<String, VolumeMetric>> metrics = KafkaTestClients.readCommitted(bootstrap, catalog.volumeMetrics.name(),
                    9, Duration.ofSeconds(30), new StringDeserializer(), catalog.volumeMetrics.valueSerde().deserializer());
            assertFalse(metrics.isEmpty());
            for (ConsumerRecord<String, VolumeMetric> metric : metrics) {
                assertEquals(metric.key(), metric.value().getVolumeId());
                assertEquals(MetricSource.SIMULATOR, metric.value().getSource());
                assertEquals(metric.value().getEventTime().toEpochMilli(), metric.timestamp(), "record time is the event time");
            }
        }
    }

    private static List<ConsumerRecord<String, CommandResult>> readResults(String bootstrap, TopicCatalog catalog, int expected) {
        List<ConsumerRecord<String, CommandResult>> results = KafkaTestClients.readCommitted(bootstrap, catalog.commandResults.name(),
                expected, Duration.ofSeconds(60), new StringDeserializer(), catalog.commandResults.valueSerde().deserializer());
        // More than expected would be a second execution or a stray republish: give it a moment to show up.
        List<ConsumerRecord<String, CommandResult>> settled = KafkaTestClients.readCommitted(bootstrap, catalog.commandResults.name(),
                expected + 1, Duration.ofSeconds(2), new StringDeserializer(), catalog.commandResults.valueSerde().deserializer());
        return settled.size() > results.size() ? settled : results;
    }

    /** fleet.tablets as a compacted topic reads: the latest record per tablet. */
    private static Map<String, TabletRecord> latestTablets(String bootstrap, TopicCatalog catalog) {
        Map<String, TabletRecord> latest = new LinkedHashMap<>();
        // Tablet records keep coming (refreshes): read what is there for a few seconds.
        for (ConsumerRecord<String, TabletRecord> record : KafkaTestClients.readCommitted(bootstrap, catalog.tablets.name(),
                Integer.MAX_VALUE, Duration.ofSeconds(3), new StringDeserializer(), catalog.tablets.valueSerde().deserializer())) {
            assertEquals(record.key(), record.value().getTabletAlias());
            latest.put(record.key(), record.value());
        }
        return latest;
    }
}
