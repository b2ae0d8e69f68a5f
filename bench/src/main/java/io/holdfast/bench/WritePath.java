package io.holdfast.bench;

import io.holdfast.connectors.binlog.BinlogConfig;
import io.holdfast.connectors.binlog.BinlogSource;
import io.holdfast.connectors.reconcile.ReconcileCommandRunner;
import io.holdfast.connectors.reconcile.ReconcileExecutorConfig;
import io.holdfast.connectors.reconcile.StoreRepairs;
import io.holdfast.connectors.scan.S3Scanner;
import io.holdfast.connectors.scan.ScanConfig;
import io.holdfast.connectors.scan.ScanListener;
import io.holdfast.connectors.scan.ScanStatus;
import io.holdfast.connectors.store.EntityStoreSchema;
import io.holdfast.connectors.store.StoreClients;
import io.holdfast.connectors.store.StoreConfig;
import io.holdfast.reconciler.ReconcilerApp;
import io.holdfast.reconciler.ReconcilerConfig;
import io.holdfast.reconciler.ReconcilerTopology;
import io.holdfast.reconciler.workflow.WorkflowKeys;
import io.holdfast.schemas.WorkflowPhase;
import io.holdfast.schemas.WorkflowProgress;
import io.holdfast.topology.app.RunningApp;
import io.holdfast.topology.catalog.TopicCatalog;
import io.holdfast.topology.config.HoldfastConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The write path as {@code holdfast dev} runs it (the launcher's {@code WritePathServices}: binlog source,
 * S3 scanner, reconciler app, reconcile executor, started in that order from one settings map and stopped
 * in reverse), assembled here from the same public classes because the benchmark needs what that class
 * keeps to itself: the scanner's meters (objects listed and inspected) and the reconciler's workflow
 * store. Depending on the launcher would also put its logback.xml on the bench class path beside ours.
 */
final class WritePath implements AutoCloseable {

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final MeterRegistry scanMeters = new SimpleMeterRegistry();
    private BinlogSource binlog;
    private S3Scanner scanner;
    private RunningApp reconciler;
    private ReconcileCommandRunner executor;
    private String server;
    private String bucket;
    private String prefix;

    private WritePath() {
    }

    /** Every key of the four components (as the launcher's AllSettings): an unknown holdfast key is a typo. */
    static ConfigDef definition() {
        return BinlogConfig.define(ReconcileExecutorConfig.define(ScanConfig.define(StoreConfig.define(
                ReconcilerConfig.define(HoldfastConfig.baseDefinition())))));
    }

    static WritePath start(Map<String, String> settings) throws Exception {
        HoldfastConfig.validated(definition(), BinlogConfig.withoutPassthrough(settings));
        WritePath w = new WritePath();
        try {
            StoreConfig store = StoreConfig.ofValidated(settings);
            StoreClients clients = w.add(StoreClients.open(store));
            try (Connection c = clients.connection()) {
                EntityStoreSchema.ensure(c);
            }
            w.binlog = w.add(BinlogSource.start(BinlogConfig.ofValidated(settings), false));
            w.scanner = w.add(S3Scanner.connect(ScanConfig.ofValidated(settings), ScanListener.NONE, w.scanMeters));
            w.scanner.start(false, () -> { });
            ReconcilerConfig reconcilerConfig = ReconcilerConfig.ofValidated(settings);
            w.reconciler = w.add(RunningApp.start(new ReconcilerApp(reconcilerConfig), reconcilerConfig));
            ReconcileExecutorConfig executorConfig = ReconcileExecutorConfig.ofValidated(settings);
            w.executor = w.add(ReconcileCommandRunner.start(executorConfig, executorConfig.runnerSettings(),
                    StoreRepairs.of(clients, store), new SimpleMeterRegistry()));
            w.server = new TopicCatalog(reconcilerConfig).debeziumTopicPrefix();
            w.bucket = store.bucket();
            w.prefix = store.prefix();
            return w;
        } catch (Exception | Error e) {
            w.close();
            throw e;
        }
    }

