package io.holdfast.connectors.writer;

import java.util.Locale;

/**
 * Where a write stopped: after which of the steps of DESIGN section 4 it went no further, exactly as if
 * the process had died right there. {@link #NONE} is a complete write (tagged published).
 */
public enum StoppedAfter {
    /** All four steps were done. */
    NONE,
    /** The snapshot is in S3 (tagged pending); no revision row, no head move, no published tag. */
    S3,
    /** Snapshot and revision row; the head was not advanced and the tag is still pending. */
    ROW,
    /** Snapshot, row and head; only the published tag is missing. */
    HEAD;

    /** The word of the ledger's {@code stopped_after}: none, s3, row or head. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
