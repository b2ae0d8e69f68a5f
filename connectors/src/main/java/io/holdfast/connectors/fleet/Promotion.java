package io.holdfast.connectors.fleet;

import java.time.Instant;
import java.util.Optional;

/**
 * A tablet made primary by a reparent, with what the simulator knew of it at that moment and holdfast
 * could only estimate: its replication lag and whether its volume was in a degradation or stall (and
 * since when). This is what lets a checker tell whether a reparent promoted a degraded or lagging
 * candidate, which the topology alone (published every few seconds) cannot.
 *
 * @param shardKey       {@code <keyspace>/<shard>}
 * @param tabletAlias    the new primary
 * @param term           the shard's primary term it started
 * @param at             when it became primary
 * @param commandId      the reparent command that did it
 * @param emergency      an EmergencyReparentShard rather than a planned one
 * @param lagMillis      its replication lag just before it was promoted
 * @param impairedSince  the start of its volume's degradation or stall, if the volume was in one
 */
public record Promotion(String shardKey, String tabletAlias, long term, Instant at, String commandId, boolean emergency, long lagMillis,
                        Optional<Instant> impairedSince) {
}
