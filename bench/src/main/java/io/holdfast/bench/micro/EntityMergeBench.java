package io.holdfast.bench.micro;

import io.holdfast.reconciler.entity.Conditions;
import io.holdfast.reconciler.entity.Decision;
import io.holdfast.reconciler.entity.EntityInput;
import io.holdfast.reconciler.entity.EntityLedger;
import io.holdfast.reconciler.entity.EntityReconciler;
import io.holdfast.reconciler.entity.ReconcileSettings;
import io.holdfast.reconciler.workflow.DiffTally;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The reconciler's per-event work on one entity, as {@code EntityProcessor.process} does it once the
 * record has left Kafka, on {@value #ENTITIES} entities that are settled (every revision's row,
 * snapshot and published tag agree, the head at the last one) with 1 to {@value #MAX_REVISIONS} revisions
 * each. Only public API is used: {@link EntityReconciler#apply} (merge and decide; the ledger's own
 * {@code applyRow}/{@code applySnapshot} are package-private), {@link EntityLedger#fromBytes} and
 * {@link EntityLedger#toBytes}.
 *
 * <ul>
 *   <li>{@link #processEvent}: decode the stored ledger, merge and decide, encode it back, and for a
 *       snapshot count it in the diff pass's tally; over the events of new revisions in the order they
 *       come: for each entity its revision row and head update (binlog, within a second) and later the
 *       snapshot a scan pass lists, which resolves the revision and settles the entity again.</li>
 *   <li>{@link #decodeSettledAndMergeRow}: a new revision's row merged into a settled entity. A row makes
 *       the ledger unsettled and nothing public puts it back, so each call needs a settled ledger of its
 *       own: it decodes one, as {@code process} does. {@link #decodeSettledLedger} is that decode alone;
 *       the merge is the difference.</li>
 *   <li>{@link #mergeSnapshotOfResolvedRevision}: a snapshot merged on its own, as every scan pass
 *       lists every object again and most are of revisions resolved long ago (such a merge changes
 *       nothing, so the same ledgers serve every call).</li>
 * </ul>
 *
 * <p>Not covered, because they are Kafka's: deserializing the input from the repartition topic, the
 * ledger store's get and put (an array stands for it here), the deadline timer index, and emitting
 * decisions (a consistent store gives none: no repair is due and no alert proven).
 */
@State(Scope.Thread)
public class EntityMergeBench {

    static final int ENTITIES = 10_000;
    static final int MAX_REVISIONS = 40;
    /** New revisions generated per entity for {@link #processEvent}; then the store is reset and they come again. */
    static final int NEW_REVISIONS = 8;
    static final long START_MS = 1_893_456_000_000L; // 2030-01-01T00:00:00Z
    static final String BUCKET = "holdfast-snapshots";
    /** How long after the commit the processor sees a binlog event, and how long after a scan lists it. */
    static final long PROCESSING_LAG_MS = 500;

    private final EntityReconciler reconciler = new EntityReconciler(ReconcileSettings.DEFAULTS);
    /** Both tables replicating, nothing paused, the last complete scan pass before any of these revisions. */
    private final Conditions conditions = new Conditions(true, false, false, START_MS - 3_600_000L, null);
    private final List<Decision> decisions = new ArrayList<>();
    private DiffTally tally = new DiffTally();

    private byte[][] settled;
    private EntityLedger[] settledLedgers;
    private EntityInput.RevisionRow[] nextRowOfSettled;
    private EntityInput.Snapshot[] relistedSnapshots;

    /** The ledger store, by entity index. */
    private byte[][] store;
    private EntityInput[] events;
    private int[] eventEntity;
    private long[] eventNowMs;

    private int nextEvent;
    private int nextEntity;

    @Setup
    public void settleEntitiesAndGenerateEvents() {
        settled = new byte[ENTITIES][];
        settledLedgers = new EntityLedger[ENTITIES];
        nextRowOfSettled = new EntityInput.RevisionRow[ENTITIES];
        relistedSnapshots = new EntityInput.Snapshot[ENTITIES];
        int[] revisions = new int[ENTITIES];
        long t = START_MS - 86_400_000L;
        for (int e = 0; e < ENTITIES; e++) {
            revisions[e] = 1 + (int) ((e * 7_919L) % MAX_REVISIONS);
            EntityLedger ledger = new EntityLedger();
            // In the writer's order: a row alone, older than the last complete scan pass, would be alerted on.
            for (int r = 1; r <= revisions[e]; r++) {
                t += 10;
                merge(ledger, snapshot(e, r, t, "pass-" + r), t + PROCESSING_LAG_MS);
                merge(ledger, row(e, r, t), t + PROCESSING_LAG_MS);
                merge(ledger, head(e, r, t), t + PROCESSING_LAG_MS);
            }
            if (!ledger.settled() || !ledger.isResolved(revisions[e])) {
                throw new IllegalStateException("entity " + e + " did not settle: " + ledger.resolvedRanges());
            }
            settled[e] = ledger.toBytes();
            settledLedgers[e] = EntityLedger.fromBytes(settled[e]);
            nextRowOfSettled[e] = row(e, revisions[e] + 1, START_MS);
            relistedSnapshots[e] = snapshot(e, 1 + e % revisions[e], t, "pass-later");
        }

        events = new EntityInput[3 * NEW_REVISIONS * ENTITIES];
        eventEntity = new int[events.length];
        eventNowMs = new long[events.length];
        int i = 0;
        t = START_MS;
        for (int k = 1; k <= NEW_REVISIONS; k++) {
            for (int e = 0; e < ENTITIES; e++, i++, t++) {
                events[i] = row(e, revisions[e] + k, t);
                eventEntity[i] = e;
                eventNowMs[i] = t + PROCESSING_LAG_MS;
            }
            for (int e = 0; e < ENTITIES; e++, i++, t++) {
                events[i] = head(e, revisions[e] + k, t);
                eventEntity[i] = e;
                eventNowMs[i] = t + PROCESSING_LAG_MS;
            }
            for (int e = 0; e < ENTITIES; e++, i++, t++) {
                events[i] = snapshot(e, revisions[e] + k, t, "pass-" + k);
                eventEntity[i] = e;
                eventNowMs[i] = t + PROCESSING_LAG_MS;
            }
        }
        store = settled.clone();
    }

    @Benchmark
    public void processEvent(Blackhole blackhole) {
        int i = nextEvent();
        EntityInput input = events[i];
        int entity = eventEntity[i];
        long now = eventNowMs[i];
        EntityLedger ledger = EntityLedger.fromBytes(store[entity]);
        decisions.clear();
        long wake = reconciler.apply(ledger, input, now, conditions, decisions);
        store[entity] = ledger.toBytes();
        if (input instanceof EntityInput.Snapshot s) {
            blackhole.consume(tally.compared(s.passId(), s.scanTime(), s.objectKey(), ledger.isResolved(s.revision())));
        }
        blackhole.consume(wake);
        blackhole.consume(decisions.size());
    }

    @Benchmark
    public EntityLedger decodeSettledAndMergeRow(Blackhole blackhole) {
        int e = nextEntity();
        EntityLedger ledger = EntityLedger.fromBytes(settled[e]);
        decisions.clear();
        blackhole.consume(reconciler.apply(ledger, nextRowOfSettled[e], START_MS + PROCESSING_LAG_MS, conditions, decisions));
        return ledger;
    }

    @Benchmark
    public EntityLedger decodeSettledLedger() {
        return EntityLedger.fromBytes(settled[nextEntity()]);
    }

    @Benchmark
    public long mergeSnapshotOfResolvedRevision() {
        int e = nextEntity();
        decisions.clear();
        return reconciler.apply(settledLedgers[e], relistedSnapshots[e], START_MS + PROCESSING_LAG_MS, conditions, decisions);
    }

    /**
     * Past the last generated event the store is put back as it was, so the same new revisions are new
     * again, and the tally starts afresh (it would ignore passes that began before the last one it saw).
     */
    private int nextEvent() {
        int i = nextEvent;
        if (++nextEvent == events.length) {
            nextEvent = 0;
            System.arraycopy(settled, 0, store, 0, ENTITIES);
            tally = new DiffTally();
        }
        return i;
    }

    private int nextEntity() {
        int e = nextEntity;
        nextEntity = e + 1 == ENTITIES ? 0 : e + 1;
        return e;
    }

    private void merge(EntityLedger ledger, EntityInput input, long now) {
        decisions.clear();
        reconciler.apply(ledger, input, now, conditions, decisions);
        if (!decisions.isEmpty()) {
            throw new IllegalStateException("a consistent entity got decisions: " + decisions);
        }
    }

    private static String entity(int e) {
        return "e-" + e;
    }

    private static EntityInput.RevisionRow row(int e, int revision, long committedMs) {
        return new EntityInput.RevisionRow(entity(e), revision, EntityInput.RowChange.INSERTED, contentHash(e, revision), null,
                committedMs);
    }

    private static EntityInput.Head head(int e, int revision, long committedMs) {
        return revision == 1
                ? new EntityInput.Head(entity(e), EntityInput.RowChange.INSERTED, revision, EntityInput.NONE, committedMs)
                : new EntityInput.Head(entity(e), EntityInput.RowChange.UPDATED, revision, revision - 1, committedMs);
    }

    /** Listed by a scan pass at {@code scanTime}, published, with the same content hash as the revision's row. */
    private static EntityInput.Snapshot snapshot(int e, int revision, long scanTime, String passId) {
        SplittableRandom random = new SplittableRandom(((long) e << 24) ^ revision ^ 0x5eed);
        String etag = String.format(Locale.ROOT, "\"%016x%016x\"", random.nextLong(), random.nextLong());
        return new EntityInput.Snapshot(entity(e), revision, BUCKET, "entities/" + entity(e) + "/" + revision, etag,
                contentHash(e, revision), 1_024 + (e * 31L + revision * 17L) % 4_096, scanTime - 1_000,
                EntityInput.Publication.PUBLISHED, passId, scanTime);
    }

    /** A sha256-shaped hash, the same for a revision's row and its snapshot. */
    private static String contentHash(int e, int revision) {
        SplittableRandom random = new SplittableRandom(((long) e << 24) ^ revision);
        return String.format(Locale.ROOT, "sha256:%016x%016x%016x%016x", random.nextLong(), random.nextLong(),
                random.nextLong(), random.nextLong());
    }
}
