package io.holdfast.health.internal;

import java.io.DataOutput;
import java.io.UTFDataFormatException;
import java.util.Arrays;

/**
 * {@link DataOutput} into a reusable, growable byte array, byte for byte what {@link java.io.DataOutputStream}
 * writes (the stores already hold that format). Exists because DataOutputStream over a ByteArrayOutputStream
 * writes every long one byte at a time through a synchronized method: encoding the classifier's state that
 * way was most of the per-sample cost (JMH ClassifierSampleBench). Single-threaded, like the processor.
 */
final class ByteArrayDataOutput implements DataOutput {

    private byte[] buf;
    private int size;

    ByteArrayDataOutput(int initialCapacity) {
        buf = new byte[initialCapacity];
    }

    void reset() {
        size = 0;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    private void ensure(int more) {
        if (size + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
        }
    }

    @Override
    public void write(int b) {
        ensure(1);
        buf[size++] = (byte) b;
    }

    @Override
    public void write(byte[] b) {
        write(b, 0, b.length);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
    }

    @Override
    public void writeBoolean(boolean v) {
        write(v ? 1 : 0);
    }

    @Override
    public void writeByte(int v) {
        write(v);
    }

    @Override
    public void writeShort(int v) {
        ensure(2);
        buf[size++] = (byte) (v >>> 8);
        buf[size++] = (byte) v;
    }

    @Override
    public void writeChar(int v) {
        writeShort(v);
    }

    @Override
    public void writeInt(int v) {
        ensure(4);
        buf[size++] = (byte) (v >>> 24);
        buf[size++] = (byte) (v >>> 16);
        buf[size++] = (byte) (v >>> 8);
        buf[size++] = (byte) v;
    }

    @Override
    public void writeLong(long v) {
        ensure(8);
        for (int shift = 56; shift >= 0; shift -= 8) {
            buf[size++] = (byte) (v >>> shift);
        }
    }

    @Override
    public void writeFloat(float v) {
        writeInt(Float.floatToIntBits(v));
    }

    @Override
    public void writeDouble(double v) {
        writeLong(Double.doubleToLongBits(v));
    }

    @Override
    public void writeBytes(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[size++] = (byte) s.charAt(i);
        }
    }

    @Override
    public void writeChars(String s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            writeChar(s.charAt(i));
        }
    }

    /** Modified UTF-8 with a two-byte length, as {@link java.io.DataOutputStream#writeUTF} writes it. */
    @Override
    public void writeUTF(String s) throws UTFDataFormatException {
        int n = s.length();
        int encoded = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            encoded += c >= 0x0001 && c <= 0x007F ? 1 : c <= 0x07FF ? 2 : 3;
        }
        if (encoded > 65_535) {
            throw new UTFDataFormatException("string of " + encoded + " encoded bytes is too long for writeUTF");
        }
        ensure(2 + encoded);
        buf[size++] = (byte) (encoded >>> 8);
        buf[size++] = (byte) encoded;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x0001 && c <= 0x007F) {
                buf[size++] = (byte) c;
            } else if (c <= 0x07FF) {
                buf[size++] = (byte) (0xC0 | ((c >> 6) & 0x1F));
                buf[size++] = (byte) (0x80 | (c & 0x3F));
            } else {
                buf[size++] = (byte) (0xE0 | ((c >> 12) & 0x0F));
                buf[size++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                buf[size++] = (byte) (0x80 | (c & 0x3F));
            }
        }
    }
}
