package io.holdfast.connectors.scan.internal;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/** Names passes after their start time, never twice the same name in a row. */
public final class PassIds {

    private final DateTimeFormatter format;

    public PassIds(DateTimeFormatter format) {
        this.format = format;
    }

    /**
     * The name of a pass starting at {@code start}. A coarse pattern (e.g. whole minutes) could name
     * two passes alike, and the reconciler tells passes apart by name only: a repeat of the previous
     * name gets a counter ({@code <name>-2}, {@code <name>-3}, ...).
     */
    public String next(Instant start, String previous) {
        String id = format.format(start);
        if (previous == null) {
            return id;
        }
        if (previous.equals(id)) {
            return id + "-2";
        }
        Optional<Long> repeat = previous.startsWith(id + "-")
                ? ObjectKeys.parseDecimal(previous.substring(id.length() + 1)) : Optional.empty();
        return repeat.map(n -> id + "-" + (n + 1)).orElse(id);
    }
}
