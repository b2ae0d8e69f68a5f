package io.holdfast.reconciler.entity;

import static io.holdfast.reconciler.entity.EntityInput.NONE;

import io.holdfast.reconciler.internal.Bytes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.TreeMap;

/**
 * Everything the reconciler keeps about one entity, bounded: the highest head and revision seen, the
 * revisions not resolved yet in detail, the resolved ones as ranges, the alerts already raised (so each
 * is raised once) and the repair in progress for a lagging head. A resolved revision keeps no detail:
 * an entity whose revisions are all consistent costs a few dozen bytes.
 *
 * <p>Merges are commutative and idempotent (max, min, set union, flags that only get set), so the
 * order and the number of times observations arrive cannot change what the ledger says.
 */
public final class EntityLedger {

    /** Alerts remembered per entity; beyond this the oldest is forgotten (and could be raised again). */
    static final int MAX_ALERTS = 32;

    private static final int FORMAT = 1;

    long head = NONE;
    /** Highest revision whose row is in Vitess and whose snapshot is in S3 with the same content hash. */
    long confirmed = NONE;
    /** Highest revision whose row was seen, whatever else is known about it. */
    long highestRow = NONE;
    final RevisionRanges resolved;
    final TreeMap<Long, PendingRevision> pending = new TreeMap<>();
    final List<String> alerts = new ArrayList<>(0);

    // The head repair in progress: since when the head lags, attempts made, when the next may be made.
    long headLagSince;
    int headAttempts;
    long headNextAt;

    // Lifetime counts of the repairs issued for this entity (for its ledger view).
    long replays;
    long headAdvances;
    long publishes;

    public EntityLedger() {
        this(new RevisionRanges());
    }

    private EntityLedger(RevisionRanges resolved) {
        this.resolved = resolved;
    }

    /** How a snapshot observation compared with what was known, for the diff pass counts. */
    public enum SnapshotOutcome {
        /** The revision was already resolved, or this observation resolves it. */
        MATCHED,
        /** Something about the revision is still outstanding (row, tag or head). */
        OUTSTANDING
    }

    // ---- merging observations ----

    /** Merges a revision row change; returns the alert code it proves, if any (rewrites and deletes of history). */
    String applyRow(EntityInput.RevisionRow row) {
        long r = row.revision();
        switch (row.change()) {
            case INSERTED, COPIED -> {
                highestRow = Math.max(highestRow, r);
                if (!resolved.contains(r)) {
                    pendingFor(r).mergeRow(row.hash(), row.committedMs());
                }
                return null;
            }
            case UPDATED -> {
                highestRow = Math.max(highestRow, r);
                boolean rewritten = row.previousHash() != null && !row.previousHash().equals(row.hash());
                if (!resolved.contains(r)) {
                    pendingFor(r).mergeRow(row.previousHash() != null ? row.previousHash() : row.hash(), row.committedMs());
                }
                return rewritten ? Alerts.REVISION_REWRITTEN : null;
            }
            case DELETED -> {
                return Alerts.REVISION_DELETED;
            }
            default -> throw new IllegalStateException(row.change().toString());
        }
    }

    /** Merges a head change; returns true when the change itself shows the head moving backward. */
    boolean applyHead(EntityInput.Head h) {
        if (h.change().present()) {
            head = Math.max(head, h.head());
        }
        if (h.change() == EntityInput.RowChange.DELETED) {
            return h.previous() != NONE;
        }
        return h.change() == EntityInput.RowChange.UPDATED && h.previous() != NONE && h.head() < h.previous();
    }

    SnapshotOutcome applySnapshot(EntityInput.Snapshot s) {
        if (resolved.contains(s.revision())) {
            return SnapshotOutcome.MATCHED;
        }
        pendingFor(s.revision()).mergeSnapshot(s);
        return SnapshotOutcome.OUTSTANDING;
    }

    private PendingRevision pendingFor(long revision) {
        return pending.computeIfAbsent(revision, PendingRevision::new);
    }

    void resolve(PendingRevision p) {
        pending.remove(p.revision);
        resolved.add(p.revision);
    }

    /** Remembers an alert; false when it was raised before. */
    boolean remember(String alertKey) {
        if (alerts.contains(alertKey)) {
            return false;
        }
        if (alerts.size() >= MAX_ALERTS) {
            alerts.remove(0);
        }
        alerts.add(alertKey);
        return true;
    }

    // ---- views ----

    public long head() {
        return head;
    }

    public long confirmed() {
        return confirmed;
    }

