package io.holdfast.health.recovery;

import io.holdfast.health.recovery.internal.RecoveryTopologyBuilder;
import io.holdfast.topology.catalog.TopicCatalog;
import java.util.List;
import org.apache.kafka.streams.Topology;

/**
 * The recovery half of the health app: volume health and the fleet topology in, fleet commands,
 * audit events and alerts out. Data flow (every node and store named in the topology description):
 *
 * <pre>
 *   fleet.tablets ------\                                     /-- commands.fleet
 *   state.volume-health -+-> recovery-by-volume -> volume-shard join
 *                        |                          |
 *   commands.results ----+--------------------------+-> recovery-by-shard -> shard recovery -+-- audit
 *                        |                          ^                                         \-- alerts
 *                        \-> recovery-coordinator --/ (lock grants)  <---- lock requests -----/
 * </pre>
 *
 * The volume-shard join is an explicit foreign-key join: keyed by volume, it keeps volume -> shard
 * and each volume's latest health, and re-keys both by shard. The shard recovery processor keeps one
 * {@link ShardState} per shard in a changelogged store and runs {@link ShardRecovery} on it. The
 * coordinator, on one partition, caps concurrent reparents fleet-wide and per cell and reports how
 * degraded each cell is. Operator controls come from a global copy of the {@code control} topic.
 */
public final class ShardRecoveryTopology {

    /** The app name in control instructions, audit events and alerts. */
    public static final String APP = "health";

    private ShardRecoveryTopology() {
    }

    /** Adds the recovery workflow to {@code topology}; returns the names of its queryable stores. */
    public static List<String> addTo(Topology topology, TopicCatalog catalog, RecoverySettings settings,
                                     ShardRecovery.Metrics metrics) {
        return RecoveryTopologyBuilder.addTo(topology, catalog, settings, metrics);
    }

    /** The store holding each shard's {@link ShardState} (JSON), keyed by "keyspace/shard". */
    public static String shardsStore() {
        return RecoveryTopologyBuilder.SHARDS_STORE;
    }
}
