package io.holdfast.topology.app.demo;

import io.holdfast.schemas.VolumeHealth;
import io.holdfast.schemas.VolumeHealthState;
import io.holdfast.schemas.VolumeMetric;
import io.holdfast.topology.app.AppContext;
import io.holdfast.topology.app.RunningApp;
import io.holdfast.topology.app.StreamsApp;
import io.holdfast.topology.catalog.TopicCatalog;
import io.holdfast.topology.http.AppHttpServer;
import io.holdfast.topology.http.HttpReply;
import java.util.Locale;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * A small app for the runtime's own tests: volume metrics in (Avro), a health verdict out (Avro),
 * the latest metric per volume in a queryable store. A metric with a negative latency makes the
 * processor throw, which exercises the processing dead-letter path.
 */
public final class MetricRelayApp implements StreamsApp {

    public static final String STORE = "latest-metric-by-volume";
    public static final double SUSPECT_LATENCY_US = 10_000;

    @Override
    public String name() {
        return "relay";
    }

    @Override
    public Topology buildTopology(AppContext context) {
        TopicCatalog catalog = context.catalog();
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE),
                Serdes.String(), catalog.valueSerde(VolumeMetric.class)));
        builder.stream(catalog.volumeMetrics.name(), catalog.volumeMetrics.consumed("volume-metrics-source"))
                .process(RelayProcessor::new, Named.as("relay-health-verdict"), STORE)
                .to(catalog.volumeHealth.name(), catalog.volumeHealth.produced("volume-health-sink"));
        return builder.build();
    }

    @Override
    public void registerQueries(AppHttpServer http, RunningApp app) {
        http.route("/latest-metric", request -> {
            String volume = request.pathAfter("/latest-metric");
            return app.queryRouter().route(request, STORE, volume, Serdes.String().serializer(), () -> {
                ReadOnlyKeyValueStore<String, VolumeMetric> store = app.streams().store(
                        StoreQueryParameters.fromNameAndType(STORE, QueryableStoreTypes.keyValueStore()));
                VolumeMetric metric = store.get(volume);
                return metric == null
                        ? HttpReply.json(404, "{\"error\":\"unknown volume\"}")
                        : HttpReply.json(200, String.format(Locale.ROOT, "{\"volume_id\":\"%s\",\"read_latency_us\":%s}",
                                metric.getVolumeId(), metric.getReadLatencyUs()));
            });
        });
    }

    static final class RelayProcessor implements Processor<String, VolumeMetric, String, VolumeHealth> {
        private ProcessorContext<String, VolumeHealth> context;
        private KeyValueStore<String, VolumeMetric> latest;

        @Override
        public void init(ProcessorContext<String, VolumeHealth> context) {
            this.context = context;
            this.latest = context.getStateStore(STORE);
        }

        @Override
        public void process(Record<String, VolumeMetric> record) {
            VolumeMetric metric = record.value();
            Double latency = metric.getReadLatencyUs();
            if (latency != null && latency < 0) {
                throw new IllegalArgumentException("negative read latency " + latency + " for " + metric.getVolumeId());
            }
            latest.put(record.key(), metric);
            VolumeHealthState state = latency != null && latency >= SUSPECT_LATENCY_US ? VolumeHealthState.SUSPECT : VolumeHealthState.HEALTHY;
            context.forward(record.withValue(VolumeHealth.newBuilder()
                    .setVolumeId(metric.getVolumeId())
                    .setPeerGroup(metric.getPeerGroup())
                    .setState(state)
                    .setPreviousState(VolumeHealthState.UNKNOWN)
                    .setSinceTime(metric.getEventTime())
                    .setEventTime(metric.getEventTime())
                    .setRule("test.read-latency-threshold")
                    .build()));
        }
    }
}
