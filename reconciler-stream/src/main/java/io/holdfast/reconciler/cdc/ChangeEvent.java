package io.holdfast.reconciler.cdc;

import java.util.Objects;

/**
 * One Debezium change event, or the tombstone that follows a delete.
 *
 * <p>Tombstones: after a delete Debezium writes a second record with the same key and a null value so
 * that log compaction can drop the key. It is not a change (the delete event already said the row is
 * gone), so it is not given an op: a tombstone has {@code op == null}, no rows, no source and
 * {@code tsMs == -1}, and {@link #isTombstone()} is true. Consumers switch on {@link #op()} only after
 * checking {@link #isTombstone()}.
 *
 * @param op what happened; null only for a tombstone
 * @param key the record key's columns; null if the record had no key
 * @param before the row before the change (deletes, updates when captured); null otherwise
 * @param after the row after the change (creates, reads, updates); null otherwise
 * @param source where and when the change happened; null for a tombstone or an envelope without source
 * @param tsMs when the connector processed the event (envelope {@code ts_ms}), epoch millis; -1 if absent
 */
public record ChangeEvent(Op op, Row key, Row before, Row after, SourceInfo source, long tsMs) {

    public ChangeEvent {
        if (op == null && (before != null || after != null || source != null || tsMs != -1)) {
            throw new IllegalArgumentException("a tombstone (no op) carries only a key");
        }
        if (op != null && op.hasAfter() && after == null) {
            throw new IllegalArgumentException("op " + op + " needs an after row");
        }
        if (op == Op.DELETE && before == null) {
            throw new IllegalArgumentException("op DELETE needs a before row");
        }
    }

    /** The tombstone for {@code key} (which may be null). */
    public static ChangeEvent tombstone(Row key) {
        return new ChangeEvent(null, key, null, null, null, -1);
    }

    /** Whether this is the null-value record following a delete rather than a change. */
    public boolean isTombstone() {
        return op == null;
    }

    /**
     * The row this event is about: {@code after} for creates, reads and updates, {@code before} for
     * deletes, null for truncates, messages and tombstones.
     */
    public Row row() {
        return op == Op.DELETE ? before : after;
    }

    /** Whether the event was read by a snapshot (copy) rather than streamed; false for tombstones. */
    public boolean copying() {
        return source != null && source.snapshot().copying();
    }

    /** The op, for callers that have already excluded tombstones. */
    public Op requireOp() {
        return Objects.requireNonNull(op, "tombstone has no op");
    }
}
