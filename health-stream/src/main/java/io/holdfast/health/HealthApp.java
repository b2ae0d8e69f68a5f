package io.holdfast.health;

import io.holdfast.health.internal.VolumeHealthProcessor;
import io.holdfast.health.internal.VolumeStateView;
import io.holdfast.topology.app.AppContext;
import io.holdfast.topology.app.RunningApp;
import io.holdfast.topology.app.StreamsApp;
import io.holdfast.topology.http.AppHttpServer;
import io.holdfast.topology.http.HttpReply;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The health app ({@code holdfast run health}): volume metrics to volume health. Its state is
 * queryable at {@code /volumes/<peer group>/<volume id>} (the peer group decides which instance
 * owns a volume, since the analysis is partitioned by peer group).
 */
public final class HealthApp implements StreamsApp {

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
        return builder.build();
    }

    @Override
    public void registerQueries(AppHttpServer http, RunningApp app) {
        http.route("/volumes", request -> {
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
}
