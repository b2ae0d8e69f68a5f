package io.holdfast.schemas.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;

/**
 * Byte layouts built independently of the code under test, from Avro's generic API and the format
 * specifications, so that a test compares the serdes against the formats rather than against themselves.
 */
public final class Encodings {

    private Encodings() {
    }

    /** Avro binary encoding of a generic {@code datum} (timestamps as longs) under {@code schema}. */
    public static byte[] body(Schema schema, Object datum) {
        return body(schema, datum, GenericData.get());
    }

    /** Avro binary encoding of {@code datum} under {@code schema}, with the conversions of {@code model}. */
    public static byte[] body(Schema schema, Object datum, GenericData model) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        try {
            new GenericDatumWriter<>(schema, model).write(datum, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Single-object encoding per the Avro specification: C3 01, little-endian CRC-64-AVRO, body. */
    public static byte[] singleObject(Schema schema, Object datum) {
        return singleObjectWithFingerprint(SchemaNormalization.parsingFingerprint64(schema), body(schema, datum));
    }

    public static byte[] singleObjectWithFingerprint(long fingerprint, byte[] body) {
        ByteBuffer buffer = ByteBuffer.allocate(10 + body.length).order(ByteOrder.LITTLE_ENDIAN);
        buffer.put((byte) 0xC3).put((byte) 0x01).putLong(fingerprint).put(body);
        return buffer.array();
    }

    /** The Confluent wire format: magic 0, big-endian schema id, body. */
    public static byte[] confluent(int schemaId, byte[] body) {
        return ByteBuffer.allocate(5 + body.length).put((byte) 0).putInt(schemaId).put(body).array();
    }

    /** Decodes an Avro body written with {@code writer} into a generic record of {@code reader}. */
    public static GenericRecord readGeneric(byte[] body, Schema writer, Schema reader) {
        try {
            return new GenericDatumReader<GenericRecord>(writer, reader, GenericData.get())
                    .read(null, DecoderFactory.get().binaryDecoder(body, null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] withoutHeader(byte[] payload, int headerLength) {
        return Arrays.copyOfRange(payload, headerLength, payload.length);
    }
}
