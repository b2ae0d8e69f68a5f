package io.holdfast.reconciler.gtid;

/**
 * A replication position's text could not be parsed. Unchecked because a malformed position is bad
 * input to be routed to a dead-letter topic, not a condition a caller can recover from in place; the
 * message names the offending text so the DLQ record explains itself.
 */
public class MalformedPositionException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public MalformedPositionException(String message) {
        super(message);
    }

    public MalformedPositionException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Message of the form {@code <flavor> position '<text>': <reason>}, text shortened if huge. */
    static MalformedPositionException of(String flavor, CharSequence text, String reason) {
        return new MalformedPositionException(flavor + " position '" + abbreviate(text) + "': " + reason);
    }

    static String abbreviate(CharSequence text) {
        String s = String.valueOf(text);
        return s.length() <= 200 ? s : s.substring(0, 200) + "...(" + s.length() + " chars)";
    }
}
