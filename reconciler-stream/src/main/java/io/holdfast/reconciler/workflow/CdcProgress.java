package io.holdfast.reconciler.workflow;

import io.holdfast.reconciler.cdc.SnapshotMarker;
import io.holdfast.reconciler.gtid.ReplicationPosition;
import io.holdfast.reconciler.internal.Bytes;
import io.holdfast.schemas.GtidFlavor;

/**
 * The change stream of one table as one source partition saw it: the copy (Debezium's snapshot
 * markers), rows copied, the last copied key, and the replication position merged over every event.
 * Debezium spreads a table's rows over partitions by key, while its first and last snapshot markers
 * land on one partition each; the workflow processor puts the partitions back together.
 */
public final class CdcProgress {

    private static final int FORMAT = 1;

    final String stream;
    final String table;
    long copyStartedMs = -1;   // source time of the latest copy's first row
    long copyFinishedMs = -1;  // source time of the latest copy's last row
    long rowsCopied;
    String lastCopiedKey;
    ReplicationPosition position;
    long lastEventMs = -1;
    boolean streamed;

    public CdcProgress(String stream, String table) {
        this.stream = stream;
        this.table = table;
    }

    /** Merges one change event of this table. */
    public void observe(SnapshotMarker marker, long sourceMs, String keyText, ReplicationPosition eventPosition) {
        switch (marker) {
            case FIRST, FIRST_IN_DATA_COLLECTION -> {
                if (sourceMs >= copyStartedMs) {
                    copyStartedMs = sourceMs;
                    rowsCopied = 0;
                }
                copied(keyText);
            }
            case TRUE, INCREMENTAL -> copied(keyText);
            case LAST, LAST_IN_DATA_COLLECTION -> {
                copyFinishedMs = Math.max(copyFinishedMs, sourceMs);
                if (copyStartedMs < 0) {
                    copyStartedMs = sourceMs; // a one-row table: its only row carries the last marker
                }
                copied(keyText);
            }
            case FALSE -> streamed = true;
            default -> throw new IllegalStateException(marker.toString());
        }
        if (eventPosition != null) {
            position = position == null || position.flavor() != eventPosition.flavor()
                    ? eventPosition : position.merge(eventPosition);
        }
        lastEventMs = Math.max(lastEventMs, sourceMs);
    }

    private void copied(String keyText) {
        rowsCopied++;
        lastCopiedKey = keyText;
    }

    public ProgressPartial toPartial(int partition, long now) {
        return new ProgressPartial(WorkflowKeys.table(stream, table), ProgressPartial.CDC, partition, stream, table,
                copyStartedMs, copyFinishedMs, rowsCopied, lastCopiedKey,
                position == null ? null : position.flavor().name(), position == null ? null : position.render(),
                lastEventMs, streamed, null, -1, 0, 0, 0, 0, 0, 0, null, now);
    }

    public byte[] toBytes() {
        Bytes.Writer w = new Bytes.Writer(96);
        w.u8(FORMAT).string(stream).string(table).zigzag(copyStartedMs).zigzag(copyFinishedMs).varint(rowsCopied)
                .string(lastCopiedKey).string(position == null ? null : position.flavor().name())
                .string(position == null ? null : position.render()).zigzag(lastEventMs).bool(streamed);
        return w.toArray();
    }

    public static CdcProgress fromBytes(byte[] bytes) {
        Bytes.Reader r = new Bytes.Reader(bytes);
        if (r.u8() != FORMAT) {
            throw new IllegalArgumentException("unknown CDC progress format");
        }
        CdcProgress p = new CdcProgress(r.string(), r.string());
        p.copyStartedMs = r.zigzag();
        p.copyFinishedMs = r.zigzag();
        p.rowsCopied = r.varint();
        p.lastCopiedKey = r.string();
        String flavor = r.string();
        String position = r.string();
        p.position = position == null ? null : ReplicationPosition.parse(GtidFlavor.valueOf(flavor), position);
        p.lastEventMs = r.zigzag();
        p.streamed = r.bool();
        return p;
    }
}
