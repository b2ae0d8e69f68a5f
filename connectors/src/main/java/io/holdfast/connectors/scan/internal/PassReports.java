package io.holdfast.connectors.scan.internal;

import io.holdfast.schemas.DiffPass;
import io.holdfast.schemas.DiffPassState;
import io.holdfast.schemas.WorkflowPhase;
import io.holdfast.schemas.WorkflowProgress;
import java.time.Instant;

/**
 * The scanner's progress as the reconciler reads it from {@code state.workflow}: one record per
 * bucket/prefix whose {@code diff_pass} is the pass being listed (or last listed), and whose copy
 * times are those of the latest complete pass. Every enum field is set explicitly: an enum left to
 * its Avro default fails here.
 */
public final class PassReports {

    public static final String WORKFLOW = "s3-scan";

    private PassReports() {
    }

    /**
     * The key on {@code state.workflow}. The reconciler reads it as {@code WorkflowKeys.scan(bucket, prefix)};
     * connectors does not depend on reconciler-stream, so the same string is built here.
     */
    public static String key(String bucket, String prefix) {
        return "s3:" + bucket + "/" + prefix;
    }

    /** The pass of {@code checkpoint} while it runs (or once finished), the scanner healthy. */
    public static WorkflowProgress progress(String bucket, String prefix, ScanCheckpoint checkpoint, Instant now) {
        return build(bucket, prefix, checkpoint, WorkflowPhase.REPLICATING, null, now);
    }

    /** The scanner stopped by an error: {@code message} says why; the pass stays as far as it got. */
    public static WorkflowProgress stopped(String bucket, String prefix, ScanCheckpoint checkpoint, String message, Instant now) {
        return build(bucket, prefix, checkpoint, WorkflowPhase.STOPPED, message, now);
    }

    private static WorkflowProgress build(String bucket, String prefix, ScanCheckpoint c, WorkflowPhase phase, String message,
                                          Instant now) {
        DiffPass pass = DiffPass.newBuilder()
                .setPassId(c.passId())
                .setState(c.finished() ? DiffPassState.COMPLETED : DiffPassState.RUNNING)
                // The reconciler calls its diff of a pass complete once it compared this many records:
                // count what was emitted, not what was skipped (those never reach it).
                .setObjectsCompared(c.objectsEmitted())
                .setMatched(0).setReplayed(0).setMarkedPublished(0).setHeadLags(0).setViolations(0)
                .setLastKey(c.lastKey())
                .setStartedTime(Instant.ofEpochMilli(c.passStartedMs()))
                .setFinishedTime(c.finished() ? Instant.ofEpochMilli(c.finishedMs()) : null)
                .build();
        ScanCheckpoint.CompletedPass latest = c.latestComplete();
        return WorkflowProgress.newBuilder()
                .setWorkflow(WORKFLOW)
                .setStream("s3:" + bucket)
                .setTable(prefix)
                .setPhase(phase)
                .setMessage(message)
                .setLastCopiedKey(null)
                .setRowsCopied(0)
                .setCopyStartedTime(latest == null ? null : Instant.ofEpochMilli(latest.startedMs()))
                .setCopyFinishedTime(latest == null ? null : Instant.ofEpochMilli(latest.finishedMs()))
                .setGtidPosition(null)
                .setLastEventTime(null)
                .setDiffPass(pass)
                .setUpdatedTime(now)
                .build();
    }
}
