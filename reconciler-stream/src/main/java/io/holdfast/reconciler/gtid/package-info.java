/**
 * Replication positions of the binlog sources the reconciler follows, parsed, merged and compared as
 * the values they are rather than as opaque text.
 *
 * <p>Why: the workflow state ({@code state.workflow}) records how far each stream has been read, and
 * that state must merge commutatively and idempotently (redelivery and reordering cannot move it
 * backward). Text comparison of GTID positions is wrong for every flavor: MySQL GTID sets are sets of
 * intervals per server uuid, MariaDB positions are per replication domain, and a Vitess VGTID is one
 * position per shard. Each {@link io.holdfast.reconciler.gtid.ReplicationPosition} is therefore a
 * join-semilattice: {@code merge} is the least upper bound, {@code contains} the lattice order, and
 * {@code compare} the resulting partial order ({@code CONCURRENT} when neither contains the other).
 *
 * <p>Flavors: {@link io.holdfast.reconciler.gtid.MysqlGtidSet},
 * {@link io.holdfast.reconciler.gtid.MariadbGtidPosition}, {@link io.holdfast.reconciler.gtid.VitessVgtid}.
 * All values are immutable; {@code render()} is canonical so equal positions render equal, and
 * {@code parse(flavor, render())} gives the value back.
 */
package io.holdfast.reconciler.gtid;
