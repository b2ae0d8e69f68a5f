package io.holdfast.launcher.internal;

import io.holdfast.connectors.binlog.BinlogConfig;
import io.holdfast.connectors.binlog.BinlogSource;
import io.holdfast.connectors.reconcile.ReconcileCommandRunner;
import io.holdfast.connectors.reconcile.ReconcileExecutorConfig;
import io.holdfast.connectors.reconcile.StoreRepairs;
import io.holdfast.connectors.scan.S3Scanner;
import io.holdfast.connectors.scan.ScanConfig;
import io.holdfast.connectors.scan.ScanListener;
import io.holdfast.connectors.store.EntityStoreSchema;
import io.holdfast.connectors.store.StoreClients;
import io.holdfast.connectors.store.StoreConfig;
import io.holdfast.reconciler.ReconcilerApp;
import io.holdfast.reconciler.ReconcilerConfig;
import io.holdfast.reconciler.ReconcilerTopology;
import io.holdfast.reconciler.workflow.WorkflowKeys;
import io.holdfast.schemas.DiffPass;
import io.holdfast.schemas.WorkflowProgress;
import io.holdfast.topology.app.RunningApp;
import io.holdfast.topology.config.HoldfastConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The write path's long-running parts in one process, for {@code holdfast dev}: the binlog source, the
 * S3 scanner, the reconciler app and the reconcile executor, each started from the same validated
 * settings, stopped in reverse order. {@link #statusLine()} is the one-line picture of the store.
 */
public final class WritePathServices implements AutoCloseable {

    private final StartedComponents started = new StartedComponents("the write path");
    private BinlogSource binlog;
    private S3Scanner scanner;
    private RunningApp reconciler;
    private ReconcileCommandRunner executor;
    private String server;
    private String bucket;
    private String prefix;

    private WritePathServices() {
    }

    /** Starts everything from {@code settings} (already validated against every component's keys). */
    public static WritePathServices start(Map<String, String> settings) throws Exception {
        WritePathServices s = new WritePathServices();
        try {
            StoreConfig store = StoreConfig.ofValidated(settings);
            StoreClients clients = StoreClients.open(store);
            s.started.add(clients);
            try (Connection c = clients.connection()) {
                EntityStoreSchema.ensure(c);
            }
            s.binlog = BinlogSource.start(BinlogConfig.ofValidated(settings), false);
            s.started.add(s.binlog);
            s.scanner = S3Scanner.connect(ScanConfig.ofValidated(settings), new ScanListener() { }, new SimpleMeterRegistry());
            s.started.add(s.scanner);
            s.scanner.start(false, () -> { });
            ReconcilerConfig reconcilerConfig = ReconcilerConfig.ofValidated(settings);
            s.reconciler = RunningApp.start(new ReconcilerApp(reconcilerConfig), reconcilerConfig);
            s.started.add(s.reconciler);
            ReconcileExecutorConfig executorConfig = ReconcileExecutorConfig.ofValidated(settings);
            s.executor = ReconcileCommandRunner.start(executorConfig, executorConfig.runnerSettings(),
                    StoreRepairs.of(clients, store), new SimpleMeterRegistry());
            s.started.add(s.executor);
            s.server = new io.holdfast.topology.catalog.TopicCatalog(reconcilerConfig).debeziumTopicPrefix();
            s.bucket = store.bucket();
            s.prefix = store.prefix();
            return s;
        } catch (Exception | Error e) {
            s.close();
            throw e;
        }
    }

    public RunningApp reconciler() {
        return reconciler;
    }

    public Optional<Throwable> binlogFailure() {
        return binlog.failure();
    }

    public Optional<Throwable> scannerFailure() {
        return scanner.failure();
    }

    public Optional<Throwable> executorFailure() {
        return executor.failure();
    }

    public String binlogStatus() {
        return binlog.status().oneLine();
    }

    public String scannerStatus() {
        return scanner.status().oneLine();
    }

    /** Repairs the reconciler decided since this process started, by decision code. */
    public Map<String, Long> decisionCounts() {
        Map<String, Long> counts = new java.util.LinkedHashMap<>();
        for (String code : List.of("replay_snapshot", "mark_published", "advance_head")) {
            counts.put(code, decisions(code));
        }
        return counts;
    }

    /** The first component that failed on its own, if any. */
    public Optional<String> failure() {
        if (binlog.failure().isPresent()) {
            return Optional.of("binlog source: " + binlog.failure().get().getMessage());
        }
        if (scanner.failure().isPresent()) {
            return Optional.of("S3 scanner: " + scanner.failure().get().getMessage());
        }
        if (executor.failure().isPresent()) {
            return Optional.of("reconcile executor: " + executor.failure().get().getMessage());
        }
        KafkaStreams.State state = reconciler.streams().state();
        if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING) {
            return Optional.of("reconciler: " + state);
        }
        return Optional.empty();
    }

    /**
     * Entities known, snapshots of the current scan pass not (yet) consistent, repairs issued, heads found
     * lagging, the binlog position read and the copy phase of both tables.
     */
    public String statusLine() {
        long entities = -1;
        WorkflowProgress revisions = null;
        WorkflowProgress heads = null;
        WorkflowProgress diff = null;
        if (reconciler.streams().state() == KafkaStreams.State.RUNNING) {
            try {
                entities = ReconcilerApp.localEntityCount(reconciler.streams());
                ReadOnlyKeyValueStore<String, WorkflowProgress> workflows = reconciler.streams().store(StoreQueryParameters
                        .fromNameAndType(ReconcilerTopology.WORKFLOW_STORE, QueryableStoreTypes.keyValueStore()));
                revisions = workflows.get(WorkflowKeys.table(server, "revisions"));
                heads = workflows.get(WorkflowKeys.table(server, "entity_heads"));
                diff = workflows.get(WorkflowKeys.diff(bucket, prefix));
            } catch (RuntimeException e) {
                // A rebalance moved the stores: the next line will have them.
            }
        }
        DiffPass pass = diff == null ? null : diff.getDiffPass();
        return String.format("entities %s, snapshots pending %s, repaired %d (replay %d, publish %d, head %d), heads lagging %s, "
                        + "GTID %s, copy %s/%s; binlog %s; scan %s",
                entities < 0 ? "?" : Long.toString(entities),
                pass == null ? "?" : Long.toString(pass.getObjectsCompared() - pass.getMatched()),
                decisions("replay_snapshot") + decisions("mark_published") + decisions("advance_head"),
                decisions("replay_snapshot"), decisions("mark_published"), decisions("advance_head"),
                pass == null ? "?" : Long.toString(pass.getHeadLags()),
                revisions == null || revisions.getGtidPosition() == null ? "-" : revisions.getGtidPosition().getPosition(),
                revisions == null ? "?" : revisions.getPhase(), heads == null ? "?" : heads.getPhase(),
                binlog.status().oneLine(), scanner.status().oneLine());
    }

    private long decisions(String code) {
        Counter c = reconciler.metrics().find("holdfast.reconciler.decisions").tag("decision", code).counter();
        return c == null ? 0 : (long) c.count();
    }

    /** Stops in reverse order of start: the executor finishes its command, the reconciler commits, the source flushes offsets. */
    @Override
    public void close() {
        started.close();
    }

    /** The settings the dev stack gives every write-path component (the user's file and --set come on top). */
    public static Map<String, String> embeddedDefaults(String jdbcUrl, String user, String password, String s3Endpoint,
                                                       String accessKey, String secretKey, String region, String bucket,
                                                       String stateDir) {
        return Map.ofEntries(
                Map.entry(StoreConfig.DB_URL, jdbcUrl),
                Map.entry(StoreConfig.DB_USER, user),
                Map.entry(StoreConfig.DB_PASSWORD, password),
                Map.entry(StoreConfig.S3_ENDPOINT, s3Endpoint),
                Map.entry(StoreConfig.S3_PATH_STYLE, "true"),
                Map.entry(StoreConfig.S3_REGION, region),
                Map.entry(StoreConfig.S3_ACCESS_KEY_ID, accessKey),
                Map.entry(StoreConfig.S3_SECRET_ACCESS_KEY, secretKey),
                Map.entry(HoldfastConfig.SNAPSHOTS_BUCKET, bucket),
                // A scan every 10 s and a 5 s grace: on one machine repairs should be seen within seconds.
                Map.entry(ScanConfig.INTERVAL_MS, "10000"),
                Map.entry(ReconcilerConfig.GRACE_MS, "5000"),
                Map.entry(HoldfastConfig.HTTP_PORT, "0"),
                Map.entry("state.dir", stateDir));
    }
}
