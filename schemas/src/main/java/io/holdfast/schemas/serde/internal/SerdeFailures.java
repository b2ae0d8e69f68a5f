package io.holdfast.schemas.serde.internal;

import org.apache.kafka.common.errors.SerializationException;

/**
 * Exceptions for records that cannot be serialized or deserialized. A decoding failure names the topic, the record type expected and the
 * schema reference seen (fingerprint or schema id), which is what a dead-letter reader needs to act.
 */
final class SerdeFailures {

    private SerdeFailures() {
    }

    static SerializationException decoding(String topic, RecordType<?> type, String schemaSeen, String problem,
            Throwable cause) {
        return new SerializationException("Cannot deserialize a record of topic '" + topic + "' as " + type.name()
                + " (" + schemaSeen + "): " + problem, cause);
    }

    static SerializationException encoding(String topic, RecordType<?> type, Throwable cause) {
        return new SerializationException("Cannot serialize " + type.name() + " for topic '" + topic + "': "
                + describe(cause), cause);
    }

    static String describe(Throwable cause) {
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    static String startOf(byte[] data) {
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < Math.min(data.length, 4); i++) {
            hex.append(String.format("%02x", data[i] & 0xFF));
        }
        return hex.toString();
    }
}
