package io.holdfast.reconciler.internal;

import io.holdfast.reconciler.ReconcilerConfig;
import io.holdfast.reconciler.cdc.ChangeEvent;
import io.holdfast.reconciler.cdc.MalformedChangeEventException;
import io.holdfast.reconciler.cdc.Op;
import io.holdfast.reconciler.cdc.Row;
import io.holdfast.reconciler.entity.EntityInput;

/**
 * Turns a change event of the revisions or heads table into the entity observation it carries, reading
 * the configured columns. A row without its entity or revision, or of another table, is malformed input.
 */
public final class CdcMapping {

    private final String revisionsTable;
    private final String headsTable;
    private final ReconcilerConfig.Columns columns;

    public CdcMapping(String revisionsTable, String headsTable, ReconcilerConfig.Columns columns) {
        this.revisionsTable = revisionsTable;
        this.headsTable = headsTable;
        this.columns = columns;
    }

    public boolean isRevisions(String table) {
        return revisionsTable.equals(table);
    }

    public boolean isHeads(String table) {
        return headsTable.equals(table);
    }

    /** The observation in {@code e}, an insert, read, update or delete of one of the two tables. */
    public EntityInput toInput(ChangeEvent e) {
        if (e.source() == null) {
            throw new MalformedChangeEventException("change event (op " + e.op() + ") has no source: its table is unknown");
        }
        String table = e.source().table();
        EntityInput.RowChange change = switch (e.op()) {
            case CREATE -> EntityInput.RowChange.INSERTED;
            case READ -> EntityInput.RowChange.COPIED;
            case UPDATE -> EntityInput.RowChange.UPDATED;
            case DELETE -> EntityInput.RowChange.DELETED;
            default -> throw new MalformedChangeEventException("op " + e.op() + " carries no row");
        };
        Row now = e.op() == Op.DELETE ? e.before() : e.after();
        long committed = e.source().tsMs();
        if (isRevisions(table)) {
            String entity = required(now, columns.revisionsEntity(), table);
            long revision = requiredLong(now, columns.revisionsRevision(), table);
            String hash = now.string(columns.revisionsHash());
            String previousHash = e.op() == Op.UPDATE && e.before() != null ? e.before().string(columns.revisionsHash()) : null;
            if (e.op() == Op.UPDATE && e.before() != null) {
                String beforeEntity = e.before().string(columns.revisionsEntity());
                Long beforeRevision = e.before().longValue(columns.revisionsRevision());
                if (!entity.equals(beforeEntity) || beforeRevision == null || beforeRevision != revision) {
                    // A primary key change: the old revision was in effect deleted.
                    return new EntityInput.RevisionRow(beforeEntity == null ? entity : beforeEntity,
                            beforeRevision == null ? revision : beforeRevision, EntityInput.RowChange.DELETED,
                            e.before().string(columns.revisionsHash()), null, committed);
                }
            }
            return new EntityInput.RevisionRow(entity, revision, change, hash, previousHash, committed);
        }
        if (isHeads(table)) {
            String entity = required(now, columns.headsEntity(), table);
            long head = e.op() == Op.DELETE ? EntityInput.NONE : requiredLong(now, columns.headsRevision(), table);
            long previous = EntityInput.NONE;
            if ((e.op() == Op.UPDATE || e.op() == Op.DELETE) && e.before() != null) {
                Long b = e.before().longValue(columns.headsRevision());
                previous = b == null ? EntityInput.NONE : b;
            }
            return new EntityInput.Head(entity, change, head, previous, committed);
        }
        throw new MalformedChangeEventException("table '" + table + "' is neither the revisions table '" + revisionsTable
                + "' nor the heads table '" + headsTable + "'");
    }

    private static String required(Row row, String column, String table) {
        String v = row == null ? null : row.string(column);
        if (v == null || v.isEmpty()) {
            throw new MalformedChangeEventException("row of " + table + " has no '" + column + "'");
        }
        return v;
    }

    private static long requiredLong(Row row, String column, String table) {
        Long v;
        try {
            v = row == null ? null : row.longValue(column);
        } catch (RuntimeException e) {
            throw new MalformedChangeEventException("row of " + table + " has a non-integer '" + column + "'");
        }
        if (v == null || v < 0) {
            throw new MalformedChangeEventException("row of " + table + " has no non-negative '" + column + "'");
        }
        return v;
    }
}
