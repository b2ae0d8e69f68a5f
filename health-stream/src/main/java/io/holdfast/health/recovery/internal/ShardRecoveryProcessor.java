package io.holdfast.health.recovery.internal;

import io.holdfast.health.recovery.LockMessage;
import io.holdfast.health.recovery.ShardRecovery;
import io.holdfast.health.recovery.ShardRecoveryTopology;
import io.holdfast.health.recovery.ShardState;
import io.holdfast.schemas.Alert;
import io.holdfast.schemas.AuditEvent;
import io.holdfast.schemas.FleetCommand;
import io.holdfast.schemas.Scopes;
import io.holdfast.topology.timer.TimerIndex;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One durable state machine per shard, on input keyed by shard: loads the shard's {@link ShardState},
 * lets {@link ShardRecovery} react to the event, stores the state and moves the shard's wake-up in the
 * timer index. A wall-clock punctuator wakes only the shards that are due (command deadlines, lock
 * retries, the end of an anti-flap block), never scanning the shards.
 *
 * <p>Everything a decision emits is forwarded in the same processing step that stores the state it
 * was decided on; with exactly-once processing both commit together, so a crash can neither lose a
 * decided command nor repeat it under a new id.
 */
final class ShardRecoveryProcessor implements Processor<String, RecoveryEvent, String, Object> {

    static final String SHARDS_STORE = "recovery-shards";
    static final String WAKE_UPS = "recovery-shard-wakeups";

    private static final Logger log = LoggerFactory.getLogger(ShardRecoveryProcessor.class);
    private static final Duration PUNCTUATE_EVERY = Duration.ofMillis(500);
    private static final int WAKE_BATCH = 500;

    private final ShardRecovery recovery;
    private final Sinks sinks;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, ShardState> shards;
    private TimerIndex wakeUps;
    private ControlView control;

    /** Names of the sink nodes the outputs go to. */
    record Sinks(String commands, String audit, String alerts, String coordinator) {
    }

    ShardRecoveryProcessor(ShardRecovery recovery, Sinks sinks) {
        this.recovery = recovery;
        this.sinks = sinks;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.shards = context.getStateStore(SHARDS_STORE);
        this.wakeUps = TimerIndex.from(context, WAKE_UPS);
        this.control = new ControlView(context.getStateStore(ControlView.STORE), ShardRecoveryTopology.APP);
        context.schedule(PUNCTUATE_EVERY, PunctuationType.WALL_CLOCK_TIME, this::wakeDueShards);
    }

    @Override
    public void process(Record<String, RecoveryEvent> record) {
        RecoveryEvent event = record.value();
        String key = record.key();
        if (event == null || key == null) {
            return;
        }
        long now = context.currentSystemTimeMs();
        ShardState state = shards.get(key);
        if (state == null) {
            if (!(event instanceof RecoveryEvent.Tablet)) {
                return; // nothing to act on before the shard's topology is known
            }
            state = new ShardState();
        }
        int slash = key.indexOf('/');
        ShardRecovery.Control in = control.forShard(key.substring(0, slash), key.substring(slash + 1), now);
        Forwarder out = new Forwarder(key, now);
        if (event instanceof RecoveryEvent.Tablet t) {
            recovery.onTablet(state, t.record(), now, in, out);
        } else if (event instanceof RecoveryEvent.Health h) {
            recovery.onHealth(state, h.health(), now, in, out);
        } else if (event instanceof RecoveryEvent.Result r) {
            recovery.onResult(state, r.result(), now, in, out);
        } else if (event instanceof RecoveryEvent.Lock l) {
            recovery.onLockReply(state, l.message(), now, in, out);
        }
        save(key, state);
    }

    private void wakeDueShards(long now) {
        List<KeyValue<String, Long>> due;
        do {
            due = wakeUps.pollDue(now, WAKE_BATCH);
            for (KeyValue<String, Long> timer : due) {
                ShardState state = shards.get(timer.key);
                if (state == null) {
                    continue;
                }
                ShardRecovery.Control in = control.forShard(state.keyspace, state.shardName, now);
                recovery.onTimer(state, now, in, new Forwarder(timer.key, now));
                save(timer.key, state);
            }
        } while (due.size() == WAKE_BATCH);
    }

    private void save(String key, ShardState state) {
        shards.put(key, state);
        long next = recovery.nextWakeUp(state);
        if (next == Long.MAX_VALUE) {
            wakeUps.cancel(key);
        } else {
            wakeUps.schedule(key, next);
        }
    }

    /** Sends each output to its topic, stamped with the decision's wall-clock time. */
    private final class Forwarder implements ShardRecovery.Output {
        private final String shard;
        private final long now;

        Forwarder(String shard, long now) {
            this.shard = shard;
            this.now = now;
        }

        @Override
        public void command(FleetCommand command) {
            log.info("{}: {} {} ({})", shard, command.getType(), command.getCommandId(), command.getWorkflowId());
            context.forward(new Record<>(shard, command, now), sinks.commands());
        }

        @Override
        public void audit(AuditEvent event) {
            context.forward(new Record<>(Scopes.key(event.getScope()), event, now), sinks.audit());
        }

        @Override
        public void alert(Alert alert) {
            log.warn("{}: alert {}: {}", shard, alert.getCode(), alert.getSummary());
            context.forward(new Record<>(Scopes.key(alert.getScope()), alert, now), sinks.alerts());
        }

        @Override
        public void lock(LockMessage message) {
            context.forward(new Record<>(RecoveryInputs.FLEET, new RecoveryEvent.Lock(message), now), sinks.coordinator());
        }
    }
}
