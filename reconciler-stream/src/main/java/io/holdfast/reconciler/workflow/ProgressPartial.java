package io.holdfast.reconciler.workflow;

/**
 * One task's share of a workflow's progress, sent to the workflow processor keyed by workflow key:
 * either the change stream of one table as one source partition saw it ({@code kind = cdc}), or one
 * task's counts for an S3 diff pass ({@code kind = diff}). Every field is absolute (not a delta), so a
 * redelivered partial changes nothing. Internal to the reconciler (JSON on its own topic).
 */
public record ProgressPartial(
        String workflowKey,
        String kind,
        int partition,
        // kind = cdc
        String stream,
        String table,
        long copyStartedMs,
        long copyFinishedMs,
        long rowsCopied,
        String lastCopiedKey,
        String positionFlavor,
        String position,
        long lastEventMs,
        boolean streamed,
        // kind = diff
        String passId,
        long passStartedMs,
        long objectsCompared,
        long matched,
        long replayed,
        long markedPublished,
        long headLags,
        long violations,
        String lastKey,
        long updatedMs) {

    public static final String CDC = "cdc";
    public static final String DIFF = "diff";

    public String partialKey() {
        return workflowKey + "#" + partition;
    }
}