    public long highestRow() {
        return highestRow;
    }

    public Collection<PendingRevision> pending() {
        return Collections.unmodifiableCollection(pending.values());
    }

    public String resolvedRanges() {
        return resolved.toString();
    }

    public boolean isResolved(long revision) {
        return resolved.contains(revision);
    }

    public List<String> alerts() {
        return Collections.unmodifiableList(alerts);
    }

    public long replays() {
        return replays;
    }

    public long headAdvances() {
        return headAdvances;
    }

    public long publishes() {
        return publishes;
    }

    public int headAttempts() {
        return headAttempts;
    }

    /** True when nothing is outstanding: no pending revision and the head at the confirmed revision. */
    public boolean settled() {
        return pending.isEmpty() && head >= confirmed;
    }

    // ---- binary form (the state store and its changelog) ----

    public byte[] toBytes() {
        Bytes.Writer w = new Bytes.Writer(32 + pending.size() * 96);
        w.u8(FORMAT).zigzag(head).zigzag(confirmed).zigzag(highestRow);
        long[] pairs = resolved.pairs();
        w.varint(pairs.length / 2);
        long previous = 0;
        for (long bound : pairs) {
            w.zigzag(bound - previous); // deltas keep large revision numbers short
            previous = bound;
        }
        w.varint(pending.size());
        for (PendingRevision p : pending.values()) {
            w.zigzag(p.revision).bool(p.snapshotSeen);
            if (p.snapshotSeen) {
                w.string(p.bucket).string(p.objectKey).string(p.etag).string(p.snapshotHash).zigzag(p.sizeBytes)
                        .zigzag(p.createdAt).u8(p.publication.ordinal()).zigzag(p.snapshotFirstSeen);
            }
            w.bool(p.rowSeen);
            if (p.rowSeen) {
                w.string(p.rowHash).zigzag(p.rowCommitted);
            }
            w.varint(p.replayAttempts).zigzag(p.replayNextAt).varint(p.publishAttempts).zigzag(p.publishNextAt);
        }
        w.varint(alerts.size());
        for (String a : alerts) {
            w.string(a);
        }
        w.zigzag(headLagSince).varint(headAttempts).zigzag(headNextAt);
        w.varint(replays).varint(headAdvances).varint(publishes);
        return w.toArray();
    }

    public static EntityLedger fromBytes(byte[] bytes) {
        Bytes.Reader r = new Bytes.Reader(bytes);
        int format = r.u8();
        if (format != FORMAT) {
            throw new IllegalArgumentException("entity ledger format " + format + " is not " + FORMAT);
        }
        long head = r.zigzag();
        long confirmed = r.zigzag();
        long highestRow = r.zigzag();
        int ranges = r.intVarint();
        long[] pairs = new long[2 * ranges];
        long previous = 0;
        for (int i = 0; i < pairs.length; i++) {
            previous += r.zigzag();
            pairs[i] = previous;
        }
        EntityLedger l = new EntityLedger(RevisionRanges.of(pairs));
        l.head = head;
        l.confirmed = confirmed;
        l.highestRow = highestRow;
        int pendingCount = r.intVarint();
        for (int i = 0; i < pendingCount; i++) {
            PendingRevision p = new PendingRevision(r.zigzag());
            p.snapshotSeen = r.bool();
            if (p.snapshotSeen) {
                p.bucket = r.string();
                p.objectKey = r.string();
                p.etag = r.string();
                p.snapshotHash = r.string();
                p.sizeBytes = r.zigzag();
                p.createdAt = r.zigzag();
                p.publication = EntityInput.Publication.values()[r.u8()];
                p.snapshotFirstSeen = r.zigzag();
            }
            p.rowSeen = r.bool();
            if (p.rowSeen) {
                p.rowHash = r.string();
                p.rowCommitted = r.zigzag();
            }
            p.replayAttempts = r.intVarint();
            p.replayNextAt = r.zigzag();
            p.publishAttempts = r.intVarint();
            p.publishNextAt = r.zigzag();
            l.pending.put(p.revision, p);
        }
        int alertCount = r.intVarint();
        for (int i = 0; i < alertCount; i++) {
            l.alerts.add(r.string());
        }
        l.headLagSince = r.zigzag();
        l.headAttempts = r.intVarint();
        l.headNextAt = r.zigzag();
        l.replays = r.varint();
        l.headAdvances = r.varint();
        l.publishes = r.varint();
        if (!r.atEnd()) {
            throw new IllegalArgumentException("entity ledger has trailing bytes");
        }
        return l;
    }
}
