package io.holdfast.connectors.scan;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * One pass as it ended in this process.
 *
 * @param completed      every object was listed (false: stopped on request, resumes at the next start)
 * @param resumed        this process resumed the pass from a checkpoint
 * @param pagesThisRun   pages listed by this process (the rest by the run that was interrupted)
 * @param finished       null unless completed
 */
public record PassSummary(String passId, boolean completed, boolean resumed, Instant started, Instant finished, long pages,
                          long pagesThisRun, long objectsListed, long objectsEmitted, long objectsSkipped) {

    /** Start to finish, across restarts; null unless completed. */
    public Duration duration() {
        return finished == null ? null : Duration.between(started, finished);
    }

    public String oneLine() {
        String what = completed
                ? String.format(Locale.ROOT, "pass %s completed in %.1f s", passId, duration().toMillis() / 1000.0)
                : "pass " + passId + " stopped before its end (it resumes from its checkpoint)";
        return String.format(Locale.ROOT, "%s%s: %d pages (%d by this run), %d objects listed, %d emitted, %d skipped", what,
                resumed ? " (resumed)" : "", pages, pagesThisRun, objectsListed, objectsEmitted, objectsSkipped);
    }
}
