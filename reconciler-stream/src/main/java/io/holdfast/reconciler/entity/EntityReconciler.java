package io.holdfast.reconciler.entity;

import static io.holdfast.reconciler.entity.EntityInput.NONE;

import io.holdfast.schemas.Alert;
import io.holdfast.schemas.CommandIds;
import io.holdfast.schemas.ReconcileCommand;
import io.holdfast.schemas.ReconcileCommandType;
import io.holdfast.schemas.Scope;
import io.holdfast.schemas.ScopeKind;
import io.holdfast.schemas.Severity;
import io.holdfast.schemas.SnapshotRef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reconciliation of one entity (DESIGN section 4): merges an observation into its ledger, then
 * decides, from the ledger alone plus the {@link Conditions}, which repairs are due now and which
 * invariant violations are proven. Deterministic and free of I/O, so that the property tests can drive
 * it directly; the stream processor around it supplies state, time and the conditions.
 *
 * <ul>
 *   <li>Snapshot in S3, no revision row {@code grace} after the scan first listed it: {@code ReplaySnapshot},
 *       retried with backoff until the row is seen. Every repair's next attempt is due one backoff after the executor
 *       answered the previous one, or the longest backoff after it was decided when no answer came.</li>
 *   <li>Row and snapshot seen with one content hash, tag still pending {@code grace} later: {@code MarkPublished}.</li>
 *   <li>Head below the highest revision whose row and snapshot agree, for {@code grace}: {@code AdvanceHead}.
 *       A row alone never moves a head: S3 success defines a revision.</li>
 *   <li>Alerts, once each: a head lowered by an update or delete; a revision row whose snapshot a complete scan
 *       pass, started after the row was committed, did not list; content hashes that differ; a revision row
 *       updated or deleted.</li>
 *   <li>While either table is still in its initial copy, or the entity is paused, no repair is decided.</li>
 * </ul>
 */
public final class EntityReconciler {

    public static final String APP = "reconciler";

    private final ReconcileSettings settings;

    public EntityReconciler(ReconcileSettings settings) {
        this.settings = settings;
    }

    public ReconcileSettings settings() {
        return settings;
    }

    /**
     * Merges {@code input} and evaluates. Decisions are appended to {@code out}; the return value is the
     * time the entity must be looked at again, or {@link EntityInput#NONE} when nothing is outstanding.
     */
    public long apply(EntityLedger ledger, EntityInput input, long now, Conditions conditions, List<Decision> out) {
        if (input instanceof EntityInput.RevisionRow row) {
            String code = ledger.applyRow(row);
            if (code != null) {
                Map<String, String> evidence = evidence("revision", row.revision(), "change", row.change(),
                        "hash_before", row.previousHash(), "hash_after", row.hash(), "committed_ms", row.committedMs());
                alert(ledger, row.entity(), code, Long.toString(row.revision()),
                        code.equals(Alerts.REVISION_DELETED)
                                ? "revision " + row.revision() + " of " + row.entity() + " was deleted from Vitess"
                                : "revision " + row.revision() + " of " + row.entity() + " was rewritten in Vitess",
                        evidence, now, out);
                PendingRevision p = ledger.pending.get(row.revision());
                if (p != null) {
                    ledger.resolve(p); // alerted: never replayed or published on top of a rewritten history
                }
            }
        } else if (input instanceof EntityInput.Head head) {
            if (ledger.applyHead(head)) {
                alert(ledger, head.entity(), Alerts.HEAD_MOVED_BACKWARD, head.previous() + ">" + head.head(),
                        "head of " + head.entity() + " moved backward from " + head.previous()
                                + (head.change() == EntityInput.RowChange.DELETED ? " (row deleted)" : " to " + head.head()),
                        evidence("from", head.previous(), "to", head.head(), "change", head.change(),
                                "committed_ms", head.committedMs()), now, out);
            }
        } else if (input instanceof EntityInput.Snapshot snapshot) {
            ledger.applySnapshot(snapshot);
        } else if (input instanceof EntityInput.Answered answered) {
            applyAnswer(ledger, answered, now);
        }
        return evaluate(ledger, input.entity(), now, conditions, out);
    }

