package io.holdfast.schemas.serde.internal;

import java.io.OutputStream;
import java.util.Arrays;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * A per-thread output buffer and Avro encoder, so that serializing a record allocates only the returned
 * byte array. Serializers are shared by stream threads, hence per thread rather than per serializer; a
 * serialize call never nests, so one scratch per thread suffices.
 */
final class EncodeScratch {

    private static final int INITIAL_CAPACITY = 1024;
    /** A rare huge record must not pin its buffer to the thread for good. */
    private static final int RETAINED_CAPACITY_LIMIT = 1024 * 1024;
    private static final ThreadLocal<EncodeScratch> PER_THREAD = ThreadLocal.withInitial(EncodeScratch::new);

    private byte[] buffer = new byte[INITIAL_CAPACITY];
    private int size;
    private final BinaryEncoder encoder;

    private EncodeScratch() {
        OutputStream sink = new OutputStream() {
            @Override
            public void write(int b) {
                ensureCapacity(1);
                buffer[size++] = (byte) b;
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
                ensureCapacity(length);
                System.arraycopy(bytes, offset, buffer, size, length);
                size += length;
            }
        };
        // The direct encoder writes straight into the sink: no intermediate buffer to flush.
        this.encoder = EncoderFactory.get().directBinaryEncoder(sink, null);
    }

    /** The calling thread's scratch, emptied. */
    static EncodeScratch start() {
        EncodeScratch scratch = PER_THREAD.get();
        scratch.size = 0;
        return scratch;
    }

    BinaryEncoder encoder() {
        return encoder;
    }

    void writeByte(int b) {
        ensureCapacity(1);
        buffer[size++] = (byte) b;
    }

    void writeIntBigEndian(int value) {
        ensureCapacity(4);
        buffer[size++] = (byte) (value >>> 24);
        buffer[size++] = (byte) (value >>> 16);
        buffer[size++] = (byte) (value >>> 8);
        buffer[size++] = (byte) value;
    }

    void writeLongLittleEndian(long value) {
        ensureCapacity(8);
        for (int shift = 0; shift < 64; shift += 8) {
            buffer[size++] = (byte) (value >>> shift);
        }
    }

    /** A copy of what was written; the scratch is ready for the next record. */
    byte[] toByteArray() {
        byte[] result = Arrays.copyOf(buffer, size);
        if (buffer.length > RETAINED_CAPACITY_LIMIT) {
            buffer = new byte[INITIAL_CAPACITY];
        }
        size = 0;
        return result;
    }

    private void ensureCapacity(int extra) {
        int needed = size + extra;
        if (needed > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(needed, buffer.length * 2));
        }
    }
}
