package io.holdfast.connectors.scan;

import java.util.List;

/**
 * Hooks into a scan, called on the scanner's thread: for the command line's per-pass lines and for
 * tests (e.g. to stop the scanner after some pages, or to change the bucket between a listing and
 * the reads that follow it). A hook that throws fails the scan.
 */
public interface ScanListener {

    ScanListener NONE = new ScanListener() {
    };

    /** A page was listed; its objects' metadata and tags are read next. */
    default void pageListed(String passId, List<String> keys) {
    }

    /** A page's records were acknowledged and its checkpoint committed. */
    default void pageCommitted(ScanStatus status) {
    }

    /** A pass ended: every object listed, or stopped on request (it resumes at the next start). */
    default void passEnded(PassSummary summary) {
    }
}
