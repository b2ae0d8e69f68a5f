package io.holdfast.reconciler;

import io.holdfast.reconciler.entity.EntityLedger;
import io.holdfast.reconciler.entity.EntityReconciler;
import io.holdfast.reconciler.internal.EntityProcessor;
import io.holdfast.reconciler.internal.Views;
import io.holdfast.reconciler.workflow.WorkflowKeys;
import io.holdfast.schemas.WorkflowProgress;
import io.holdfast.topology.app.AppContext;
import io.holdfast.topology.app.RunningApp;
import io.holdfast.topology.app.StreamsApp;
import io.holdfast.topology.config.HoldfastConfig;
import io.holdfast.topology.http.AppHttpServer;
import io.holdfast.topology.http.HttpReply;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The reconciler ({@code holdfast run reconciler}): Debezium change events of the revisions and heads
 * tables plus the S3 inventory, to {@code commands.reconcile}, {@code audit}, {@code alerts} and
 * {@code state.workflow} ({@link ReconcilerTopology}). Queries: {@code /entities/<id>} (one entity's
 * ledger, routed to the instance that owns it), {@code /workflow} (every stream/table's copy, GTID and
 * diff progress) and {@code /workflow/diff} (the current diff pass).
 */
public final class ReconcilerApp implements StreamsApp {

    private final ReconcilerConfig config;

    public ReconcilerApp(ReconcilerConfig config) {
        this.config = config;
    }

    @Override
    public String name() {
        return EntityReconciler.APP;
    }

    @Override
    public Topology buildTopology(AppContext context) {
        return ReconcilerTopology.build(context.catalog(), config, config.columns(),
                new EntityReconciler(config.settings()), new ReconcilerMetrics(context.metrics()),
                Duration.ofMillis(config.getLong(ReconcilerConfig.PUNCTUATE_MS)), config.getInt(ReconcilerConfig.TIMER_BATCH));
    }

    /**
     * Entities with a ledger on this instance's tasks (each task counts the ledgers it created; a ledger is
     * never deleted). The whole store's count is the sum over instances.
     */
    public static long localEntityCount(KafkaStreams streams) {
        ReadOnlyKeyValueStore<String, byte[]> tallies = streams.store(StoreQueryParameters
                .fromNameAndType(EntityProcessor.TALLY_STORE, QueryableStoreTypes.keyValueStore()));
        long sum = 0;
        try (KeyValueIterator<String, byte[]> it = tallies.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> e = it.next();
                if (EntityProcessor.ENTITY_COUNT_KEY.equals(e.key)) {
                    sum += ByteBuffer.wrap(e.value).getLong();
                }
            }
        }
        return sum;
    }

    @Override
    public void registerQueries(AppHttpServer http, RunningApp app) {
        http.route("/entities", request -> {
            String entity = request.pathAfter("/entities");
            if (entity.isEmpty()) {
                return HttpReply.json(400, "{\"error\":\"use /entities/<entity id>\"}");
            }
            String store = ReconcilerTopology.ENTITIES_STORE;
            return app.queryRouter().route(request, store, entity, Serdes.String().serializer(), () -> {
                ReadOnlyKeyValueStore<String, byte[]> ledgers = app.streams().store(StoreQueryParameters
                        .fromNameAndType(store, QueryableStoreTypes.keyValueStore()));
                byte[] ledger = ledgers.get(entity);
                return ledger == null ? HttpReply.json(404, "{\"error\":\"unknown entity\"}")
                        : HttpReply.json(200, Views.json(Views.ledger(entity, EntityLedger.fromBytes(ledger))));
            });
        });
        http.route("/workflow", request -> {
            // state.workflow is a global store: every instance holds all of it, no routing.
            ReadOnlyKeyValueStore<String, WorkflowProgress> workflows = app.streams().store(StoreQueryParameters
                    .fromNameAndType(ReconcilerTopology.WORKFLOW_STORE, QueryableStoreTypes.keyValueStore()));
            String rest = request.pathAfter("/workflow");
            if (rest.equals("diff")) {
                String key = WorkflowKeys.diff(config.getString(HoldfastConfig.SNAPSHOTS_BUCKET),
                        config.getString(HoldfastConfig.SNAPSHOTS_PREFIX));
                WorkflowProgress diff = workflows.get(key);
                return diff == null || diff.getDiffPass() == null
                        ? HttpReply.json(404, "{\"error\":\"no diff pass yet\"}")
                        : HttpReply.json(200, Views.json(Views.diff(diff.getDiffPass())));
            }
            if (!rest.isEmpty()) {
                return HttpReply.json(400, "{\"error\":\"use /workflow or /workflow/diff\"}");
            }
            List<Map<String, Object>> all = new ArrayList<>();
            try (KeyValueIterator<String, WorkflowProgress> it = workflows.all()) {
                while (it.hasNext()) {
                    KeyValue<String, WorkflowProgress> e = it.next();
                    all.add(Views.workflow(e.key, e.value));
                }
            }
            return HttpReply.json(200, Views.json(Map.of("workflows", all, "entities_on_this_instance",
                    localEntityCount(app.streams()))));
        });
    }
}
