package io.holdfast.reconciler.gtid;

/**
 * Outcome of {@link ReplicationPosition#compare}: replication positions are only partially ordered
 * (two servers or two shards can each be ahead of the other), so there is a fourth answer besides
 * before, equal and after.
 */
public enum PositionOrder {
    /** This position is contained in the other and differs from it: the other is strictly ahead. */
    BEFORE,
    /** Both positions contain each other: they are the same position. */
    EQUAL,
    /** This position contains the other and differs from it: this is strictly ahead. */
    AFTER,
    /** Neither contains the other: each has seen something the other has not. */
    CONCURRENT
}
