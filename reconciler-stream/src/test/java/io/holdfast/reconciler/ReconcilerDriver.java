package io.holdfast.reconciler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.holdfast.reconciler.workflow.WorkflowKeys;
import io.holdfast.schemas.Alert;
import io.holdfast.schemas.AuditEvent;
import io.holdfast.schemas.ControlAction;
import io.holdfast.schemas.CommandKind;
import io.holdfast.schemas.CommandOutcome;
import io.holdfast.schemas.CommandResult;
import io.holdfast.schemas.ControlCommand;
import io.holdfast.schemas.ReconcileObserved;
import io.holdfast.schemas.DiffPass;
import io.holdfast.schemas.DiffPassState;
import io.holdfast.schemas.PublicationState;
import io.holdfast.schemas.ReconcileCommand;
import io.holdfast.schemas.Scopes;
import io.holdfast.schemas.SnapshotObject;
import io.holdfast.schemas.WorkflowPhase;
import io.holdfast.schemas.WorkflowProgress;
import io.holdfast.topology.app.AppContext;
import io.holdfast.topology.catalog.TopicCatalog;
import io.holdfast.topology.errors.DeadLetterMetrics;
import io.holdfast.topology.testkit.DriverProperties;
import io.holdfast.topology.testkit.TestStateDir;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The reconciler on {@link TopologyTestDriver}: Debezium envelopes (the committed fixtures, or built by
 * a test), S3 inventory records, the scanner's pass reports and operator controls in; commands, audit,
 * alerts, workflow progress and the dead-letter topic out. Wall-clock time moves only when a test moves it.
 */
final class ReconcilerDriver implements AutoCloseable {

    static final long START = 1_893_456_000_000L; // 2030-01-01T00:00:00Z
    static final String BUCKET = "holdfast-snapshots";
    static final String PREFIX = "snapshots/";
    private static final ObjectMapper JSON = new ObjectMapper();

    final ReconcilerConfig config;
    final TopicCatalog catalog;
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final DeadLetterMetrics deadLetters = new DeadLetterMetrics(registry, "reconciler");
    final Topology topology;
    final TestStateDir stateDir;
    final TopologyTestDriver driver;
    final TestInputTopic<String, String> revisions;
    final TestInputTopic<String, String> heads;
    final TestInputTopic<String, String> notifications;
    final TestInputTopic<String, SnapshotObject> snapshots;
    final TestInputTopic<String, WorkflowProgress> workflowIn;
    final TestInputTopic<String, ControlCommand> control;
    final TestInputTopic<String, CommandResult> results;
    final TestOutputTopic<String, ReconcileCommand> commandsOut;
    final TestOutputTopic<String, AuditEvent> auditOut;
    final TestOutputTopic<String, Alert> alertsOut;
    final TestOutputTopic<String, WorkflowProgress> workflowOut;
    final TestOutputTopic<byte[], byte[]> deadLetterOut;
    final List<ReconcileCommand> commands = new ArrayList<>();
    final List<AuditEvent> audit = new ArrayList<>();
    final List<Alert> alerts = new ArrayList<>();
    final Map<String, WorkflowProgress> workflow = new HashMap<>();
    long now = START;

    ReconcilerDriver(Map<String, String> settings) {
        this(settings, new TestStateDir());
    }

