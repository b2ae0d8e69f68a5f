package io.holdfast.health.recovery.internal;

import io.holdfast.health.recovery.ShardRecovery;
import io.holdfast.schemas.CommandKind;
import io.holdfast.schemas.CommandResult;
import io.holdfast.schemas.TabletRecord;
import io.holdfast.schemas.VolumeHealth;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Where each public input of the recovery workflow enters it: validated, wrapped as a
 * {@link RecoveryEvent} and keyed for the processor that needs it. A record that cannot be routed
 * throws here, at the first step, so that the dead-letter topic receives the record as published.
 */
final class RecoveryInputs {

    static final String FLEET = "fleet";

    private RecoveryInputs() {
    }

    /** Thrown for input the workflow cannot use; the processing handler sends the record to the DLQ. */
    static final class InvalidRecoveryInput extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InvalidRecoveryInput(String message) {
            super(message);
        }
    }

    static String shardKey(String keyspace, String shard) {
        return keyspace + "/" + shard;
    }

    /** fleet.tablets (keyed by alias) to the volume join (keyed by volume id). */
    static final class Tablets implements Processor<String, TabletRecord, String, RecoveryEvent> {
        private final ShardRecovery.Metrics metrics;
        private ProcessorContext<String, RecoveryEvent> context;

        Tablets(ShardRecovery.Metrics metrics) {
            this.metrics = metrics;
        }

        @Override
        public void init(ProcessorContext<String, RecoveryEvent> context) {
            this.context = context;
        }

        @Override
        public void process(Record<String, TabletRecord> record) {
            TabletRecord t = record.value();
            if (t == null) {
                metrics.skipped("tablets", "tombstone"); // the tablet left the topology source; its SPARE record said so first
                return;
            }
            if (blank(t.getTabletAlias()) || blank(t.getKeyspace()) || blank(t.getShard()) || t.getShard().contains("/")) {
                throw new InvalidRecoveryInput("tablet record without a usable alias, keyspace or shard: "
                        + t.getTabletAlias() + " " + t.getKeyspace() + "/" + t.getShard());
            }
            String key = blank(t.getVolumeId()) ? t.getTabletAlias() : t.getVolumeId();
            context.forward(record.withKey(key).withValue(new RecoveryEvent.Tablet(t)));
        }
    }

    /** state.volume-health to the volume join (by volume) and to the coordinator (cell shares). */
    static final class Health implements Processor<String, VolumeHealth, String, RecoveryEvent> {
        private final String joinSink;
        private final String coordinatorSink;
        private final ShardRecovery.Metrics metrics;
        private ProcessorContext<String, RecoveryEvent> context;

        Health(String joinSink, String coordinatorSink, ShardRecovery.Metrics metrics) {
            this.joinSink = joinSink;
            this.coordinatorSink = coordinatorSink;
            this.metrics = metrics;
        }

        @Override
        public void init(ProcessorContext<String, RecoveryEvent> context) {
            this.context = context;
        }

        @Override
        public void process(Record<String, VolumeHealth> record) {
            VolumeHealth h = record.value();
            if (h == null) {
                metrics.skipped("volume_health", "tombstone");
                return;
            }
            if (blank(h.getVolumeId())) {
                throw new InvalidRecoveryInput("volume health without a volume id");
            }
            RecoveryEvent event = new RecoveryEvent.Health(h);
            context.forward(record.withKey(h.getVolumeId()).withValue(event), joinSink);
            context.forward(record.withKey(FLEET).withValue(event), coordinatorSink);
        }
    }

    /** commands.results: fleet command results to their shard; the reconciler's results are not ours. */
    static final class Results implements Processor<String, CommandResult, String, RecoveryEvent> {
        private final ShardRecovery.Metrics metrics;
        private ProcessorContext<String, RecoveryEvent> context;

        Results(ShardRecovery.Metrics metrics) {
            this.metrics = metrics;
        }

        @Override
        public void init(ProcessorContext<String, RecoveryEvent> context) {
            this.context = context;
        }

        @Override
        public void process(Record<String, CommandResult> record) {
            CommandResult r = record.value();
            if (r == null || r.getCommandKind() != CommandKind.FLEET) {
                metrics.skipped("command_results", r == null ? "tombstone" : "not_fleet");
                return;
            }
            String target = r.getTarget();
            int slash = target == null ? -1 : target.indexOf('/');
            if (slash <= 0 || slash == target.length() - 1 || blank(r.getCommandId())) {
                throw new InvalidRecoveryInput("fleet command result whose target is not '<keyspace>/<shard>': " + target);
            }
            context.forward(record.withKey(target).withValue(new RecoveryEvent.Result(r)));
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
