package io.holdfast.health;

import io.holdfast.health.internal.VolumeHealthProcessor;
import io.holdfast.health.internal.VolumeStateView;
import io.holdfast.health.recovery.RecoveryMetrics;
import io.holdfast.health.recovery.ShardRecoveryTopology;
import io.holdfast.health.recovery.ShardState;
import io.holdfast.topology.app.AppContext;
import io.holdfast.topology.app.RunningApp;
import io.holdfast.topology.app.StreamsApp;
import io.holdfast.topology.http.AppHttpServer;
import io.holdfast.topology.http.HttpReply;
import io.holdfast.topology.serde.JsonSerde;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The health app ({@code holdfast run health}): volume metrics to volume health
 * ({@link VolumeHealthTopology}), and volume health to shard recovery ({@link ShardRecoveryTopology}),
 * in one Streams app. Its state is queryable at {@code /volumes/<peer group>/<volume id>} (the peer
 * group decides which instance owns a volume, since the analysis is partitioned by peer group) and
 * at {@code /shards/<keyspace>/<shard>} (the shard's recovery state and workflow in flight);
 * {@code /volumes} and {@code /shards} list what this instance owns.
 */
public final class HealthApp implements StreamsApp {

    private static final com.fasterxml.jackson.databind.ObjectMapper LIST_JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    private static final JsonSerde<ShardState> SHARD_JSON = new JsonSerde<>(ShardState.class);

    private final HealthConfig config;

    public HealthApp(HealthConfig config) {
        this.config = config;
    }

    @Override
    public String name() {
        return "health";
    }

    @Override
    public Topology buildTopology(AppContext context) {
        StreamsBuilder builder = new StreamsBuilder();
        VolumeHealthTopology.addTo(builder, context.catalog(), config.settings(),
                new VolumeHealthProcessor.HealthMetrics(context.metrics()));
        Topology topology = builder.build();
        ShardRecoveryTopology.addTo(topology, context.catalog(), config.recoverySettings(),
                new RecoveryMetrics(context.metrics()));
        return topology;
    }

    @Override
    public void registerQueries(AppHttpServer http, RunningApp app) {
        http.route("/shards", request -> {
            String shard = request.pathAfter("/shards");
            if (shard.isEmpty()) {
                return localShards(app);
            }
            if (shard.indexOf('/') <= 0 || shard.endsWith("/")) {
                return HttpReply.json(400, "{\"error\":\"use /shards/<keyspace>/<shard>\"}");
            }
            String store = ShardRecoveryTopology.shardsStore();
            return app.queryRouter().route(request, store, shard, Serdes.String().serializer(), () -> {
                ReadOnlyKeyValueStore<String, ShardState> shards = app.streams().store(StoreQueryParameters
                        .fromNameAndType(store, QueryableStoreTypes.keyValueStore()));
                ShardState state = shards.get(shard);
                return state == null ? HttpReply.json(404, "{\"error\":\"unknown shard\"}")
                        : HttpReply.json(200,
                        new String(SHARD_JSON.serializer().serialize(store, state), StandardCharsets.UTF_8));
            });
        });
        http.route("/volumes", request -> {
            if (request.pathAfter("/volumes").isEmpty()) {
                return localVolumes(app);
            }
            String[] parts = request.pathAfter("/volumes").split("/", 2);
            if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
                return HttpReply.json(400, "{\"error\":\"use /volumes/<peer group>/<volume id>\"}");
            }
            String group = parts[0];
            String volume = parts[1];
            return app.queryRouter().route(request, VolumeHealthProcessor.VOLUMES_STORE, group, Serdes.String().serializer(), () -> {
                ReadOnlyKeyValueStore<String, byte[]> store = app.streams().store(StoreQueryParameters
                        .fromNameAndType(VolumeHealthProcessor.VOLUMES_STORE, QueryableStoreTypes.keyValueStore()));
                byte[] state = store.get(volume);
                return state == null ? HttpReply.json(404, "{\"error\":\"unknown volume\"}")
                        : HttpReply.json(200, VolumeStateView.json(state, config.settings()));
            });
        });
    }

    /**
     * Every shard this instance owns (one instance owns all of them unless the app is scaled out):
     * a request-time scan for operators and the dashboard, never on the processing path.
     */
    private static HttpReply localShards(RunningApp app) {
        String store = ShardRecoveryTopology.shardsStore();
        ReadOnlyKeyValueStore<String, ShardState> shards = app.streams().store(StoreQueryParameters
                .fromNameAndType(store, QueryableStoreTypes.keyValueStore()));
        StringBuilder json = new StringBuilder("{\"scope\":\"this instance\",\"shards\":[");
        try (KeyValueIterator<String, ShardState> it = shards.all()) {
            boolean first = true;
            while (it.hasNext()) {
                json.append(first ? "" : ",").append(new String(SHARD_JSON.serializer().serialize(store, it.next().value),
                        StandardCharsets.UTF_8));
                first = false;
            }
        }
        return HttpReply.json(200, json.append("]}").toString());
    }

    /** Every volume this instance owns, as {@code /volumes/<peer group>/<volume>} shows each. */
    private HttpReply localVolumes(RunningApp app) {
        ReadOnlyKeyValueStore<String, byte[]> store = app.streams().store(StoreQueryParameters
                .fromNameAndType(VolumeHealthProcessor.VOLUMES_STORE, QueryableStoreTypes.keyValueStore()));
        List<Map<String, Object>> volumes = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            while (it.hasNext()) {
                volumes.add(VolumeStateView.view(it.next().value, config.settings()));
            }
        }
        try {
            return HttpReply.json(200, LIST_JSON.writeValueAsString(Map.of("scope", "this instance", "volumes", volumes)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
