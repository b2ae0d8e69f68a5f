package io.holdfast.reconciler.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A tiny binary writer and reader for the reconciler's own records (entity ledgers in the state store,
 * inputs on its repartition topic): unsigned and zig-zag varints and length-prefixed UTF-8, so that a
 * resolved entity costs a few dozen bytes and reading it allocates little. Not a public contract: the
 * first byte of every record is a format version, checked on read.
 */
public final class Bytes {

    private Bytes() {
    }

    /** Grows as needed; {@link #toArray()} copies out exactly what was written. */
    public static final class Writer {
        private byte[] buf;
        private int len;

        public Writer(int initialCapacity) {
            buf = new byte[Math.max(16, initialCapacity)];
        }

        public Writer u8(int v) {
            ensure(1);
            buf[len++] = (byte) v;
            return this;
        }

        /** Unsigned LEB128; for non-negative values. */
        public Writer varint(long v) {
            ensure(10);
            while ((v & ~0x7FL) != 0) {
                buf[len++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buf[len++] = (byte) v;
            return this;
        }

        /** Zig-zag varint: small negative values (the -1 "none" marker) stay one byte. */
        public Writer zigzag(long v) {
            return varint((v << 1) ^ (v >> 63));
        }

        public Writer bool(boolean v) {
            return u8(v ? 1 : 0);
        }

        /** Null-aware string: 0 = null, else length + 1 then UTF-8. */
        public Writer string(String s) {
            if (s == null) {
                return varint(0);
            }
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            varint(utf8.length + 1L);
            ensure(utf8.length);
            System.arraycopy(utf8, 0, buf, len, utf8.length);
            len += utf8.length;
            return this;
        }

        public byte[] toArray() {
            return Arrays.copyOf(buf, len);
        }

        private void ensure(int more) {
            if (len + more > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
            }
        }
    }

    /** Reads what {@link Writer} wrote; a truncated or corrupt record fails with {@link IllegalArgumentException}. */
    public static final class Reader {
        private final byte[] buf;
        private int pos;

        public Reader(byte[] buf) {
            this.buf = buf;
        }

        public int u8() {
            if (pos >= buf.length) {
                throw new IllegalArgumentException("record truncated at byte " + pos);
            }
            return buf[pos++] & 0xFF;
        }

        public long varint() {
            long result = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int b = u8();
                result |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return result;
                }
            }
            throw new IllegalArgumentException("varint longer than 10 bytes at byte " + pos);
        }

        public long zigzag() {
            long v = varint();
            return (v >>> 1) ^ -(v & 1);
        }

        public int intVarint() {
            long v = varint();
            if (v > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("count " + v + " out of range at byte " + pos);
            }
            return (int) v;
        }

        public boolean bool() {
            return u8() != 0;
        }

        public String string() {
            long n = varint();
            if (n == 0) {
                return null;
            }
            int length = (int) (n - 1);
            if (length < 0 || pos + length > buf.length) {
                throw new IllegalArgumentException("string of " + length + " bytes overruns the record at byte " + pos);
            }
            String s = new String(buf, pos, length, StandardCharsets.UTF_8);
            pos += length;
            return s;
        }

        public boolean atEnd() {
            return pos == buf.length;
        }
    }
}
