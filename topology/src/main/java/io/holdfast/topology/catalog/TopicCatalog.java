package io.holdfast.topology.catalog;

import io.holdfast.schemas.Alert;
import io.holdfast.schemas.AuditEvent;
import io.holdfast.schemas.CommandResult;
import io.holdfast.schemas.ControlCommand;
import io.holdfast.schemas.FleetCommand;
import io.holdfast.schemas.ReconcileCommand;
import io.holdfast.schemas.SnapshotObject;
import io.holdfast.schemas.TabletRecord;
import io.holdfast.schemas.VolumeHealth;
import io.holdfast.schemas.VolumeMetric;
import io.holdfast.schemas.WorkflowProgress;
import io.holdfast.schemas.serde.HoldfastSerdes;
import io.holdfast.topology.config.HoldfastConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Every topic of DESIGN section 3, with its name (under the configured prefix), serdes and creation
 * settings. The one place a topic name is spelled: apps, connectors and {@code topics ensure} all
 * take their topics from here.
 */
public final class TopicCatalog {

    /** Apps and connectors that own a dead-letter topic {@code dlq.<app>}. */
    public static final List<String> DEAD_LETTER_OWNERS = List.of("reconciler", "health", "connectors");

    private static final Duration EVENT_RETENTION = Duration.ofDays(7);
    private static final Duration METRIC_RETENTION = Duration.ofDays(1);
    private static final Duration AUDIT_RETENTION = Duration.ofDays(30);
    private static final Duration INTERNAL_RETENTION = Duration.ofDays(1);

    private final String prefix;
    private final int partitions;
    private final short replicationFactor;
    private final Map<String, Object> serdeConfig;
    private final CdcTopics cdc;

    public final Topic<String, String> cdcRevisions;
    public final Topic<String, String> cdcEntityHeads;
    /**
     * Debezium's notifications (sink channel): when an incremental snapshot of a table started, how far it
     * got and when it completed, which the data events alone do not say. JSON like the change events.
     */
    public final Topic<String, String> cdcNotifications;
    public final Topic<String, SnapshotObject> snapshots;
    public final Topic<String, TabletRecord> tablets;
    public final Topic<String, VolumeMetric> volumeMetrics;
    public final Topic<String, VolumeHealth> volumeHealth;
    public final Topic<String, WorkflowProgress> workflow;
    public final Topic<String, ReconcileCommand> reconcileCommands;
    public final Topic<String, FleetCommand> fleetCommands;
    public final Topic<String, CommandResult> commandResults;
    public final Topic<String, ControlCommand> control;
    public final Topic<String, AuditEvent> audit;
    public final Topic<String, Alert> alerts;
    /**
     * The health app's own topics for its shard recovery workflow, which feeds back into itself (a
     * shard asks the fleet coordinator for a reparent slot and is answered), a cycle Kafka Streams'
     * repartition topics cannot express. Not contracts: the app alone writes and reads them.
     */
    public final Topic<String, byte[]> recoveryByVolume;
    public final Topic<String, byte[]> recoveryByShard;
    public final Topic<String, byte[]> recoveryCoordinator;
    /**
     * The reconciler's own re-keying topics: every input by entity id, and progress partials by workflow
     * key. Named here so that operators find them; not contracts.
     */
    public final Topic<String, byte[]> reconcilerByEntity;
    public final Topic<String, byte[]> reconcilerProgress;
    /**
     * The connectors' durable checkpoints: the S3 scanner's pass and last key (compacted, one partition),
     * and the binlog source's Debezium offsets (compacted) and schema history (one partition, kept forever).
     */
    public final Topic<String, byte[]> scanCheckpoints;
    public final Topic<String, byte[]> binlogOffsets;
    public final Topic<String, byte[]> binlogSchemaHistory;

    /** Where the change-data topics are: Debezium names them {@code <topic.prefix>.<database>.<table>}. */
    public record CdcTopics(String debeziumTopicPrefix, String database, String revisionsTable, String headsTable) {
        public static final CdcTopics DEFAULT = new CdcTopics("cdc.holdfast", "holdfast", "revisions", "entity_heads");
    }

    public TopicCatalog(HoldfastConfig config) {
        this(config.topicPrefix(), config.getInt(HoldfastConfig.TOPIC_PARTITIONS),
                config.getShort(HoldfastConfig.TOPIC_REPLICATION_FACTOR), config.kafkaProperties(), new CdcTopics(
                        config.getString(HoldfastConfig.CDC_TOPIC_PREFIX), config.getString(HoldfastConfig.CDC_DATABASE),
                        config.getString(HoldfastConfig.CDC_REVISIONS_TABLE), config.getString(HoldfastConfig.CDC_HEADS_TABLE)));
    }