    ReconcilerDriver(Map<String, String> settings, TestStateDir stateDir) {
        this.stateDir = stateDir;
        config = ReconcilerConfig.load(Optional.empty(), Map.of(), settings);
        catalog = new TopicCatalog(config);
        topology = new ReconcilerApp(config).buildTopology(new AppContext("holdfast-reconciler", config, catalog, registry));
        Properties props = DriverProperties.of("reconciler", config, catalog, stateDir, deadLetters);
        driver = new TopologyTestDriver(topology, props, Instant.ofEpochMilli(START));
        StringSerializer keys = new StringSerializer();
        revisions = driver.createInputTopic(catalog.cdcRevisions.name(), keys, keys);
        heads = driver.createInputTopic(catalog.cdcEntityHeads.name(), keys, keys);
        notifications = driver.createInputTopic(catalog.cdcNotifications.name(), keys, keys);
        snapshots = driver.createInputTopic(catalog.snapshots.name(), keys, catalog.snapshots.valueSerde().serializer());
        workflowIn = driver.createInputTopic(catalog.workflow.name(), keys, catalog.workflow.valueSerde().serializer());
        control = driver.createInputTopic(catalog.control.name(), keys, catalog.control.valueSerde().serializer());
        results = driver.createInputTopic(catalog.commandResults.name(), keys, catalog.commandResults.valueSerde().serializer());
        StringDeserializer keyReader = new StringDeserializer();
        commandsOut = driver.createOutputTopic(catalog.reconcileCommands.name(), keyReader,
                catalog.reconcileCommands.valueSerde().deserializer());
        auditOut = driver.createOutputTopic(catalog.audit.name(), keyReader, catalog.audit.valueSerde().deserializer());
        alertsOut = driver.createOutputTopic(catalog.alerts.name(), keyReader, catalog.alerts.valueSerde().deserializer());
        workflowOut = driver.createOutputTopic(catalog.workflow.name(), keyReader, catalog.workflow.valueSerde().deserializer());
        deadLetterOut = driver.createOutputTopic(catalog.deadLetter("reconciler").name(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
    }

    ReconcilerDriver() {
        this(Map.of());
    }

    /** The grace the tests run with (the default). */
    long grace() {
        return config.settings().graceMs();
    }

    // ------------------------------------------------------------------ inputs

    /** One change event as Kafka carries it: topic, key JSON and value JSON (null for a tombstone). */
    record Envelope(String topic, String key, String value) {
    }

    /** A committed fixture under {@code src/test/resources/debezium/}: only the events of the two tables. */
    static List<Envelope> fixture(String path) {
        try (InputStream in = ReconcilerDriver.class.getResourceAsStream("/debezium/" + path)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + path);
            }
            List<Envelope> out = new ArrayList<>();
            for (JsonNode r : JSON.readTree(in)) {
                String topic = r.get("topic").asText();
                if (topic.endsWith(".revisions") || topic.endsWith(".entity_heads") || topic.endsWith(".notifications")) {
                    out.add(new Envelope(topic, r.get("key").isNull() ? null : r.get("key").asText(),
                            r.get("value").isNull() ? null : r.get("value").asText()));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void pipe(List<Envelope> events) {
        for (Envelope e : events) {
            pipe(e);
        }
    }

    void pipe(Envelope e) {
        (e.topic().endsWith(".revisions") ? revisions : e.topic().endsWith(".notifications") ? notifications : heads).pipeInput(new TestRecord<>(e.key(), e.value(),
                Instant.ofEpochMilli(now)));
    }

    void pipeFixture(String path) {
        pipe(fixture(path));
    }

    /** The copy of a fixture re-labelled as an incremental snapshot's chunk (source.snapshot "incremental"). */
    static List<Envelope> asIncremental(List<Envelope> copy) {
        List<Envelope> out = new ArrayList<>();
        for (Envelope e : copy) {
            out.add(new Envelope(e.topic(), e.key(), e.value().replaceAll(
                    "\"snapshot\":\"(first|first_in_data_collection|true|last_in_data_collection|last)\"",
                    "\"snapshot\":\"incremental\"")));
        }
        return out;
    }

    void snapshot(String entity, long revision, String hash, PublicationState tag, String pass) {
        snapshots.pipeInput(entity, snapshotObject(entity, revision, hash, tag, pass, now), now);
    }

    static SnapshotObject snapshotObject(String entity, long revision, String hash, PublicationState tag, String pass,
                                         long scanTime) {
        String key = PREFIX + entity + "/" + revision;
        return SnapshotObject.newBuilder().setBucket(BUCKET).setObjectKey(key).setEntityId(entity).setRevision(revision)
                .setContentHash(hash).setSizeBytes(1024).setEtag("etag-" + entity + "-" + revision)
                .setLastModifiedTime(Instant.ofEpochMilli(scanTime - 1000)).setPublicationState(tag)
                .setTags(Map.of("publication_state", tag.name().toLowerCase())).setUserMetadata(Map.of())
                .setCreatedAt(Instant.ofEpochMilli(scanTime - 1000)).setScanPassId(pass)
                .setScanTime(Instant.ofEpochMilli(scanTime)).build();
    }

    /** The scanner's report: pass {@code pass} listed {@code objects} objects; the latest complete pass started at {@code completeStart}. */
    void scannerReport(String pass, long objects, boolean complete, long completeStart, long completeFinish) {
        DiffPass diff = DiffPass.newBuilder().setPassId(pass).setState(complete ? DiffPassState.COMPLETED : DiffPassState.RUNNING)
                .setObjectsCompared(objects).setStartedTime(Instant.ofEpochMilli(completeStart))
                .setFinishedTime(complete ? Instant.ofEpochMilli(completeFinish) : null).build();
        WorkflowProgress p = WorkflowProgress.newBuilder().setWorkflow("s3-scan").setStream("s3:" + BUCKET).setTable(PREFIX)
                .setPhase(WorkflowPhase.REPLICATING)
                .setCopyStartedTime(completeStart < 0 ? null : Instant.ofEpochMilli(completeStart))
                .setCopyFinishedTime(completeFinish < 0 ? null : Instant.ofEpochMilli(completeFinish))
                .setDiffPass(diff).setUpdatedTime(Instant.ofEpochMilli(now)).build();
        workflowIn.pipeInput(WorkflowKeys.scan(BUCKET, PREFIX), p, now);
    }

    /** The reconcile executor's result for {@code command}, as it publishes it (revision in {@code observed}). */
    void result(ReconcileCommand command, CommandOutcome outcome) {
        CommandResult r = CommandResult.newBuilder().setCommandId(command.getCommandId()).setCommandKind(CommandKind.RECONCILE)
                .setReconcileType(command.getType()).setFleetType(null).setTarget(command.getEntityId())
                .setAttempt(command.getAttempt()).setOutcome(outcome).setExecutor("test")
                .setStartedTime(Instant.ofEpochMilli(now)).setFinishedTime(Instant.ofEpochMilli(now))
                .setObserved(Map.of(ReconcileObserved.REVISION, Long.toString(command.getRevision()))).build();
        results.pipeInput(command.getEntityId(), r, now);
    }

    void control(ControlAction action) {
        ControlCommand c = ControlCommand.newBuilder().setRequestId(UUID.randomUUID().toString()).setScope(Scopes.global())
                .setApp("reconciler").setAction(action).setOperator("test").setReason("test")
                .setIssuedTime(Instant.ofEpochMilli(now)).build();
        control.pipeInput(Scopes.controlKey("reconciler", Scopes.global()), c, now);
    }

    /** Moves wall-clock time by {@code millis} in punctuation-sized steps, then collects the outputs. */
    void advance(long millis) {
        long step = 250;
        long end = now + millis;
        while (now < end) {
            long d = Math.min(step, end - now);
            now += d;
            driver.advanceWallClockTime(Duration.ofMillis(d));
        }
        drain();
    }

    void drain() {
        commandsOut.readValuesToList().forEach(commands::add);
        auditOut.readValuesToList().forEach(audit::add);
        alertsOut.readValuesToList().forEach(alerts::add);
        for (var kv : workflowOut.readKeyValuesToList()) {
            workflow.put(kv.key, kv.value);
        }
    }

    WorkflowProgress table(String table) {
        return workflow.get(WorkflowKeys.table(catalog.debeziumTopicPrefix(), table));
    }

    WorkflowProgress diff() {
        return workflow.get(WorkflowKeys.diff(BUCKET, PREFIX));
    }

    List<ReconcileCommand> commandsFor(String entity) {
        return commands.stream().filter(c -> c.getEntityId().equals(entity)).toList();
    }

    @Override
    public void close() {
        driver.close();
        stateDir.close();
    }
}
