package io.holdfast.health.recovery;

import io.holdfast.health.HealthApp;
import io.holdfast.health.HealthConfig;
import io.holdfast.schemas.Alert;
import io.holdfast.schemas.AuditEvent;
import io.holdfast.schemas.CommandKind;
import io.holdfast.schemas.CommandOutcome;
import io.holdfast.schemas.CommandResult;
import io.holdfast.schemas.ControlAction;
import io.holdfast.schemas.ControlCommand;
import io.holdfast.schemas.FleetCommand;
import io.holdfast.schemas.Scope;
import io.holdfast.schemas.Scopes;
import io.holdfast.schemas.TabletRecord;
import io.holdfast.schemas.TabletRole;
import io.holdfast.schemas.VolumeHealth;
import io.holdfast.schemas.VolumeHealthState;
import io.holdfast.topology.app.AppContext;
import io.holdfast.topology.catalog.TopicCatalog;
import io.holdfast.topology.errors.DeadLetterMetrics;
import io.holdfast.topology.testkit.DriverProperties;
import io.holdfast.topology.testkit.TestStateDir;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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

/**
 * The health app's recovery half on {@link TopologyTestDriver}: a small fleet of shards described
 * by tablet records, volume health fed directly to {@code state.volume-health}, fleet command results
 * and operator controls in; commands, audit events and alerts out. The lock round trip through the
 * coordinator happens inside the driver (its topics are sources of the same topology). Wall-clock
 * time moves only when a test moves it.
 */
final class RecoveryDriver implements AutoCloseable {

    static final long START = 1_893_456_000_000L; // 2030-01-01T00:00:00Z

    final HealthConfig config;
    final TopicCatalog catalog;
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final DeadLetterMetrics deadLetters = new DeadLetterMetrics(registry, "health");
    final Topology topology;
    final TestStateDir stateDir = new TestStateDir();
    final TopologyTestDriver driver;
    final TestInputTopic<String, TabletRecord> tablets;
    final TestInputTopic<String, VolumeHealth> health;
    final TestInputTopic<String, CommandResult> results;
    final TestInputTopic<String, ControlCommand> control;
    final TestOutputTopic<String, FleetCommand> commands;
    final TestOutputTopic<String, AuditEvent> audit;
    final TestOutputTopic<String, Alert> alerts;
    final TestOutputTopic<byte[], byte[]> deadLetterTopic;
    final List<FleetCommand> allCommands = new ArrayList<>();
    final List<AuditEvent> allAudit = new ArrayList<>();
    final List<Alert> allAlerts = new ArrayList<>();
    /** The latest record published per tablet alias, so that tests can change one field at a time. */
    final Map<String, TabletRecord> published = new HashMap<>();
    long now = START;

