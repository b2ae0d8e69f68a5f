package io.holdfast.health.recovery.internal;

import io.holdfast.health.recovery.ShardRecovery;
import io.holdfast.schemas.ControlCommand;
import org.apache.kafka.streams.state.KeyValueStore;

/** The operator controls in force for a shard: global, its keyspace's and its own (see the topology's ControlView). */
final class ControlView {

    static final String STORE = "recovery-control";

    private final io.holdfast.topology.control.ControlView controls;

    ControlView(KeyValueStore<String, ControlCommand> store, String app) {
        this.controls = new io.holdfast.topology.control.ControlView(store, app);
    }

    ShardRecovery.Control forShard(String keyspace, String shard, long now) {
        io.holdfast.topology.control.ControlView.Control c =
                controls.forScopes(now, "global", "keyspace:" + keyspace, "shard:" + keyspace + "/" + shard);
        return c.paused() || c.dryRun() ? new ShardRecovery.Control(c.paused(), c.dryRun()) : ShardRecovery.Control.NONE;
    }
}
