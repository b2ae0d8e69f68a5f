package io.holdfast.health.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.ByteArrayInputStream;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The fast state buffers must write exactly DataOutputStream's bytes (the stores hold that format) and read them back. */
class ByteArrayDataTest {

    /** One value written through DataOutput and read back. */
    private record Value(int kind, long bits, String text) {
        void write(DataOutput out) throws IOException {
            switch (kind) {
                case 0 -> out.writeByte((int) bits);
                case 1 -> out.writeBoolean((bits & 1) == 1);
                case 2 -> out.writeShort((int) bits);
                case 3 -> out.writeInt((int) bits);
                case 4 -> out.writeLong(bits);
                case 5 -> out.writeDouble(Double.longBitsToDouble(bits));
                case 6 -> out.writeFloat(Float.intBitsToFloat((int) bits));
                default -> out.writeUTF(text);
            }
        }

        Object read(java.io.DataInput in) throws IOException {
            return switch (kind) {
                case 0 -> in.readByte();
                case 1 -> in.readBoolean();
                case 2 -> in.readShort();
                case 3 -> in.readInt();
                case 4 -> in.readLong();
                case 5 -> Double.doubleToRawLongBits(in.readDouble());
                case 6 -> Float.floatToRawIntBits(in.readFloat());
                default -> in.readUTF();
            };
        }
    }

    @Provide
    Arbitrary<List<Value>> values() {
        Arbitrary<String> text = Arbitraries.oneOf(Arbitraries.strings().ascii().ofMaxLength(40),
                Arbitraries.strings().all().ofMaxLength(40), Arbitraries.of("", "\u0000", "vol-0a1b", "zone1/é/\u20ac/\uD83D\uDE00"));
        return Combinators.combine(Arbitraries.integers().between(0, 7), Arbitraries.longs(), text).as(Value::new).list()
                .ofMaxSize(60);
    }

    @Property(tries = 300)
    void writesTheBytesDataOutputStreamWritesAndReadsThemBack(@ForAll("values") List<Value> values) throws IOException {
        ByteArrayOutputStream expectedBytes = new ByteArrayOutputStream();
        DataOutputStream expected = new DataOutputStream(expectedBytes);
        ByteArrayDataOutput actual = new ByteArrayDataOutput(4);
        actual.writeLong(42); // reused buffers: whatever was written before a reset is gone
        actual.reset();
        for (Value v : values) {
            v.write(expected);
            v.write(actual);
        }
        expected.flush();
        byte[] bytes = actual.toByteArray();
        assertArrayEquals(expectedBytes.toByteArray(), bytes);

        ByteArrayDataInput fast = new ByteArrayDataInput(bytes);
        DataInputStream reference = new DataInputStream(new ByteArrayInputStream(bytes));
        for (Value v : values) {
            assertEquals(v.read(reference), v.read(fast));
        }
        assertThrows(EOFException.class, fast::readByte);
    }

    @Test
    void aTruncatedStateFailsInsteadOfBeingHalfRead() throws IOException {
        ByteArrayDataOutput out = new ByteArrayDataOutput(16);
        out.writeUTF("vol-1");
        out.writeLong(7);
        byte[] bytes = out.toByteArray();
        ByteArrayDataInput in = new ByteArrayDataInput(java.util.Arrays.copyOf(bytes, bytes.length - 1));
        assertEquals("vol-1", in.readUTF());
        EOFException e = assertThrows(EOFException.class, in::readLong);
        assertTrue(e.getMessage().contains("1 short"), e.getMessage());
    }
}
