package io.holdfast.health.recovery.internal;

import io.holdfast.health.recovery.ShardRecovery;
import io.holdfast.schemas.ControlAction;
import io.holdfast.schemas.ControlCommand;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The operator controls in force for a shard, read from the global copy of the {@code control} topic.
 * The topic is compacted by scope and app ({@link io.holdfast.schemas.Scopes#controlKey}), so the latest
 * instruction per scope is the one in force (PAUSE or DRY_RUN_ON until a RESUME, DRY_RUN_OFF or its
 * expiry); of an instruction to every app and one to this app for the same scope, the later one.
 * Scopes add up: a global pause pauses every shard whatever a shard's own latest instruction says.
 * Instructions for another app are ignored.
 */
final class ControlView {

    static final String STORE = "recovery-control";

    private final KeyValueStore<String, ControlCommand> store;
    private final String app;

    ControlView(KeyValueStore<String, ControlCommand> store, String app) {
        this.store = store;
        this.app = app;
    }

    ShardRecovery.Control forShard(String keyspace, String shard, long now) {
        boolean paused = false;
        boolean dryRun = false;
        for (String scope : new String[] {"global", "keyspace:" + keyspace, "shard:" + keyspace + "/" + shard}) {
            ControlCommand c = later(inForce(store.get(scope), now), inForce(store.get(app + "@" + scope), now));
            if (c == null) {
                continue;
            }
            paused |= c.getAction() == ControlAction.PAUSE;
            dryRun |= c.getAction() == ControlAction.DRY_RUN_ON;
        }
        return paused || dryRun ? new ShardRecovery.Control(paused, dryRun) : ShardRecovery.Control.NONE;
    }

    private ControlCommand inForce(ControlCommand c, long now) {
        boolean inForce = c != null && (c.getApp() == null || c.getApp().equals(app))
                && (c.getExpiresTime() == null || c.getExpiresTime().toEpochMilli() > now);
        return inForce ? c : null;
    }

    /** For one scope, the instruction to every app and the one to this app: the later one is in force. */
    private static ControlCommand later(ControlCommand toAll, ControlCommand toThisApp) {
        if (toAll == null || toThisApp == null) {
            return toAll == null ? toThisApp : toAll;
        }
        return toThisApp.getIssuedTime().isBefore(toAll.getIssuedTime()) ? toAll : toThisApp;
    }

    /** Keeps the global store equal to the topic (restoration bypasses it and copies the topic as is). */
    static final class Updater implements org.apache.kafka.streams.processor.api.Processor<String, ControlCommand, Void, Void> {
        private KeyValueStore<String, ControlCommand> store;

        @Override
        public void init(org.apache.kafka.streams.processor.api.ProcessorContext<Void, Void> context) {
            store = context.getStateStore(STORE);
        }

        @Override
        public void process(org.apache.kafka.streams.processor.api.Record<String, ControlCommand> record) {
            if (record.key() == null) {
                return;
            }
            if (record.value() == null) {
                store.delete(record.key());
            } else {
                store.put(record.key(), record.value());
            }
        }
    }
}
