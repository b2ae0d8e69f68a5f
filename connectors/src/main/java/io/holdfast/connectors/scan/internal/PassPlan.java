package io.holdfast.connectors.scan.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What the next pass is, decided from the last committed checkpoint alone: an unfinished pass is
 * resumed under its own id after its last key, with its counts; otherwise a new pass starts from
 * the beginning of the prefix and remembers the finished one as the latest complete pass.
 *
 * @param startAfter null to list from the beginning of the prefix
 */
public record PassPlan(String passId, long startedMs, String startAfter, long objectsListed, long objectsEmitted,
                       long objectsSkipped, long pages, boolean resumed, ScanCheckpoint.CompletedPass latestComplete) {

    public static PassPlan next(Optional<ScanCheckpoint> last, Instant now, PassIds ids) {
        if (last.isPresent() && !last.get().finished()) {
            ScanCheckpoint c = last.get();
            return new PassPlan(c.passId(), c.passStartedMs(), c.lastKey(), c.objectsListed(), c.objectsEmitted(),
                    c.objectsSkipped(), c.pages(), true, c.latestComplete());
        }
        ScanCheckpoint.CompletedPass latest = last.map(ScanCheckpoint::latestComplete).orElse(null);
        String previousId = last.map(ScanCheckpoint::passId).orElse(null);
        return new PassPlan(ids.next(now, previousId), now.toEpochMilli(), null, 0, 0, 0, 0, false, latest);
    }

    /**
     * When a continuous scanner may start its next pass: at once to resume an unfinished pass or when
     * there was none, else {@code interval} after the last pass started (a restart keeps the rhythm).
     */
    public static Instant dueAt(Optional<ScanCheckpoint> last, Duration interval) {
        if (last.isEmpty() || !last.get().finished()) {
            return Instant.EPOCH;
        }
        return Instant.ofEpochMilli(last.get().passStartedMs()).plus(interval);
    }

    /** The checkpoint of this pass with no page committed yet in this run. */
    public ScanCheckpoint asCheckpoint() {
        return new ScanCheckpoint(passId, startedMs, startAfter, objectsListed, objectsEmitted, objectsSkipped, pages, null,
                latestComplete);
    }
}
