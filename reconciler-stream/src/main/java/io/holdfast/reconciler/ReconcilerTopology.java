package io.holdfast.reconciler;

import io.holdfast.reconciler.entity.EntityReconciler;
import io.holdfast.reconciler.internal.CdcMapping;
import io.holdfast.reconciler.internal.CdcReader;
import io.holdfast.reconciler.internal.EntityInputSerde;
import io.holdfast.reconciler.internal.EntityProcessor;
import io.holdfast.reconciler.internal.NotificationReader;
import io.holdfast.reconciler.internal.ResultReader;
import io.holdfast.reconciler.internal.SnapshotReader;
import io.holdfast.reconciler.internal.WorkflowProcessor;
import io.holdfast.reconciler.workflow.ProgressPartial;
import io.holdfast.reconciler.workflow.WorkflowKeys;
import io.holdfast.schemas.ControlCommand;
import io.holdfast.schemas.WorkflowProgress;
import io.holdfast.topology.catalog.Topic;
import io.holdfast.topology.catalog.TopicCatalog;
import io.holdfast.topology.config.HoldfastConfig;
import io.holdfast.topology.app.GlobalStoreUpdater;
import io.holdfast.topology.serde.JsonSerde;
import io.holdfast.topology.timer.TimerIndex;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The reconciler's topology (DESIGN section 4):
 * <pre>
 *   cdc.*.revisions, cdc.*.entity_heads --(reconciler-read-cdc)--+--> internal.reconciler.inputs-by-entity
 *   s3.snapshots --------------------(reconciler-read-snapshots)-+        |
 *   commands.results (MarkPublished done) --(reconciler-read-results)-+   |
 *                                                                        v
 *                       reconciler-entities (ledger per entity, deadlines in the timer index)
 *                          | commands.reconcile, audit, alerts      | diff tallies
 *   cdc progress (per partition) ------------------------------------+--> internal.reconciler.progress-by-workflow
 *                                                                        v
 *                                    reconciler-workflow --> state.workflow --(global store)--> copy gating
 * </pre>
 * Every input is re-keyed by entity through the one named topic, so one task sees all of an entity;
 * the workflow's progress is re-keyed by workflow key through the other. {@code state.workflow} and
 * {@code control} are read back as global stores.
 */
public final class ReconcilerTopology {

    public static final String ENTITIES_STORE = EntityProcessor.ENTITIES_STORE;
    public static final String WORKFLOW_STORE = EntityProcessor.WORKFLOW_GLOBAL_STORE;

    private ReconcilerTopology() {
    }