    RecoveryDriver(Map<String, String> settings) {
        config = HealthConfig.load(Optional.empty(), Map.of(), settings);
        catalog = new TopicCatalog(config);
        topology = new HealthApp(config).buildTopology(new AppContext("holdfast-health", config, catalog, registry));
        Properties props = DriverProperties.of("health", config, catalog, stateDir, deadLetters);
        driver = new TopologyTestDriver(topology, props, Instant.ofEpochMilli(START));
        StringSerializer keys = new StringSerializer();
        tablets = driver.createInputTopic(catalog.tablets.name(), keys, catalog.tablets.valueSerde().serializer());
        health = driver.createInputTopic(catalog.volumeHealth.name(), keys, catalog.volumeHealth.valueSerde().serializer());
        results = driver.createInputTopic(catalog.commandResults.name(), keys, catalog.commandResults.valueSerde().serializer());
        control = driver.createInputTopic(catalog.control.name(), keys, catalog.control.valueSerde().serializer());
        StringDeserializer keyReader = new StringDeserializer();
        commands = driver.createOutputTopic(catalog.fleetCommands.name(), keyReader,
                catalog.fleetCommands.valueSerde().deserializer());
        audit = driver.createOutputTopic(catalog.audit.name(), keyReader, catalog.audit.valueSerde().deserializer());
        alerts = driver.createOutputTopic(catalog.alerts.name(), keyReader, catalog.alerts.valueSerde().deserializer());
        deadLetterTopic = driver.createOutputTopic(catalog.deadLetter("health").name(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
    }

    RecoveryDriver() {
        this(Map.of());
    }

    // ------------------------------------------------------------------ fleet

    static String alias(String cell, int uid) {
        return String.format("%s-%010d", cell, uid);
    }

    static TabletRecord.Builder tablet(String keyspace, String shard, String alias, TabletRole role, long term) {
        String cell = alias.substring(0, alias.lastIndexOf('-'));
        return TabletRecord.newBuilder()
                .setTabletAlias(alias).setKeyspace(keyspace).setShard(shard).setCell(cell).setRole(role)
                .setServing(true).setReachable(true).setVolumeId("vol-" + alias).setNode("node-" + alias)
                .setReplicationLagMs(role == TabletRole.PRIMARY ? null : 100L).setPrimaryTerm(term)
                .setPrimaryTermStartTime(null).setUpdatedTime(Instant.ofEpochMilli(START));
    }

    /**
     * A shard of three tablets, primary in zone1 (uid base+0) and replicas in zone2 and zone3 (base+1,
     * base+2), all HEALTHY, at primary term 1. Returns the aliases, primary first.
     */
    List<String> shard(String keyspace, String shard, int base) {
        List<String> aliases = List.of(alias("zone1", base), alias("zone2", base + 1), alias("zone3", base + 2));
        for (int i = 0; i < aliases.size(); i++) {
            publish(tablet(keyspace, shard, aliases.get(i), i == 0 ? TabletRole.PRIMARY : TabletRole.REPLICA, 1).build());
            setHealth(aliases.get(i), VolumeHealthState.HEALTHY);
        }
        return aliases;
    }

    void publish(TabletRecord record) {
        TabletRecord stamped = TabletRecord.newBuilder(record).setUpdatedTime(Instant.ofEpochMilli(now)).build();
        published.put(stamped.getTabletAlias(), stamped);
        tablets.pipeInput(stamped.getTabletAlias(), stamped, now);
    }

    /** Publishes the tablet again with {@code change} applied to its latest record. */
    void update(String alias, java.util.function.Consumer<TabletRecord.Builder> change) {
        TabletRecord.Builder b = TabletRecord.newBuilder(published.get(alias));
        change.accept(b);
        publish(b.build());
    }

    void setHealth(String alias, VolumeHealthState state) {
        TabletRecord t = published.get(alias);
        String volume = t == null ? "vol-" + alias : t.getVolumeId();
        String cell = t == null ? alias.substring(0, alias.lastIndexOf('-')) : t.getCell();
        VolumeHealth h = VolumeHealth.newBuilder()
                .setVolumeId(volume).setPeerGroup("node-" + alias).setNode("node-" + alias).setCell(cell)
                .setState(state).setPreviousState(VolumeHealthState.UNKNOWN)
                .setSinceTime(Instant.ofEpochMilli(now)).setEventTime(Instant.ofEpochMilli(now))
                .setRule(state == VolumeHealthState.HEALTHY ? "recovered" : "latency_slo")
                .build();
        health.pipeInput(volume, h, now);
    }

    // ------------------------------------------------------------------ commands

    void result(FleetCommand c, CommandOutcome outcome, Map<String, String> observed) {
        CommandResult r = CommandResult.newBuilder()
                .setCommandId(c.getCommandId()).setCommandKind(CommandKind.FLEET).setReconcileType(null)
                .setFleetType(c.getType()).setTarget(c.getKeyspace() + "/" + c.getShard()).setAttempt(c.getAttempt())
                .setOutcome(outcome).setMessage(outcome == CommandOutcome.SUCCEEDED ? null : "test says " + outcome)
                .setExecutor("test").setStartedTime(Instant.ofEpochMilli(now)).setFinishedTime(Instant.ofEpochMilli(now))
                .setObserved(observed).build();
        results.pipeInput(r.getTarget(), r, now);
    }

    void succeed(FleetCommand c) {
        result(c, CommandOutcome.SUCCEEDED, Map.of());
    }

    void pause(Scope scope, ControlAction action) {
        pause(scope, action, null);
    }

    void pause(Scope scope, ControlAction action, Instant expires) {
        control(null, scope, action, expires);
    }

    void control(String app, Scope scope, ControlAction action, Instant expires) {
        ControlCommand c = ControlCommand.newBuilder()
                .setRequestId(UUID.randomUUID().toString()).setScope(scope).setApp(app).setAction(action)
                .setOperator("test").setReason("test").setIssuedTime(Instant.ofEpochMilli(now)).setExpiresTime(expires)
                .build();
        control.pipeInput(Scopes.controlKey(app, scope), c, now);
    }

    void advance(Duration d) {
        now += d.toMillis();
        driver.advanceWallClockTime(d);
    }

    /** Commands emitted since the last call. */
    List<FleetCommand> newCommands() {
        List<FleetCommand> out = new ArrayList<>(commands.readValuesToList());
        allCommands.addAll(out);
        return out;
    }

    List<AuditEvent> newAudit() {
        List<AuditEvent> out = new ArrayList<>(audit.readValuesToList());
        allAudit.addAll(out);
        return out;
    }

    List<Alert> newAlerts() {
        List<Alert> out = new ArrayList<>(alerts.readValuesToList());
        allAlerts.addAll(out);
        return out;
    }

    List<String> decisions() {
        return newAudit().stream().map(AuditEvent::getDecision).toList();
    }

    ShardState state(String shard) {
        return driver.<String, ShardState>getKeyValueStore(ShardRecoveryTopology.shardsStore()).get(shard);
    }

    double steps(String type, String outcome) {
        var c = registry.find("holdfast.recovery.steps").tag("type", type).tag("outcome", outcome).counter();
        return c == null ? 0 : c.count();
    }

    double skipped(String input, String reason) {
        var c = registry.find("holdfast.recovery.skipped").tag("input", input).tag("reason", reason).counter();
        return c == null ? 0 : c.count();
    }

    double problems(String code) {
        var c = registry.find("holdfast.recovery.problems").tag("code", code).counter();
        return c == null ? 0 : c.count();
    }

    @Override
    public void close() {
        try {
            driver.close();
        } finally {
            stateDir.close();
        }
    }
}
