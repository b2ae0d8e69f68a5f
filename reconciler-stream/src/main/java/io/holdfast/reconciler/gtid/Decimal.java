package io.holdfast.reconciler.gtid;

/**
 * Parses unsigned decimal numbers out of a slice of a position's text without substring or boxing
 * (positions are parsed once per change event, so this is on the ingest path).
 */
final class Decimal {

    private Decimal() {
    }

    /**
     * The value of {@code text[from, to)}, which must be 1 to 19 ASCII digits and at most {@code max}.
     *
     * @param what what the number is, for the error message (e.g. "domain id")
     */
    static long parse(String flavor, String text, int from, int to, long max, String what) {
        if (from >= to) {
            throw MalformedPositionException.of(flavor, text, "missing " + what);
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw MalformedPositionException.of(flavor, text,
                        what + " '" + text.substring(from, to) + "' is not an unsigned decimal number");
            }
            int digit = c - '0';
            if (value > (max - digit) / 10) {
                throw MalformedPositionException.of(flavor, text,
                        what + " '" + text.substring(from, to) + "' is larger than " + max);
            }
            value = value * 10 + digit;
        }
        return value;
    }

    static boolean isSpace(char c) {
        return c == ' ' || c == '\n' || c == '\r' || c == '\t';
    }
}
