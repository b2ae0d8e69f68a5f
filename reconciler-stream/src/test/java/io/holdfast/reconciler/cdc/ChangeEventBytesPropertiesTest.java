package io.holdfast.reconciler.cdc;

import static io.holdfast.reconciler.cdc.Envelopes.UUID;
import static io.holdfast.reconciler.cdc.Envelopes.envelope;
import static io.holdfast.reconciler.cdc.Envelopes.mysqlSource;
import static io.holdfast.reconciler.cdc.Envelopes.wrapped;
import static io.holdfast.reconciler.cdc.Envelopes.wrappedKey;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The reconciler parses change events from the record's bytes; text callers parse Strings. Both must
 * read the same event from the same JSON, and bytes that are not UTF-8 JSON must be refused as
 * malformed (the dead-letter path), never with another exception.
 */
class ChangeEventBytesPropertiesTest {

    private final ChangeEventParser parser = new ChangeEventParser();

    @Property(tries = 300)
    void bytesAndTextReadTheSameEvent(@ForAll("records") String[] record) {
        byte[] key = record[0] == null ? null : record[0].getBytes(StandardCharsets.UTF_8);
        byte[] value = record[1] == null ? null : record[1].getBytes(StandardCharsets.UTF_8);
        assertEquals(outcome(() -> parser.parse(record[0], record[1])), outcome(() -> parser.parse(key, value)));
    }

    @Property(tries = 500)
    void anyBytesAreAnEventOrMalformed(@ForAll("records") String[] record, @ForAll("cuts") int cut,
                                       @ForAll byte noise, @ForAll("cuts") int at) {
        byte[] value = record[1] == null ? new byte[0] : record[1].getBytes(StandardCharsets.UTF_8);
        byte[] damaged = java.util.Arrays.copyOf(value, Math.min(value.length, cut % (value.length + 1)));
        if (damaged.length > 0) {
            damaged[at % damaged.length] = noise;
        }
        String fromBytes = outcome(() -> parser.parse(record[0] == null ? null : record[0].getBytes(StandardCharsets.UTF_8), damaged));
        String text = utf8(damaged);
        if (text != null) {
            assertEquals(outcome(() -> parser.parse(record[0], text)), fromBytes);
        } else {
            assertEquals("malformed", fromBytes.substring(0, "malformed".length()), fromBytes);
        }
    }

    /** The parsed event, or "malformed" with no detail (messages name Jackson's source, which differs). */
    private static String outcome(java.util.function.Supplier<ChangeEvent> parse) {
        try {
            return parse.get().toString();
        } catch (MalformedChangeEventException e) {
            return "malformed";
        }
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    @Provide
    Arbitrary<Integer> cuts() {
        return Arbitraries.integers().between(0, 4_000);
    }

    @Provide
    Arbitrary<String[]> records() {
        // Multi-byte UTF-8 (2, 3 and 4 bytes: a surrogate pair) and characters JSON escapes.
        Arbitrary<String> entity = Combinators.combine(
                Arbitraries.strings().withCharRange('a', 'z').withChars('\u00e9', '\u4e2d', '"', '\\').ofMinLength(1).ofMaxLength(12),
                Arbitraries.of("", "\ud83d\ude00")).as(String::concat);
        Arbitrary<Long> revision = Arbitraries.longs().between(1, Long.MAX_VALUE);
        Arbitrary<String> op = Arbitraries.of("c", "u", "d", "r");
        Arbitrary<String> snapshot = Arbitraries.of("\"false\"", "\"true\"", "\"last\"", "\"first\"", "null");
        Arbitrary<Boolean> wrap = Arbitraries.of(true, false);
        return Combinators.combine(entity, revision, op, snapshot, wrap).as((e, r, o, snap, w) -> {
            String id = new String(com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance().quoteAsString(e));
            String key = "{\"entity_id\":\"" + id + "\",\"revision\":" + r + "}";
            String row = "{\"entity_id\":\"" + id + "\",\"revision\":" + r
                    + ",\"content_hash\":\"9f86\",\"object_key\":\"snapshots/" + id + "/" + r + "\",\"size_bytes\":1,"
                    + "\"created_at\":1733490000123}";
            String value = envelope(o, o.equals("c") || o.equals("r") ? "null" : row, o.equals("d") ? "null" : row,
                    mysqlSource(snap, "\"" + UUID + ":23\""));
            return w ? new String[] {wrappedKey(key), wrapped(value)} : new String[] {key, value};
        });
    }
}
