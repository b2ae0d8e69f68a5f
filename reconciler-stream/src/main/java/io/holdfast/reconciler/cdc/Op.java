package io.holdfast.reconciler.cdc;

/** Debezium's {@code op} field: what happened to the row (or, for TRUNCATE/MESSAGE, the table). */
public enum Op {
    /** {@code c}: a row was inserted; {@code after} holds it. */
    CREATE('c'),
    /** {@code u}: a row was updated; {@code after} holds the new state, {@code before} the old if captured. */
    UPDATE('u'),
    /** {@code d}: a row was deleted; {@code before} holds it. */
    DELETE('d'),
    /** {@code r}: a row was read by a snapshot (initial copy); {@code after} holds it. */
    READ('r'),
    /** {@code t}: the table was truncated; no row. */
    TRUNCATE('t'),
    /** {@code m}: a logical message; no row. */
    MESSAGE('m');

    private final char code;

    Op(char code) {
        this.code = code;
    }

    /** The one-letter code Debezium writes. */
    public char code() {
        return code;
    }

    /** The op for a Debezium code, or null if {@code code} is not one of c, u, d, r, t, m. */
    public static Op fromCode(String code) {
        if (code == null || code.length() != 1) {
            return null;
        }
        return switch (code.charAt(0)) {
            case 'c' -> CREATE;
            case 'u' -> UPDATE;
            case 'd' -> DELETE;
            case 'r' -> READ;
            case 't' -> TRUNCATE;
            case 'm' -> MESSAGE;
            default -> null;
        };
    }

    /** Whether the event carries the row's state after the change in {@code after} (c, u, r). */
    public boolean hasAfter() {
        return this == CREATE || this == UPDATE || this == READ;
    }
}
