package io.holdfast.reconciler.gtid;

import io.holdfast.schemas.GtidFlavor;
import io.holdfast.schemas.GtidPosition;
import java.util.Objects;

/**
 * A replication position of one binlog flavor: how much of a source's history has been read.
 *
 * <p>Why a value type and not the source's text: positions arrive out of order and more than once
 * (Kafka redelivery, several partitions, restarts), and the workflow state that records them must only
 * ever move forward. Each flavor is a join-semilattice: {@link #merge} is the least upper bound
 * (commutative, associative, idempotent), {@link #contains} is its order ({@code a.contains(b)} exactly
 * when {@code a.merge(b).equals(a)}), and {@link #compare} reports the partial order, with
 * {@link PositionOrder#CONCURRENT} for positions that each have seen something the other has not.
 *
 * <p>Values are immutable; {@link #render} is canonical (equal positions render equal) and
 * {@code parse(flavor(), render())} returns an equal value.
 */
public sealed interface ReplicationPosition permits MysqlGtidSet, MariadbGtidPosition, VitessVgtid {

    /** The syntax (and merge semantics) of this position. */
    GtidFlavor flavor();

    /**
     * The least position containing both this and {@code other}.
     *
     * @throws IllegalArgumentException if {@code other} is of another flavor: positions of different
     *     flavors describe different histories and have no common upper bound
     */
    ReplicationPosition merge(ReplicationPosition other);

    /**
     * Whether everything {@code other} has seen, this has seen too.
     *
     * @throws IllegalArgumentException if {@code other} is of another flavor
     */
    boolean contains(ReplicationPosition other);

    /** Canonical text in the flavor's own syntax; stable across versions of this code. */
    String render();

    /**
     * Where this position stands relative to {@code other}: {@code BEFORE} when this is contained in
     * {@code other} and differs from it, {@code AFTER} the reverse, {@code EQUAL} when both contain
     * each other, {@code CONCURRENT} when neither does.
     *
     * @throws IllegalArgumentException if {@code other} is of another flavor
     */
    default PositionOrder compare(ReplicationPosition other) {
        boolean thisContainsOther = contains(other);
        boolean otherContainsThis = other.contains(this);
        if (thisContainsOther && otherContainsThis) {
            return PositionOrder.EQUAL;
        }
        if (thisContainsOther) {
            return PositionOrder.AFTER;
        }
        return otherContainsThis ? PositionOrder.BEFORE : PositionOrder.CONCURRENT;
    }

    /** This position as the Avro record carried in {@code WorkflowProgress} (flavor + canonical text). */
    default GtidPosition toAvro() {
        return GtidPosition.newBuilder().setFlavor(flavor()).setPosition(render()).build();
    }

    /**
     * Parses {@code text} in the syntax of {@code flavor}.
     *
     * @throws MalformedPositionException if the text is null or not a valid position of that flavor,
     *     or the flavor is {@link GtidFlavor#UNKNOWN} (a flavor this code does not know how to read)
     */
    static ReplicationPosition parse(GtidFlavor flavor, String text) {
        Objects.requireNonNull(flavor, "flavor");
        if (text == null) {
            throw new MalformedPositionException(flavor + " position is null");
        }
        return switch (flavor) {
            case MYSQL -> MysqlGtidSet.parse(text);
            case MARIADB -> MariadbGtidPosition.parse(text);
            case VITESS_VGTID -> VitessVgtid.parse(text);
            case UNKNOWN -> throw new MalformedPositionException(
                    "position '" + MalformedPositionException.abbreviate(text)
                            + "' has flavor UNKNOWN, which cannot be parsed");
        };
    }

    /** The position carried by an Avro record; see {@link #parse}. */
    static ReplicationPosition fromAvro(GtidPosition avro) {
        Objects.requireNonNull(avro, "avro");
        return parse(avro.getFlavor(), avro.getPosition());
    }
}
