package io.holdfast.schemas.serde.internal;

import java.io.IOException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

/** Writes Avro single-object encoding: {@code C3 01}, the schema's fingerprint (little-endian), the body. */
public final class SingleObjectSerializer<T extends SpecificRecord> implements Serializer<T> {

    static final byte MARKER_FIRST = (byte) 0xC3;
    static final byte MARKER_SECOND = (byte) 0x01;
    static final int HEADER_LENGTH = 10;

    private final RecordType<T> type;

    public SingleObjectSerializer(Class<T> type) {
        this.type = RecordType.of(type);
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        EncodeScratch scratch = EncodeScratch.start();
        scratch.writeByte(MARKER_FIRST);
        scratch.writeByte(MARKER_SECOND);
        scratch.writeLongLittleEndian(type.fingerprint());
        try {
            type.writer().write(data, scratch.encoder());
        } catch (IOException | RuntimeException e) {
            throw SerdeFailures.encoding(topic, type, e);
        }
        return scratch.toByteArray();
    }
}
