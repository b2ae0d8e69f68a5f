package io.holdfast.connectors.scan;

import java.util.Locale;

/**
 * Where the scanner stands: the pass in progress (or the last one) and its counts so far, across
 * restarts of the pass; the listing rate is this run's.
 *
 * @param passId         null before the first pass
 * @param lastKey        null before the first page of the pass
 * @param objectsPerSecond objects listed per second since this process started (or resumed) the pass
 */
public record ScanStatus(State state, String passId, boolean resumed, long pages, long objectsListed, long objectsEmitted,
                         long objectsSkipped, String lastKey, double objectsPerSecond, long passesCompleted) {

    /** LISTING a pass; COMPLETED its last pass; WAITING for the next pass; STOPPED (on request or by an error). */
    public enum State { STARTING, LISTING, COMPLETED, WAITING, STOPPED }

    static ScanStatus starting() {
        return new ScanStatus(State.STARTING, null, false, 0, 0, 0, 0, null, 0, 0);
    }

    ScanStatus withState(State next) {
        return new ScanStatus(next, passId, resumed, pages, objectsListed, objectsEmitted, objectsSkipped, lastKey,
                objectsPerSecond, passesCompleted);
    }

    /** One line for an operator: pass, pages, objects, rate, last key. */
    public String oneLine() {
        if (passId == null) {
            return state.name().toLowerCase(Locale.ROOT);
        }
        return String.format(Locale.ROOT, "%s pass %s%s: %d pages, %d objects listed (%d emitted, %d skipped), %.0f objects/s, last key %s",
                state.name().toLowerCase(Locale.ROOT), passId, resumed ? " (resumed)" : "", pages, objectsListed, objectsEmitted,
                objectsSkipped, objectsPerSecond, lastKey == null ? "-" : lastKey);
    }
}
