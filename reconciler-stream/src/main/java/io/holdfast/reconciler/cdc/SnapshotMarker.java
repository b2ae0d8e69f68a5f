package io.holdfast.reconciler.cdc;

/**
 * Debezium's {@code source.snapshot}: whether (and where in) a snapshot the event was read.
 *
 * <p>Why it matters here: while a table is being copied, a row that has not arrived yet may simply not
 * have been copied yet, so the reconciler must not judge anything missing from it (copy gating,
 * DESIGN.md section 4). Connectors write the strings {@code true}, {@code false}, {@code first},
 * {@code first_in_data_collection}, {@code last_in_data_collection}, {@code last} and
 * {@code incremental}; older connectors wrote a boolean; absent or null means not a snapshot.
 */
public enum SnapshotMarker {
    /** Streamed from the binlog, not part of a snapshot. */
    FALSE("false"),
    /** The first record of the snapshot. */
    FIRST("first"),
    /** The first record of one table (data collection) in the snapshot. */
    FIRST_IN_DATA_COLLECTION("first_in_data_collection"),
    /** A record of the snapshot, neither first nor last. */
    TRUE("true"),
    /** The last record of one table in the snapshot. */
    LAST_IN_DATA_COLLECTION("last_in_data_collection"),
    /** The last record of the whole snapshot: the copy is complete after it. */
    LAST("last"),
    /** A record read by an incremental (signal-driven, chunked) snapshot, interleaved with streaming. */
    INCREMENTAL("incremental");

    private final String wireValue;

    SnapshotMarker(String wireValue) {
        this.wireValue = wireValue;
    }

    /** The string Debezium writes for this marker. */
    public String wireValue() {
        return wireValue;
    }

    /** Whether the event was read by a copy (initial or incremental snapshot): every value but FALSE. */
    public boolean copying() {
        return this != FALSE;
    }

    /** Whether this is the last record of a table's copy ({@code LAST_IN_DATA_COLLECTION} or {@code LAST}). */
    public boolean endsTableCopy() {
        return this == LAST_IN_DATA_COLLECTION || this == LAST;
    }

    /** Whether this is the last record of the whole initial snapshot. */
    public boolean endsSnapshot() {
        return this == LAST;
    }

    /**
     * The marker for Debezium's string value; null means FALSE.
     *
     * @throws IllegalArgumentException for any other string: an unknown marker is rejected rather than
     *     guessed, because guessing "not copying" would let the reconciler judge rows missing mid-copy
     */
    public static SnapshotMarker fromWire(String value) {
        if (value == null) {
            return FALSE;
        }
        for (SnapshotMarker marker : values()) {
            if (marker.wireValue.equals(value)) {
                return marker;
            }
        }
        throw new IllegalArgumentException("snapshot '" + value + "' is not one of true, false, first, "
                + "first_in_data_collection, last_in_data_collection, last, incremental");
    }

    /** The marker older connectors meant by a boolean {@code snapshot}. */
    public static SnapshotMarker fromBoolean(boolean value) {
        return value ? TRUE : FALSE;
    }
}
