package io.holdfast.connectors.binlog;

import java.util.Optional;

/**
 * The binlog source at one moment.
 *
 * @param eventsCaptured change events forwarded and acknowledged since start (copied rows included)
 * @param eventsPerSecond rate over the last interval between two status reads
 * @param copiedRows rows forwarded by copies (op {@code r}) since start
 * @param lagMillis now minus the source commit time of the last streamed event; empty before the first
 * @param behindSourceMillis Debezium's own MilliSecondsBehindSource, when its MBean is there
 * @param streaming the connector reads the binlog
 */
public record BinlogStatus(long eventsCaptured, double eventsPerSecond, long copiedRows, Optional<Long> lagMillis,
                           Optional<Long> behindSourceMillis, boolean streaming) {

    /** What was done, without the current state: for the line printed after a stop. */
    public String totals() {
        return String.format("%d events captured, %d rows copied", eventsCaptured, copiedRows);
    }

    public String oneLine() {
        return String.format("%s, %d events captured (%.0f/s), %d rows copied, lag %s",
                streaming ? "streaming" : "not streaming yet", eventsCaptured, eventsPerSecond, copiedRows,
                lagMillis.map(ms -> ms + " ms").orElse("unknown (no event streamed yet)"));
    }
}
