package io.holdfast.health;

import io.holdfast.health.classifier.HealthSettings;
import io.holdfast.health.internal.PeerGroupKeyer;
import io.holdfast.health.internal.VolumeHealthProcessor;
import io.holdfast.schemas.VolumeMetric;
import io.holdfast.topology.catalog.TopicCatalog;
import io.holdfast.topology.timer.TimerIndex;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The analysis half of the health app: {@code fleet.volume-metrics} (keyed by volume) is re-keyed by
 * peer group through the named repartition topic {@value #REPARTITION}, so that one task sees every
 * volume of a group and keeps the group's statistics next to its volumes' state; the classifier
 * judges each sample there and {@code state.volume-health} receives the transitions, keyed by volume.
 */
public final class VolumeHealthTopology {

    public static final String REPARTITION = "health-metrics-by-peer-group";

    private VolumeHealthTopology() {}

    /** Adds the analysis to {@code builder}; returns the names of its stores (for queries). */
    public static List<String> addTo(StreamsBuilder builder, TopicCatalog catalog, HealthSettings settings,
                                     VolumeHealthProcessor.HealthMetrics metrics) {
        List<String> stores = new ArrayList<>();
        List<StoreBuilder<?>> builders = new ArrayList<>(List.of(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(VolumeHealthProcessor.VOLUMES_STORE),
                        Serdes.String(), Serdes.ByteArray()).withCachingEnabled(),
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(VolumeHealthProcessor.PEER_GROUPS_STORE),
                        Serdes.String(), Serdes.ByteArray()).withCachingEnabled()));
        // Record caches coalesce repeated writes to one key between commits (a peer group is written by
        // each of its volumes' samples) before they reach RocksDB and the changelog.
        for (StoreBuilder<?> timers : TimerIndex.storeBuilders(VolumeHealthProcessor.GAP_TIMERS)) {
            builders.add(timers.withCachingEnabled());
        }
        for (StoreBuilder<?> b : builders) {
            builder.addStateStore(b);
            stores.add(b.name());
        }
        builder.stream(catalog.volumeMetrics.name(), catalog.volumeMetrics.consumed("volume-metrics-source"))
                .process(() -> new PeerGroupKeyer(metrics), Named.as("key-by-peer-group"))
                .repartition(Repartitioned.<String, VolumeMetric>as(REPARTITION)
                        .withKeySerde(Serdes.String()).withValueSerde(catalog.volumeMetrics.valueSerde()))
                .process(() -> new VolumeHealthProcessor(settings, metrics), Named.as("volume-health-classifier"),
                        stores.toArray(String[]::new))
                .to(catalog.volumeHealth.name(), catalog.volumeHealth.produced("volume-health-sink"));
        return stores;
    }
}
