package io.holdfast.reconciler.workflow;

import io.holdfast.reconciler.entity.EntityReconciler;
import io.holdfast.reconciler.gtid.ReplicationPosition;
import io.holdfast.schemas.DiffPass;
import io.holdfast.schemas.DiffPassState;
import io.holdfast.schemas.GtidFlavor;
import io.holdfast.schemas.WorkflowPhase;
import io.holdfast.schemas.WorkflowProgress;
import java.time.Instant;
import java.util.List;

/**
 * Puts the partials of one workflow key back together into the {@link WorkflowProgress} published on
 * {@code state.workflow}. Pure functions of the partials, so the result does not depend on the order
 * the partials came in.
 */
public final class WorkflowMerge {

    private WorkflowMerge() {
    }

    /**
     * A table's change stream: COPYING from the latest copy's first row until its last row, REPLICATING
     * once a copy finished or, without any copy, once changes stream; UNKNOWN before anything is known
     * (readers treat UNKNOWN as COPYING).
     */
    public static WorkflowProgress mergeCdc(String workflowKey, List<ProgressPartial> partials, long now) {
        long started = -1;
        long finished = -1;
        long rows = 0;
        boolean streamed = false;
        long lastEvent = -1;
        String lastKey = null;
        long lastKeyAt = Long.MIN_VALUE;
        ReplicationPosition position = null;
        String stream = null;
        String table = null;
        for (ProgressPartial p : partials) {
            stream = p.stream();
            table = p.table();
            started = Math.max(started, p.copyStartedMs());
            finished = Math.max(finished, p.copyFinishedMs());
            rows += p.rowsCopied();
            streamed |= p.streamed();
            lastEvent = Math.max(lastEvent, p.lastEventMs());
            if (p.lastCopiedKey() != null && p.updatedMs() >= lastKeyAt) {
                lastKey = p.lastCopiedKey();
                lastKeyAt = p.updatedMs();
            }
            if (p.position() != null) {
                ReplicationPosition q = ReplicationPosition.parse(GtidFlavor.valueOf(p.positionFlavor()), p.position());
                position = position == null || position.flavor() != q.flavor() ? q : position.merge(q);
            }
        }
        for (ProgressPartial p : partials) {
            // Debezium's own chunk boundary of the current incremental copy: where it resumes after a crash.
            if (p.partition() < 0 && p.lastCopiedKey() != null && p.copyStartedMs() == started) {
                lastKey = p.lastCopiedKey();
            }
        }
        WorkflowPhase phase;
        if (started >= 0) {
            phase = finished >= started ? WorkflowPhase.REPLICATING : WorkflowPhase.COPYING;
        } else {
            phase = streamed ? WorkflowPhase.REPLICATING : WorkflowPhase.UNKNOWN;
        }
        return WorkflowProgress.newBuilder()
                .setWorkflow(EntityReconciler.APP).setStream(stream == null ? workflowKey : stream)
                .setTable(table == null ? "" : table).setPhase(phase)
                .setLastCopiedKey(lastKey).setRowsCopied(rows)
                .setCopyStartedTime(started < 0 ? null : Instant.ofEpochMilli(started))
                .setCopyFinishedTime(finished < 0 || finished < started ? null : Instant.ofEpochMilli(finished))
                .setGtidPosition(position == null ? null : position.toAvro())
                .setLastEventTime(lastEvent < 0 ? null : Instant.ofEpochMilli(lastEvent))
                .setUpdatedTime(Instant.ofEpochMilli(now)).build();
    }

    /**
     * The diff of the latest pass: the counts of every task for that pass, COMPLETED once the scanner
     * reports the pass complete (every object listed) and the reconciler has compared at least as many
     * objects of it. {@code copy_started_time}/{@code copy_finished_time} carry the latest COMPLETED pass
     * (this one, or {@code previousComplete} = {start, finish} of an earlier one, or null): a revision row
     * committed before such a pass started must have had its snapshot compared in it.
     */
    public static WorkflowProgress mergeDiff(String workflowKey, String bucket, String prefix,
                                             List<ProgressPartial> partials, WorkflowProgress scanner,
                                             long[] previousComplete, long now) {
        String pass = null;
        long passStarted = Long.MAX_VALUE;
        for (ProgressPartial p : partials) {
            if (p.passId() != null && (pass == null || p.passStartedMs() > passStarted
                    || (p.passStartedMs() == passStarted && p.passId().compareTo(pass) > 0))) {
                pass = p.passId();
                passStarted = p.passStartedMs();
            }
        }
        if (pass == null) {
            return null;
        }
        long compared = 0, matched = 0, replayed = 0, marked = 0, lags = 0, violations = 0;
        String lastKey = null;
        long lastKeyAt = Long.MIN_VALUE;
        for (ProgressPartial p : partials) {
            if (!pass.equals(p.passId())) {
                continue;
            }
            passStarted = Math.min(passStarted, p.passStartedMs());
            compared += p.objectsCompared();
            matched += p.matched();
            replayed += p.replayed();
            marked += p.markedPublished();
            lags += p.headLags();
            violations += p.violations();
            if (p.lastKey() != null && p.updatedMs() >= lastKeyAt) {
                lastKey = p.lastKey();
                lastKeyAt = p.updatedMs();
            }
        }
        DiffPass scanned = scanner == null ? null : scanner.getDiffPass();
        boolean complete = scanned != null && pass.equals(scanned.getPassId())
                && scanned.getState() == DiffPassState.COMPLETED && compared >= scanned.getObjectsCompared();
        DiffPass diff = DiffPass.newBuilder()
                .setPassId(pass).setState(complete ? DiffPassState.COMPLETED : DiffPassState.RUNNING)
                .setObjectsCompared(compared).setMatched(matched).setReplayed(replayed).setMarkedPublished(marked)
                .setHeadLags(lags).setViolations(violations).setLastKey(lastKey)
                .setStartedTime(Instant.ofEpochMilli(passStarted))
                .setFinishedTime(complete ? scanned.getFinishedTime() : null).build();
        long[] lastComplete = complete
                ? new long[] {scanned.getStartedTime().toEpochMilli(), scanned.getFinishedTime() == null ? now : scanned.getFinishedTime().toEpochMilli()}
                : previousComplete;
        return WorkflowProgress.newBuilder()
                .setWorkflow(EntityReconciler.APP).setStream("diff:" + bucket).setTable(prefix)
                .setPhase(WorkflowPhase.REPLICATING).setDiffPass(diff)
                .setCopyStartedTime(lastComplete == null ? null : Instant.ofEpochMilli(lastComplete[0]))
                .setCopyFinishedTime(lastComplete == null ? null : Instant.ofEpochMilli(lastComplete[1]))
                .setUpdatedTime(Instant.ofEpochMilli(now)).build();
    }
}