    public TopicCatalog(String prefix, int partitions, short replicationFactor, Map<String, Object> serdeConfig, CdcTopics cdc) {
        this.prefix = prefix;
        this.partitions = partitions;
        this.replicationFactor = replicationFactor;
        this.serdeConfig = Map.copyOf(serdeConfig);
        this.cdc = cdc;
        TopicSettings events = TopicSettings.retained(partitions, replicationFactor, EVENT_RETENTION);
        TopicSettings latestPerKey = TopicSettings.compacted(partitions, replicationFactor);

        cdcRevisions = json(cdcName(cdc.revisionsTable()), events);
        cdcEntityHeads = json(cdcName(cdc.headsTable()), events);
        // Kept for good: a few records per copy, and the binlog source reads them to know a copy ever started.
        cdcNotifications = json(prefix + cdc.debeziumTopicPrefix() + ".notifications",
                TopicSettings.retainedForever(1, replicationFactor));
        snapshots = avro("s3.snapshots", SnapshotObject.class, events);
        tablets = avro("fleet.tablets", TabletRecord.class, latestPerKey);
        volumeMetrics = avro("fleet.volume-metrics", VolumeMetric.class,
                TopicSettings.retained(partitions, replicationFactor, METRIC_RETENTION));
        volumeHealth = avro("state.volume-health", VolumeHealth.class, latestPerKey);
        workflow = avro("state.workflow", WorkflowProgress.class, latestPerKey);
        reconcileCommands = avro("commands.reconcile", ReconcileCommand.class, events);
        fleetCommands = avro("commands.fleet", FleetCommand.class, events);
        commandResults = avro("commands.results", CommandResult.class, events);
        // One partition: operator commands are few, and every instance reads all of them in order.
        control = avro("control", ControlCommand.class, TopicSettings.compacted(1, replicationFactor));
        audit = avro("audit", AuditEvent.class, TopicSettings.retained(partitions, replicationFactor, AUDIT_RETENTION));
        alerts = avro("alerts", Alert.class, TopicSettings.retained(partitions, replicationFactor, AUDIT_RETENTION));
        TopicSettings internal = TopicSettings.retained(partitions, replicationFactor, INTERNAL_RETENTION);
        recoveryByVolume = bytes("internal.health.recovery-by-volume", internal);
        recoveryByShard = bytes("internal.health.recovery-by-shard", internal);
        // One partition: the coordinator is the one place that sees every reparent in progress.
        recoveryCoordinator = bytes("internal.health.recovery-coordinator",
                TopicSettings.retained(1, replicationFactor, INTERNAL_RETENTION));
        reconcilerByEntity = bytes("internal.reconciler.inputs-by-entity", internal);
        reconcilerProgress = bytes("internal.reconciler.progress-by-workflow", internal);
        scanCheckpoints = bytes("internal.connectors.scan-checkpoints", TopicSettings.compacted(1, replicationFactor));
        binlogOffsets = bytes("internal.connectors.binlog-offsets", TopicSettings.compacted(1, replicationFactor));
        binlogSchemaHistory = bytes("internal.connectors.binlog-schema-history", TopicSettings.retainedForever(1, replicationFactor));
    }

    /** {@code dlq.<owner>}: records that could not be read or processed, with the reason in headers. */
    public Topic<byte[], byte[]> deadLetter(String owner) {
        return new Topic<>(prefix + "dlq." + owner, Serdes.ByteArray(), Serdes.ByteArray(),
                TopicSettings.retained(partitions, replicationFactor, AUDIT_RETENTION));
    }

    /** Every topic `topics ensure` creates. */
    public List<Topic<?, ?>> all() {
        List<Topic<?, ?>> all = new ArrayList<>(List.of(cdcRevisions, cdcEntityHeads, cdcNotifications, snapshots, tablets, volumeMetrics,
                volumeHealth, workflow, reconcileCommands, fleetCommands, commandResults, control, audit, alerts,
                recoveryByVolume, recoveryByShard, recoveryCoordinator, reconcilerByEntity, reconcilerProgress, scanCheckpoints,
                binlogOffsets, binlogSchemaHistory));
        for (String owner : DEAD_LETTER_OWNERS) {
            all.add(deadLetter(owner));
        }
        return all;
    }

    public String prefix() {
        return prefix;
    }

    public CdcTopics cdc() {
        return cdc;
    }

    /** The topic prefix an embedded Debezium engine must use so that its topics are the catalog's. */
    public String debeziumTopicPrefix() {
        return prefix + cdc.debeziumTopicPrefix();
    }

    /** A value serde for {@code type}, configured like every other holdfast serde. */
    public <T extends SpecificRecord> Serde<T> valueSerde(Class<T> type) {
        return HoldfastSerdes.value(type, serdeConfig);
    }

    private String cdcName(String table) {
        return prefix + cdc.debeziumTopicPrefix() + "." + cdc.database() + "." + table;
    }

    private Topic<String, String> json(String name, TopicSettings settings) {
        return new Topic<>(name, Serdes.String(), Serdes.String(), settings);
    }

    private Topic<String, byte[]> bytes(String name, TopicSettings settings) {
        return new Topic<>(prefix + name, Serdes.String(), Serdes.ByteArray(), settings);
    }

    private <T extends SpecificRecord> Topic<String, T> avro(String name, Class<T> type, TopicSettings settings) {
        return new Topic<>(prefix + name, Serdes.String(), valueSerde(type), settings);
    }
}