    /** Decides what is due for {@code entity} at {@code now}; returns the next time to look, or NONE. */
    public long evaluate(EntityLedger ledger, String entity, long now, Conditions c, List<Decision> out) {
        long wake = Long.MAX_VALUE;
        boolean mayRepair = c.copyDone() && !c.paused();
        List<PendingRevision> done = null;
        for (PendingRevision p : ledger.pending.values()) {
            if (p.hashesDisagree()) {
                alert(ledger, entity, Alerts.CONTENT_HASH_MISMATCH, Long.toString(p.revision),
                        "revision " + p.revision + " of " + entity + " has content hash " + p.rowHash
                                + " in Vitess but " + p.snapshotHash + " in S3",
                        evidence("revision", p.revision, "row_hash", p.rowHash, "snapshot_hash", p.snapshotHash,
                                "object_key", p.objectKey), now, out);
                done = add(done, p);
                continue;
            }
            if (p.snapshotSeen && p.rowSeen) {
                ledger.confirmed = Math.max(ledger.confirmed, p.revision);
                if (p.publication == EntityInput.Publication.PUBLISHED) {
                    done = add(done, p);
                    continue;
                }
                long due = Math.max(Math.max(p.snapshotFirstSeen, p.rowCommitted) + settings.graceMs(), p.publishNextAt);
                if (now < due) {
                    wake = Math.min(wake, due);
                } else if (!mayRepair) {
                    wake = Math.min(wake, now + settings.recheckMs());
                } else {
                    p.publishAttempts++;
                    p.publishNextAt = now + settings.retryBackoffMaxMs(); // sooner once the executor answers
                    ledger.publishes++;
                    out.add(repair("mark_published", ReconcileCommandType.MARK_PUBLISHED, entity, p.revision,
                            ledger.head, snapshotRef(p), p.publishAttempts, now, c,
                            evidence("row_committed_ms", p.rowCommitted, "first_seen_ms", p.snapshotFirstSeen,
                                    "publication", p.publication, "grace_ms", settings.graceMs())));
                    wake = Math.min(wake, p.publishNextAt);
                }
            } else if (p.snapshotSeen) {
                long due = Math.max(p.snapshotFirstSeen + settings.graceMs(), p.replayNextAt);
                if (now < due) {
                    wake = Math.min(wake, due);
                } else if (!mayRepair) {
                    wake = Math.min(wake, now + settings.recheckMs());
                } else {
                    p.replayAttempts++;
                    p.replayNextAt = now + settings.retryBackoffMaxMs(); // sooner once the executor answers
                    ledger.replays++;
                    out.add(repair("replay_snapshot", ReconcileCommandType.REPLAY_SNAPSHOT, entity, p.revision,
                            ledger.head, snapshotRef(p), p.replayAttempts, now, c,
                            evidence("first_seen_ms", p.snapshotFirstSeen, "grace_ms", settings.graceMs(),
                                    "highest_row", ledger.highestRow, "head", ledger.head)));
                    wake = Math.min(wake, p.replayNextAt);
                }
            } else if (p.rowSeen) {
                // The scanner lists every object that existed when its pass started; S3 success came before the
                // row, so a complete pass that started after the row's commit (plus grace for clock skew) must
                // have listed the snapshot.
                if (c.lastCompletedScanStart() > p.rowCommitted + settings.graceMs()) {
                    alert(ledger, entity, Alerts.REVISION_WITHOUT_SNAPSHOT, Long.toString(p.revision),
                            "revision " + p.revision + " of " + entity + " is in Vitess but no snapshot was found in S3",
                            evidence("revision", p.revision, "row_committed_ms", p.rowCommitted, "row_hash", p.rowHash,
                                    "scan_pass_started_ms", c.lastCompletedScanStart()), now, out);
                    done = add(done, p);
                } else {
                    wake = Math.min(wake, now + settings.recheckMs());
                }
            }
        }
        if (done != null) {
            for (PendingRevision p : done) {
                ledger.resolve(p);
            }
        }
        wake = Math.min(wake, evaluateHead(ledger, entity, now, c, mayRepair, out));
        return wake == Long.MAX_VALUE ? NONE : wake;
    }

    private long evaluateHead(EntityLedger l, String entity, long now, Conditions c, boolean mayRepair, List<Decision> out) {
        if (l.confirmed == NONE || l.head >= l.confirmed) {
            l.headLagSince = 0;
            l.headAttempts = 0;
            l.headNextAt = 0;
            return Long.MAX_VALUE;
        }
        if (l.headLagSince == 0) {
            l.headLagSince = now;
        }
        long due = Math.max(l.headLagSince + settings.graceMs(), l.headNextAt);
        if (now < due) {
            return due;
        }
        if (!mayRepair) {
            return now + settings.recheckMs();
        }
        l.headAttempts++;
        l.headNextAt = now + settings.retryBackoffMaxMs(); // sooner once the executor answers
        l.headAdvances++;
        out.add(repair("advance_head", ReconcileCommandType.ADVANCE_HEAD, entity, l.confirmed, l.head, null,
                l.headAttempts, now, c, evidence("head", l.head == NONE ? "none" : l.head, "highest_revision", l.confirmed,
                        "lag_since_ms", l.headLagSince, "grace_ms", settings.graceMs())));
        return l.headNextAt;
    }

