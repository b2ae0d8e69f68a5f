package io.holdfast.connectors.binlog;

/**
 * The binlog source cannot start or stopped on its own. The message is the one line an operator reads:
 * what failed, where, and what to check; the cause is kept for the log.
 */
public final class BinlogSourceException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public BinlogSourceException(String message) {
        super(message);
    }

    public BinlogSourceException(String message, Throwable cause) {
        super(message, cause);
    }
}