    public static Topology build(TopicCatalog catalog, HoldfastConfig base, ReconcilerConfig.Columns columns,
                                 EntityReconciler reconciler, ReconcilerMetrics metrics, Duration punctuateEvery,
                                 int timerBatch) {
        Topology t = new Topology();
        StringSerializer keys = new StringSerializer();
        StringDeserializer keyReader = new StringDeserializer();
        EntityInputSerde inputs = new EntityInputSerde();
        JsonSerde<ProgressPartial> partials = new JsonSerde<>(ProgressPartial.class);
        String server = catalog.debeziumTopicPrefix();
        String bucket = base.getString(HoldfastConfig.SNAPSHOTS_BUCKET);
        String prefix = base.getString(HoldfastConfig.SNAPSHOTS_PREFIX);
        String byEntity = catalog.reconcilerByEntity.name();
        String progress = catalog.reconcilerProgress.name();

        // Inputs, validated and keyed by entity.
        // Raw bytes: the change events are parsed straight from Kafka Connect's UTF-8 JSON (CdcReader).
        ByteArrayDeserializer raw = new ByteArrayDeserializer();
        t.addSource("reconciler-cdc-source", raw, raw, catalog.cdcRevisions.name(), catalog.cdcEntityHeads.name());
        CdcMapping mapping = new CdcMapping(catalog.cdc().revisionsTable(), catalog.cdc().headsTable(), columns);
        t.addProcessor("reconciler-read-cdc", () -> new CdcReader(server, mapping, metrics, "reconciler-inputs-by-entity-sink",
                "reconciler-cdc-progress-sink", punctuateEvery), "reconciler-cdc-source");
        t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CdcReader.PROGRESS_STORE),
                Serdes.String(), Serdes.ByteArray()).withCachingEnabled(), "reconciler-read-cdc");
        t.addSource("reconciler-snapshots-source", keyReader, catalog.snapshots.valueSerde().deserializer(),
                catalog.snapshots.name());
        t.addProcessor("reconciler-read-snapshots", () -> new SnapshotReader(metrics, "reconciler-inputs-by-entity-sink"),
                "reconciler-snapshots-source");
        t.addSource("reconciler-results-source", keyReader, catalog.commandResults.valueSerde().deserializer(),
                catalog.commandResults.name());
        t.addProcessor("reconciler-read-results", () -> new ResultReader(metrics, "reconciler-inputs-by-entity-sink"),
                "reconciler-results-source");
        t.addSink("reconciler-inputs-by-entity-sink", byEntity, keys, inputs.serializer(),
                "reconciler-read-cdc", "reconciler-read-snapshots", "reconciler-read-results");
        t.addSource("reconciler-cdc-notifications-source", keyReader, keyReader, catalog.cdcNotifications.name());
        t.addProcessor("reconciler-read-copy-notifications", () -> new NotificationReader(server,
                List.of(catalog.cdc().revisionsTable(), catalog.cdc().headsTable()), metrics, "reconciler-cdc-progress-sink"),
                "reconciler-cdc-notifications-source");
        t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(NotificationReader.STORE),
                Serdes.String(), Serdes.ByteArray()), "reconciler-read-copy-notifications");
        t.addSink("reconciler-cdc-progress-sink", progress, keys, partials.serializer(), "reconciler-read-cdc",
                "reconciler-read-copy-notifications");

        // One ledger per entity.
        t.addSource("reconciler-inputs-by-entity-source", keyReader, inputs.deserializer(), byEntity);
        EntityProcessor.Wiring wiring = new EntityProcessor.Wiring("reconciler-commands-sink", "reconciler-audit-sink",
                "reconciler-alerts-sink", "reconciler-diff-progress-sink",
                WorkflowKeys.table(server, catalog.cdc().revisionsTable()), WorkflowKeys.table(server, catalog.cdc().headsTable()),
                WorkflowKeys.diff(bucket, prefix), punctuateEvery, timerBatch);
        t.addProcessor("reconciler-entities", () -> new EntityProcessor(reconciler, metrics, wiring),
                "reconciler-inputs-by-entity-source");
        // Cached: an entity is written on every observation; the cache coalesces a burst into one changelog record.
        t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(EntityProcessor.ENTITIES_STORE),
                Serdes.String(), Serdes.ByteArray()).withCachingEnabled(), "reconciler-entities");
        t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(EntityProcessor.TALLY_STORE),
                Serdes.String(), Serdes.ByteArray()), "reconciler-entities");
        for (StoreBuilder<?> timers : TimerIndex.storeBuilders(EntityProcessor.TIMERS)) {
            t.addStateStore(timers.withCachingEnabled(), "reconciler-entities");
        }
        sink(t, wiring.commandsSink(), catalog.reconcileCommands);
        sink(t, wiring.auditSink(), catalog.audit);
        sink(t, wiring.alertsSink(), catalog.alerts);
        t.addSink(wiring.progressSink(), progress, keys, partials.serializer(), "reconciler-entities");

        // Workflow progress, put back together per workflow key.
        t.addSource("reconciler-progress-source", keyReader, partials.deserializer(), progress);
        t.addProcessor("reconciler-workflow", () -> new WorkflowProcessor(WorkflowKeys.diff(bucket, prefix),
                WorkflowKeys.scan(bucket, prefix), bucket, prefix, punctuateEvery), "reconciler-progress-source");
        t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(WorkflowProcessor.PARTIALS_STORE),
                Serdes.String(), Serdes.ByteArray()), "reconciler-workflow");
        t.addSink("reconciler-workflow-sink", catalog.workflow.name(), keys, catalog.workflow.valueSerde().serializer(),
                "reconciler-workflow");

        // Read back: the workflow state (copy gating, scan completion) and the operator controls, on every instance.
        Serde<WorkflowProgress> workflowSerde = catalog.workflow.valueSerde();
        t.addGlobalStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(EntityProcessor.WORKFLOW_GLOBAL_STORE),
                        Serdes.String(), workflowSerde).withLoggingDisabled(),
                "reconciler-workflow-global-source", keyReader, workflowSerde.deserializer(), catalog.workflow.name(),
                "reconciler-workflow-global-updater", () -> new GlobalStoreUpdater<>(EntityProcessor.WORKFLOW_GLOBAL_STORE));
        Serde<ControlCommand> controlSerde = catalog.control.valueSerde();
        t.addGlobalStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(EntityProcessor.CONTROL_STORE),
                        Serdes.String(), controlSerde).withLoggingDisabled(),
                "reconciler-control-source", keyReader, controlSerde.deserializer(), catalog.control.name(),
                "reconciler-control-updater", () -> new GlobalStoreUpdater<>(EntityProcessor.CONTROL_STORE));
        return t;
    }

    private static <V> void sink(Topology t, String name, Topic<String, V> topic) {
        t.addSink(name, topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer(), "reconciler-entities");
    }
}
