package io.holdfast.schemas.serde.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.DatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Avro single-object encoding written with the current schema of {@code T} or with any released
 * version of it ({@link SchemaHistory}). Avro's {@code BinaryMessageDecoder} is not used for the body: it
 * decodes from a stream and so allocates whatever length a corrupt body announces; the header is parsed
 * here and the body decoded from the array ({@link BodyDecoder}). Every failure is a
 * {@link SerializationException}.
 */
public final class SingleObjectDeserializer<T extends SpecificRecord> implements Deserializer<T> {

    private final RecordType<T> type;
    private final Map<Long, DatumReader<T>> readers = new ConcurrentHashMap<>();
    private final String knownFingerprints;

    public SingleObjectDeserializer(Class<T> type) {
        this(type, SchemaHistory.of(type));
    }

    /**
     * @throws IllegalStateException if a version in {@code history} cannot be read into {@code T}: a
     *     breaking change, caught at startup rather than on the first old record
     */
    public SingleObjectDeserializer(Class<T> type, SchemaHistory history) {
        this.type = RecordType.of(type);
        List<String> fingerprints = new ArrayList<>();
        for (Schema writer : history.decodable()) {
            SchemaCompatibility.SchemaPairCompatibility compatibility =
                    SchemaCompatibility.checkReaderWriterCompatibility(this.type.schema(), writer);
            if (compatibility.getType() != SchemaCompatibilityType.COMPATIBLE) {
                throw new IllegalStateException("The current schema of " + this.type.name()
                        + " cannot read a shipped version of it: " + compatibility.getDescription());
            }
            long fingerprint = SchemaNormalization.parsingFingerprint64(writer);
            if (readers.putIfAbsent(fingerprint, this.type.readerFrom(writer)) == null) {
                fingerprints.add(RecordType.hexFingerprint(fingerprint));
            }
        }
        this.knownFingerprints = String.join(", ", fingerprints);
    }

    /** True when {@code data} starts with the single-object marker {@code C3 01}. */
    public static boolean hasMarker(byte[] data) {
        return data.length >= 2
                && data[0] == SingleObjectSerializer.MARKER_FIRST
                && data[1] == SingleObjectSerializer.MARKER_SECOND;
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (data.length < SingleObjectSerializer.HEADER_LENGTH || !hasMarker(data)) {
            throw SerdeFailures.decoding(topic, type, "no schema fingerprint", badHeader(data), null);
        }
        long fingerprint = readLongLittleEndian(data, 2);
        DatumReader<T> reader = readers.get(fingerprint);
        if (reader == null) {
            throw SerdeFailures.decoding(topic, type, seen(fingerprint), "unknown fingerprint; this build reads "
                    + knownFingerprints + ". Written by a newer release, or a record of another type", null);
        }
        try {
            return BodyDecoder.decode(reader, data, SingleObjectSerializer.HEADER_LENGTH);
        } catch (IOException | RuntimeException e) {
            throw SerdeFailures.decoding(topic, type, seen(fingerprint), "the body is truncated or corrupt: "
                    + SerdeFailures.describe(e), e);
        }
    }

    // Formatted only for an error: String.format per record was a measurable share of the health app's CPU.
    private static String seen(long fingerprint) {
        return "schema fingerprint " + RecordType.hexFingerprint(fingerprint);
    }

    private static String badHeader(byte[] data) {
        if (!hasMarker(data)) {
            String start = data.length == 0 ? "empty payload" : "payload starts with " + SerdeFailures.startOf(data);
            String hint = data.length > 0 && data[0] == 0
                    ? "; it looks like the Confluent wire format (set schema.registry.url)"
                    : "";
            return "not Avro single-object encoding (" + start + ", expected c301)" + hint;
        }
        return "payload of " + data.length + " bytes is shorter than the " + SingleObjectSerializer.HEADER_LENGTH
                + "-byte single-object header";
    }

    private static long readLongLittleEndian(byte[] data, int offset) {
        long value = 0;
        for (int i = 7; i >= 0; i--) {
            value = (value << 8) | (data[offset + i] & 0xFFL);
        }
        return value;
    }
}
