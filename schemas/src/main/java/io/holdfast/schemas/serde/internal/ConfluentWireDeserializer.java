package io.holdfast.schemas.serde.internal;

import io.holdfast.schemas.serde.SchemaRegistryClient;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.io.DatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads the Confluent wire format, resolving each schema id once through the registry. Records in Avro
 * single-object encoding (marker {@code C3 01}, which no Confluent record starts with) are read as well, so
 * a topic written before the registry was switched on stays readable.
 *
 * <p>What is wrong with a record (bad magic byte, unknown id, unreadable writer schema, corrupt body) is a
 * {@link org.apache.kafka.common.errors.SerializationException}; a registry that cannot be reached is a
 * {@link io.holdfast.schemas.serde.SchemaRegistryException}, which must not send good records to a
 * dead-letter topic.
 */
public final class ConfluentWireDeserializer<T extends SpecificRecord> implements Deserializer<T> {

    private final RecordType<T> type;
    private final SchemaRegistryClient registry;
    private final SingleObjectDeserializer<T> singleObject;
    private final Map<Integer, DatumReader<T>> readersById = new ConcurrentHashMap<>();

    public ConfluentWireDeserializer(Class<T> type, SchemaRegistryClient registry) {
        this.type = RecordType.of(type);
        this.registry = registry;
        this.singleObject = new SingleObjectDeserializer<>(type);
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (SingleObjectDeserializer.hasMarker(data)) {
            return singleObject.deserialize(topic, data);
        }
        if (data.length < ConfluentWireSerializer.HEADER_LENGTH) {
            throw SerdeFailures.decoding(topic, type, "no schema id", "payload of " + data.length
                    + " bytes is shorter than the 5-byte Confluent header", null);
        }
        if (data[0] != ConfluentWireSerializer.MAGIC) {
            throw SerdeFailures.decoding(topic, type, "no schema id", "unknown magic byte "
                    + String.format("0x%02x", data[0] & 0xFF) + " (payload starts with " + SerdeFailures.startOf(data)
                    + "; the Confluent wire format starts with 0x00)", null);
        }
        int schemaId = ((data[1] & 0xFF) << 24) | ((data[2] & 0xFF) << 16) | ((data[3] & 0xFF) << 8) | (data[4] & 0xFF);
        String seen = "schema id " + schemaId;
        DatumReader<T> reader = readersById.get(schemaId);
        if (reader == null) {
            reader = readerFor(topic, schemaId, seen);
            readersById.putIfAbsent(schemaId, reader);
        }
        try {
            return BodyDecoder.decode(reader, data, ConfluentWireSerializer.HEADER_LENGTH);
        } catch (IOException | RuntimeException e) {
            throw SerdeFailures.decoding(topic, type, seen, "the body is truncated or corrupt: "
                    + SerdeFailures.describe(e), e);
        }
    }

    private DatumReader<T> readerFor(String topic, int schemaId, String seen) {
        Schema writer;
        try {
            writer = registry.schemaById(schemaId).orElseThrow(() -> SerdeFailures.decoding(topic, type, seen,
                    "the registry has no schema with this id", null));
        } catch (AvroRuntimeException e) {
            throw SerdeFailures.decoding(topic, type, seen, "the registry's schema is not usable: " + e.getMessage(), e);
        }
        SchemaCompatibility.SchemaPairCompatibility compatibility =
                SchemaCompatibility.checkReaderWriterCompatibility(type.schema(), writer);
        if (compatibility.getType() != SchemaCompatibilityType.COMPATIBLE) {
            throw SerdeFailures.decoding(topic, type, seen, "written with " + writer.getFullName()
                    + ", which this type cannot read: " + compatibility.getDescription(), null);
        }
        return type.readerFrom(writer);
    }
}
