package io.holdfast.health.internal;

import java.io.ByteArrayInputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;

/**
 * {@link DataInput} over a byte array, reading what {@link java.io.DataOutputStream} (and
 * {@link ByteArrayDataOutput}) wrote, without DataInputStream's per-byte synchronized reads. Reading past
 * the end is an {@link EOFException}, as with the stream: a truncated state fails, it is never half-read.
 */
final class ByteArrayDataInput implements DataInput {

    private final byte[] buf;
    private int pos;

    ByteArrayDataInput(byte[] buf) {
        this.buf = buf;
    }

    private int take(int n) throws EOFException {
        if (pos + n > buf.length) {
            throw new EOFException("state ends after " + buf.length + " bytes, " + (pos + n - buf.length) + " short");
        }
        int at = pos;
        pos += n;
        return at;
    }

    @Override
    public void readFully(byte[] b) throws IOException {
        readFully(b, 0, b.length);
    }

    @Override
    public void readFully(byte[] b, int off, int len) throws IOException {
        System.arraycopy(buf, take(len), b, off, len);
    }

    @Override
    public int skipBytes(int n) {
        int skipped = Math.max(0, Math.min(n, buf.length - pos));
        pos += skipped;
        return skipped;
    }

    @Override
    public boolean readBoolean() throws IOException {
        return buf[take(1)] != 0;
    }

    @Override
    public byte readByte() throws IOException {
        return buf[take(1)];
    }

    @Override
    public int readUnsignedByte() throws IOException {
        return buf[take(1)] & 0xFF;
    }

    @Override
    public short readShort() throws IOException {
        int at = take(2);
        return (short) (((buf[at] & 0xFF) << 8) | (buf[at + 1] & 0xFF));
    }

    @Override
    public int readUnsignedShort() throws IOException {
        return readShort() & 0xFFFF;
    }

    @Override
    public char readChar() throws IOException {
        return (char) readShort();
    }

    @Override
    public int readInt() throws IOException {
        int at = take(4);
        return ((buf[at] & 0xFF) << 24) | ((buf[at + 1] & 0xFF) << 16) | ((buf[at + 2] & 0xFF) << 8) | (buf[at + 3] & 0xFF);
    }

    @Override
    public long readLong() throws IOException {
        int at = take(8);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (buf[at + i] & 0xFF);
        }
        return v;
    }

    @Override
    public float readFloat() throws IOException {
        return Float.intBitsToFloat(readInt());
    }

    @Override
    public double readDouble() throws IOException {
        return Double.longBitsToDouble(readLong());
    }

    @Override
    public String readLine() {
        throw new UnsupportedOperationException("state is binary; there are no lines");
    }

    @Override
    public String readUTF() throws IOException {
        int length = readUnsignedShort();
        int at = take(length);
        boolean ascii = true;
        for (int i = at; i < at + length && ascii; i++) {
            ascii = buf[i] > 0;
        }
        if (ascii) {
            return new String(buf, at, length, java.nio.charset.StandardCharsets.ISO_8859_1);
        }
        // Rare (ids are ASCII): the JDK's decoder, with its checks of malformed input.
        return new DataInputStream(new ByteArrayInputStream(buf, at - 2, length + 2)).readUTF();
    }
}