    /**
     * An answer to the latest attempt of a repair makes the next attempt due one backoff after it; until then an
     * attempt waits the longest backoff, so a slow or stopped executor is not sent attempts it has not reached (they
     * would pile up behind it). A MarkPublished that took effect also moves the tag forward, if the snapshot was listed.
     */
    private void applyAnswer(EntityLedger l, EntityInput.Answered a, long now) {
        long next = now + settings.backoffAfter(a.attempt());
        PendingRevision p = l.pending.get(a.revision());
        switch (a.type()) {
            case REPLAY_SNAPSHOT -> {
                if (p != null && p.replayAttempts == a.attempt()) {
                    p.replayNextAt = Math.min(p.replayNextAt, next);
                }
            }
            case MARK_PUBLISHED -> {
                if (p != null && a.tookEffect() && p.snapshotSeen) {
                    p.markPublished();
                }
                if (p != null && p.publishAttempts == a.attempt()) {
                    p.publishNextAt = Math.min(p.publishNextAt, next);
                }
            }
            case ADVANCE_HEAD -> {
                if (l.headAttempts == a.attempt()) {
                    // The answer ends the wait for this attempt, whatever revision it was for: a higher revision may have
                    // been confirmed since it was sent, and an advance that reached its target then leaves nothing to
                    // wait for before the head goes on to the new one.
                    boolean targetMovedOn = a.tookEffect() && a.revision() < l.confirmed;
                    l.headNextAt = Math.min(l.headNextAt, targetMovedOn ? now : next);
                }
            }
            default -> { }
        }
    }

    private Decision repair(String code, ReconcileCommandType type, String entity, long revision, long head,
                            SnapshotRef snapshot, int attempt, long now, Conditions c, Map<String, String> evidence) {
        Long expectedHead = head == NONE ? null : head;
        String id = CommandIds.of(code, entity, revision, type == ReconcileCommandType.ADVANCE_HEAD ? expectedHead : null, attempt);
        ReconcileCommand command = ReconcileCommand.newBuilder()
                .setCommandId(id).setType(type).setEntityId(entity).setRevision(revision).setExpectedHead(expectedHead)
                .setSnapshot(snapshot).setEvidence(evidence).setDecidedTime(Instant.ofEpochMilli(now))
                .setGtidPosition(c.position()).setAttempt(attempt).build();
        return new Decision.Repair(code, command, c.dryRun());
    }

    private static void alert(EntityLedger ledger, String entity, String code, String detail, String summary,
                              Map<String, String> evidence, long now, List<Decision> out) {
        if (!ledger.remember(code + ":" + detail)) {
            return;
        }
        Alert alert = Alert.newBuilder()
                .setAlertId(CommandIds.of(code, entity, detail)).setApp(APP).setSeverity(Severity.CRITICAL).setCode(code)
                .setScope(entityScope(entity)).setSummary(summary).setEvidence(evidence)
                .setRaisedTime(Instant.ofEpochMilli(now)).build();
        out.add(new Decision.Violation(alert));
    }

    public static Scope entityScope(String entity) {
        return Scope.newBuilder().setKind(ScopeKind.ENTITY).setTarget(entity).build();
    }

    private static SnapshotRef snapshotRef(PendingRevision p) {
        return SnapshotRef.newBuilder().setBucket(p.bucket).setObjectKey(p.objectKey).setEtag(p.etag)
                .setContentHash(p.snapshotHash).setSizeBytes(p.sizeBytes == NONE ? null : p.sizeBytes)
                .setCreatedAt(p.createdAt == NONE ? null : Instant.ofEpochMilli(p.createdAt)).build();
    }

    private static Map<String, String> evidence(Object... keyValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            Object v = keyValues[i + 1];
            if (v != null) {
                m.put(keyValues[i].toString(), v.toString());
            }
        }
        return m;
    }

    private static List<PendingRevision> add(List<PendingRevision> list, PendingRevision p) {
        List<PendingRevision> l = list == null ? new ArrayList<>(2) : list;
        l.add(p);
        return l;
    }
}
