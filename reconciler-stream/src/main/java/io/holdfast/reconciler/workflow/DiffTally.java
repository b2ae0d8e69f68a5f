package io.holdfast.reconciler.workflow;

import io.holdfast.reconciler.internal.Bytes;

/**
 * One task's counts for the current S3 diff pass: objects compared, how they compared, and the
 * repairs and alerts decided while the pass ran. A task keeps one tally, for the latest pass it saw
 * (passes are ordered by their first object's scan time).
 */
public final class DiffTally {

    private static final int FORMAT = 1;

    String passId;
    long passStartedMs = -1;
    long objectsCompared;
    long matched;
    long replayed;
    long markedPublished;
    long headLags;
    long violations;
    String lastKey;

    /** Counts an object of {@code passId}; a newer pass starts a new tally, an older one is ignored. Returns false if ignored. */
    public boolean compared(String passId, long scanTime, String objectKey, boolean wasMatched) {
        if (!passId.equals(this.passId)) {
            if (this.passId != null && scanTime < passStartedMs) {
                return false;
            }
            this.passId = passId;
            passStartedMs = scanTime;
            objectsCompared = matched = replayed = markedPublished = headLags = violations = 0;
            lastKey = null;
        }
        passStartedMs = Math.min(passStartedMs, scanTime);
        objectsCompared++;
        if (wasMatched) {
            matched++;
        }
        lastKey = objectKey;
        return true;
    }

    public void replayed() {
        replayed++;
    }

    public void markedPublished() {
        markedPublished++;
    }

    public void headLag() {
        headLags++;
    }

    public void violation() {
        violations++;
    }

    public boolean started() {
        return passId != null;
    }

    public ProgressPartial toPartial(String workflowKey, int partition, long now) {
        return new ProgressPartial(workflowKey, ProgressPartial.DIFF, partition, null, null, -1, -1, 0, null, null, null,
                -1, false, passId, passStartedMs, objectsCompared, matched, replayed, markedPublished, headLags, violations,
                lastKey, now);
    }

    public byte[] toBytes() {
        return new Bytes.Writer(64).u8(FORMAT).string(passId).zigzag(passStartedMs).varint(objectsCompared).varint(matched)
                .varint(replayed).varint(markedPublished).varint(headLags).varint(violations).string(lastKey).toArray();
    }

    public static DiffTally fromBytes(byte[] bytes) {
        Bytes.Reader r = new Bytes.Reader(bytes);
        if (r.u8() != FORMAT) {
            throw new IllegalArgumentException("unknown diff tally format");
        }
        DiffTally t = new DiffTally();
        t.passId = r.string();
        t.passStartedMs = r.zigzag();
        t.objectsCompared = r.varint();
        t.matched = r.varint();
        t.replayed = r.varint();
        t.markedPublished = r.varint();
        t.headLags = r.varint();
        t.violations = r.varint();
        t.lastKey = r.string();
        return t;
    }
}
