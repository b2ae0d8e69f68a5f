package io.holdfast.reconciler.cdc;

/**
 * A Kafka record could not be read as a Debezium change event. Unchecked: it is bad input for the
 * dead-letter topic, not something the caller can repair; the message is one line saying why, fit for
 * a DLQ error header.
 */
public class MalformedChangeEventException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public MalformedChangeEventException(String reason) {
        super(oneLine(reason));
    }

    public MalformedChangeEventException(String reason, Throwable cause) {
        super(oneLine(reason), cause);
    }

    private static String oneLine(String reason) {
        return reason == null ? null : reason.replace('\n', ' ').replace('\r', ' ');
    }
}