    private <T extends AutoCloseable> T add(T component) {
        started.push(component);
        return component;
    }

    /** The first component that stopped on its own, if any. */
    Optional<String> failure() {
        if (binlog.failure().isPresent()) {
            return Optional.of("binlog source: " + binlog.failure().get());
        }
        if (scanner.failure().isPresent()) {
            return Optional.of("S3 scanner: " + scanner.failure().get());
        }
        if (executor.failure().isPresent()) {
            return Optional.of("reconcile executor: " + executor.failure().get());
        }
        if (!reconciler.isLive()) {
            return Optional.of("reconciler: " + reconciler.streams().state());
        }
        return Optional.empty();
    }

    BinlogSource binlog() {
        return binlog;
    }

    ScanStatus scanStatus() {
        return scanner.status();
    }

    RunningApp reconciler() {
        return reconciler;
    }

    /** Both tables past their initial copy, as the reconciler sees it (until then it decides no repair). */
    boolean copyDone() {
        if (reconciler.streams().state() != KafkaStreams.State.RUNNING) {
            return false;
        }
        try {
            ReadOnlyKeyValueStore<String, WorkflowProgress> workflows = reconciler.streams().store(StoreQueryParameters
                    .fromNameAndType(ReconcilerTopology.WORKFLOW_STORE, QueryableStoreTypes.keyValueStore()));
            return replicating(workflows.get(WorkflowKeys.table(server, "revisions")))
                    && replicating(workflows.get(WorkflowKeys.table(server, "entity_heads")));
        } catch (RuntimeException e) {
            return false; // a rebalance moved the store: asked again on the next look
        }
    }

    private static boolean replicating(WorkflowProgress p) {
        return p != null && p.getPhase() == WorkflowPhase.REPLICATING;
    }

    /**
     * What the scanner read from S3 so far: objects returned by ListObjectsV2, and HeadObject plus
     * GetObjectTagging calls made to inspect them (an object already known and published costs none).
     */
    ScanReads scanReads() {
        long listed = (long) count(scanMeters, "holdfast.scan.objects.listed", null, null);
        long all = (long) count(scanMeters, "holdfast.scan.objects.inspected", "reads", "all");
        long tags = (long) count(scanMeters, "holdfast.scan.objects.inspected", "reads", "tags");
        return new ScanReads(listed, 2 * all + tags);
    }

    /** Events the reconciler took in: change events of both tables, and inventory records. */
    ReconcilerReads reconcilerReads() {
        MeterRegistry m = reconciler.metrics();
        String inputs = "holdfast.reconciler.inputs";
        return new ReconcilerReads((long) (count(m, inputs, "input", "revision_row") + count(m, inputs, "input", "head")),
                (long) count(m, inputs, "input", "snapshot"));
    }

    long decisions(String code) {
        return (long) count(reconciler.metrics(), "holdfast.reconciler.decisions", "decision", code);
    }

    private static double count(MeterRegistry registry, String name, String tag, String value) {
        var search = registry.find(name);
        if (tag != null) {
            search = search.tag(tag, value);
        }
        double sum = 0;
        for (Counter c : search.counters()) {
            sum += c.count();
        }
        return sum;
    }

    record ScanReads(long objectsListed, long inspectionReads) {
        ScanReads minus(ScanReads before) {
            return new ScanReads(objectsListed - before.objectsListed, inspectionReads - before.inspectionReads);
        }
    }

    record ReconcilerReads(long cdcEvents, long inventoryEvents) {
        ReconcilerReads minus(ReconcilerReads before) {
            return new ReconcilerReads(cdcEvents - before.cdcEvents, inventoryEvents - before.inventoryEvents);
        }
    }

    String bucket() {
        return bucket;
    }

    String prefix() {
        return prefix;
    }

    /** Reverse order of start: the executor finishes its command, the reconciler commits, the source flushes offsets. */
    @Override
    public void close() {
        RuntimeException first = null;
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                if (first == null) {
                    first = new IllegalStateException("stopping the write path: " + e.getMessage(), e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
