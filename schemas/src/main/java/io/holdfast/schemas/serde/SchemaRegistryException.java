package io.holdfast.schemas.serde;

import org.apache.kafka.common.KafkaException;

/**
 * The Schema Registry could not be used: it is unreachable (after the configured retries), refused the
 * credentials, rejected a schema, or answered something unexpected. Deliberately not a
 * {@link org.apache.kafka.common.errors.SerializationException}: a record that cannot be read because the
 * registry is down is not a bad record, and must not be sent to a dead-letter topic.
 */
public class SchemaRegistryException extends KafkaException {

    private static final long serialVersionUID = 1L;

    private final int httpStatus;
    private final int errorCode;
    private final boolean retriable;

    public SchemaRegistryException(String message, int httpStatus, int errorCode, boolean retriable, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
        this.retriable = retriable;
    }

    /** HTTP status of the last answer, or 0 when no answer was received. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The registry's {@code error_code} (e.g. 40401, 409, 42201), or 0 when it gave none. */
    public int errorCode() {
        return errorCode;
    }

    /** True when the failure is transient (unreachable, 429, 5xx): the same call may succeed later. */
    public boolean retriable() {
        return retriable;
    }
}
