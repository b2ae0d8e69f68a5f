package io.holdfast.schemas.serde.internal;

import java.io.IOException;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;

/**
 * Decodes an Avro binary body from a byte array. Avro's array-backed decoder checks every announced length
 * against the bytes actually left, so a corrupt length fails with an exception instead of allocating what
 * it announces (up to 2 GB); that is why bodies are never decoded from a stream. The decoder object is
 * reused per thread.
 */
final class BodyDecoder {

    private static final ThreadLocal<BinaryDecoder> REUSABLE = new ThreadLocal<>();

    private BodyDecoder() {
    }

    static <T> T decode(DatumReader<T> reader, byte[] data, int offset) throws IOException {
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, offset, data.length - offset, REUSABLE.get());
        REUSABLE.set(decoder);
        T value = reader.read(null, decoder);
        if (!decoder.isEnd()) {
            // A body longer than its schema accounts for is corrupt or was written with another schema.
            throw new IOException(decoder.remainingBytes() + " bytes left over after the record");
        }
        return value;
    }
}
