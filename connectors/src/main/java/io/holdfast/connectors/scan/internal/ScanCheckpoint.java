package io.holdfast.connectors.scan.internal;

/**
 * Where the scan of one bucket/prefix stands, as committed after a page whose records were all
 * acknowledged: the pass, its start, the last key of the page (the next page starts after it), what
 * the pass has counted so far, and, once the last page is committed, its finish time. It also carries
 * the latest complete pass, so that a restarted scanner reports it without reading anything else.
 *
 * @param lastKey           null before the first page
 * @param finishedMs        null while the pass is still running
 * @param latestComplete    the latest pass that listed every object (this one once finished); null if none
 */
public record ScanCheckpoint(String passId, long passStartedMs, String lastKey, long objectsListed, long objectsEmitted,
                             long objectsSkipped, long pages, Long finishedMs, CompletedPass latestComplete) {

    /** A pass that listed every object of the prefix. */
    public record CompletedPass(String passId, long startedMs, long finishedMs) {
    }

    public boolean finished() {
        return finishedMs != null;
    }
}
