package io.holdfast.health.recovery.internal;

import io.holdfast.health.recovery.LockMessage;
import io.holdfast.health.recovery.RecoverySettings;
import io.holdfast.health.recovery.ShardRecovery;
import io.holdfast.health.recovery.ShardState;
import io.holdfast.schemas.ControlCommand;
import io.holdfast.topology.catalog.Topic;
import io.holdfast.topology.catalog.TopicCatalog;
import io.holdfast.topology.serde.JsonSerde;
import io.holdfast.topology.timer.TimerIndex;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/** Wires the recovery processors, sources, sinks and stores (see ShardRecoveryTopology for the picture). */
public final class RecoveryTopologyBuilder {

    public static final String SHARDS_STORE = ShardRecoveryProcessor.SHARDS_STORE;

    private RecoveryTopologyBuilder() {
    }

    public static List<String> addTo(Topology topology, TopicCatalog catalog, RecoverySettings settings,
                                     ShardRecovery.Metrics metrics) {
        RecoveryEventSerde events = new RecoveryEventSerde(catalog);
        StringSerializer keys = new StringSerializer();
        StringDeserializer keyReader = new StringDeserializer();
        String byVolume = catalog.recoveryByVolume.name();
        String byShard = catalog.recoveryByShard.name();
        String coordinatorTopic = catalog.recoveryCoordinator.name();

        // Inputs, validated and keyed: tablets and health by volume, results by shard, health to the coordinator.
        topology.addSource("recovery-tablets-source", keyReader, catalog.tablets.valueSerde().deserializer(),
                catalog.tablets.name());
        topology.addProcessor("recovery-key-tablets-by-volume", () -> new RecoveryInputs.Tablets(metrics), "recovery-tablets-source");
        topology.addSource("recovery-volume-health-source", keyReader, catalog.volumeHealth.valueSerde().deserializer(),
                catalog.volumeHealth.name());
        topology.addProcessor("recovery-route-volume-health",
                () -> new RecoveryInputs.Health("recovery-by-volume-sink", "recovery-health-to-coordinator-sink", metrics),
                "recovery-volume-health-source");
        topology.addSink("recovery-by-volume-sink", byVolume, keys, events.serializer(),
                "recovery-key-tablets-by-volume", "recovery-route-volume-health");
        topology.addSource("recovery-command-results-source", keyReader, catalog.commandResults.valueSerde().deserializer(),
                catalog.commandResults.name());
        topology.addProcessor("recovery-key-results-by-shard", () -> new RecoveryInputs.Results(metrics), "recovery-command-results-source");

        // The volume -> shard join.
        topology.addSource("recovery-by-volume-source", keyReader, events.deserializer(), byVolume);
        topology.addProcessor("recovery-volume-shard-join", VolumeShardJoin::new, "recovery-by-volume-source");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(VolumeShardJoin.LINKS_STORE),
                Serdes.String(), Serdes.String()), "recovery-volume-shard-join");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(VolumeShardJoin.HEALTH_STORE),
                Serdes.String(), catalog.volumeHealth.valueSerde()), "recovery-volume-shard-join");

        // The fleet coordinator, on one partition; its answers go to the shards.
        topology.addSink("recovery-health-to-coordinator-sink", coordinatorTopic, keys, events.serializer(),
                "recovery-route-volume-health");
        topology.addSource("recovery-coordinator-source", keyReader, events.deserializer(), coordinatorTopic);
        topology.addProcessor("recovery-coordinator", () -> new CoordinatorProcessor(settings), "recovery-coordinator-source");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(RecoveryCoordinator.SLOTS_STORE),
                Serdes.String(), new JsonSerde<>(LockMessage.class)), "recovery-coordinator");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(RecoveryCoordinator.VOLUMES_STORE),
                Serdes.String(), Serdes.String()), "recovery-coordinator");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(RecoveryCoordinator.CELLS_STORE),
                Serdes.String(), Serdes.String()), "recovery-coordinator");

        // Everything about a shard, keyed by shard, into the shard's state machine.
        topology.addSink("recovery-by-shard-sink", byShard, keys, events.serializer(),
                "recovery-volume-shard-join", "recovery-key-results-by-shard", "recovery-coordinator");
        topology.addSource("recovery-by-shard-source", keyReader, events.deserializer(), byShard);
        ShardRecoveryProcessor.Sinks sinks = new ShardRecoveryProcessor.Sinks("recovery-fleet-commands-sink",
                "recovery-audit-sink", "recovery-alerts-sink", "recovery-locks-to-coordinator-sink");
        topology.addProcessor("recovery-shard-workflow",
                () -> new ShardRecoveryProcessor(new ShardRecovery(settings, metrics), sinks), "recovery-by-shard-source");
        List<StoreBuilder<?>> shardStores = new ArrayList<>();
        // Cached: a shard's state is written on every topology refresh of each of its tablets.
        shardStores.add(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ShardRecoveryProcessor.SHARDS_STORE),
                Serdes.String(), new JsonSerde<>(ShardState.class)).withCachingEnabled());
        shardStores.addAll(TimerIndex.storeBuilders(ShardRecoveryProcessor.WAKE_UPS));
        for (StoreBuilder<?> store : shardStores) {
            topology.addStateStore(store, "recovery-shard-workflow");
        }
        sink(topology, sinks.commands(), catalog.fleetCommands);
        sink(topology, sinks.audit(), catalog.audit);
        sink(topology, sinks.alerts(), catalog.alerts);
        topology.addSink(sinks.coordinator(), coordinatorTopic, keys, events.serializer(), "recovery-shard-workflow");

        // Operator controls: every instance reads the whole control topic (a global store, visible to every processor).
        Serde<ControlCommand> controlSerde = catalog.control.valueSerde();
        topology.addGlobalStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ControlView.STORE),
                        Serdes.String(), controlSerde).withLoggingDisabled(),
                "recovery-control-source", keyReader, controlSerde.deserializer(), catalog.control.name(),
                "recovery-control-updater", () -> new io.holdfast.topology.app.GlobalStoreUpdater<>(ControlView.STORE));

        List<String> stores = new ArrayList<>(List.of(SHARDS_STORE, VolumeShardJoin.LINKS_STORE, VolumeShardJoin.HEALTH_STORE,
                RecoveryCoordinator.SLOTS_STORE, ControlView.STORE));
        return stores;
    }

    private static <V> void sink(Topology topology, String name, Topic<String, V> topic) {
        topology.addSink(name, topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer(),
                "recovery-shard-workflow");
    }
}
