package io.holdfast.reconciler.cdc;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Reads a Kafka record's key and value, as Kafka Connect's {@code JsonConverter} wrote them from a
 * Debezium connector, into a {@link ChangeEvent}. Thread-safe and stateless: one instance can serve a
 * whole application.
 *
 * <p>Both converter modes are accepted for keys and values. With {@code schemas.enable=true} the JSON is
 * {@code {"schema":{...},"payload":{...}}}; the schema subtree is skipped token by token (never built)
 * and only the payload is read. Without, the JSON is the payload itself. A value is wrapped when its
 * first field is {@code schema} or {@code payload} (an envelope has neither). A key is wrapped when its
 * first field is {@code schema} or {@code payload} holding an object or null, so a key column that
 * happens to be called {@code schema} (holding a scalar) still reads as a column.
 *
 * <p>A null value is a tombstone ({@link ChangeEvent#tombstone}); so is a wrapped value whose payload
 * is null. Unknown fields (the {@code transaction} block, {@code ts_us}, {@code ts_ns},
 * {@code source.sequence}, ...) are skipped. Column values that are objects or arrays are kept as JSON
 * text rather than rejected (see {@link Row}).
 *
 * <p>Rejected, with a one-line {@link MalformedChangeEventException}: text that is not JSON or not one
 * JSON object; a value without {@code op} or with an op other than c, u, d, r, t, m; c, r or u without
 * {@code after}; d without {@code before}; {@code before}, {@code after}, {@code source} or
 * {@code payload} that is not an object (or null); an unknown snapshot marker; an unparseable
 * replication position; a column listed twice.
 */
public final class ChangeEventParser {

    /** Jackson's factory is thread-safe and holds the symbol tables that make field names cheap. */
    private static final JsonFactory JSON = new JsonFactory();

    private final RowReader rows = new RowReader(JSON);
    private final SourceReader sources = new SourceReader(JSON);

    /**
     * Parses one record as it came from Kafka: UTF-8 JSON, read straight from the bytes (no String of the
     * whole envelope is made; the reconciler's hot path).
     *
     * @param key the record key, or null if the record has none
     * @param value the record value, or null for a tombstone
     * @throws MalformedChangeEventException if either is not a Debezium key or envelope, or not UTF-8
     */
    public ChangeEvent parse(byte[] key, byte[] value) {
        try {
            Row k = key == null ? null : key(JSON.createParser(key));
            return value == null ? ChangeEvent.tombstone(k) : value(JSON.createParser(value), k);
        } catch (JsonProcessingException e) {
            throw notJson(e);
        } catch (IOException e) {
            throw new MalformedChangeEventException("not JSON: " + e.getMessage());
        }
    }

    /**
     * Parses one record given as text.
     *
     * @param keyJson the record key, or null if the record has none
     * @param valueJson the record value, or null for a tombstone
     * @throws MalformedChangeEventException if either is not a Debezium key or envelope
     */
    public ChangeEvent parse(String keyJson, String valueJson) {
        try {
            Row key = keyJson == null ? null : key(JSON.createParser(keyJson));
            return valueJson == null ? ChangeEvent.tombstone(key) : value(JSON.createParser(valueJson), key);
        } catch (JsonProcessingException e) {
            throw notJson(e);
        } catch (IOException e) {
            throw new UncheckedIOException("reading a String cannot fail", e);
        }
    }

    /**
     * Parses a record key alone: the key's columns, or null for a wrapped key whose payload is null.
     *
     * @throws MalformedChangeEventException if it is not a JSON object
     */
    public Row parseKey(String keyJson) {
        try {
            return key(JSON.createParser(keyJson));
        } catch (JsonProcessingException e) {
            throw notJson(e);
        } catch (IOException e) {
            throw new UncheckedIOException("reading a String cannot fail", e);
        }
    }

    private ChangeEvent value(JsonParser created, Row key) throws IOException {
        try (JsonParser parser = created) {
            expectObject(parser, "value");
            ChangeEvent event = readValue(parser, key);
            expectEnd(parser);
            return event;
        }
    }

    private Row key(JsonParser created) throws IOException {
        try (JsonParser parser = created) {
            expectObject(parser, "key");
            Row key = readKey(parser);
            expectEnd(parser);
            return key;
        }
    }

    private Row readKey(JsonParser parser) throws IOException {
        JsonToken token = parser.nextToken();
        if (token == JsonToken.END_OBJECT) {
            return new RowReader.Builder("key").build();
        }
        String first = parser.currentName();
        JsonToken value = parser.nextToken();
        boolean wrapped = ("schema".equals(first) || "payload".equals(first))
                && (value == JsonToken.START_OBJECT || value == JsonToken.VALUE_NULL);
        if (!wrapped) {
            RowReader.Builder key = new RowReader.Builder("key");
            key.add(first, rows.value(parser, value));
            rows.readFields(parser, key);
            return key.build();
        }
        boolean sawPayload = false;
        Row key = null;
        boolean firstField = true;
        for (String field = first; field != null; field = nextField(parser, "key")) {
            if (!firstField) {
                value = parser.nextToken();
            }
            firstField = false;
            if ("payload".equals(field)) {
                sawPayload = true;
                key = value == JsonToken.VALUE_NULL ? null : rows.read(requireObject(parser, value, "payload"), "key");
            } else {
                parser.skipChildren();
            }
        }
        if (!sawPayload) {
            throw new MalformedChangeEventException("key has a 'schema' but no 'payload'");
        }
        return key;
    }

    private ChangeEvent readValue(JsonParser parser, Row key) throws IOException {
        JsonToken token = parser.nextToken();
        if (token == JsonToken.END_OBJECT) {
            throw new MalformedChangeEventException("value is not a Debezium envelope: no 'op' field");
        }
        String first = parser.currentName();
        if (!"schema".equals(first) && !"payload".equals(first)) {
            return readEnvelope(parser, first, key);
        }
        boolean sawPayload = false;
        ChangeEvent event = null;
        for (String field = first; field != null; field = nextField(parser, "value")) {
            JsonToken value = parser.nextToken();
            if ("payload".equals(field)) {
                sawPayload = true;
                if (value == JsonToken.VALUE_NULL) {
                    event = ChangeEvent.tombstone(key);
                } else {
                    requireObject(parser, value, "payload");
                    JsonToken inner = parser.nextToken();
                    if (inner == JsonToken.END_OBJECT) {
                        throw new MalformedChangeEventException("value is not a Debezium envelope: no 'op' field");
                    }
                    event = readEnvelope(parser, parser.currentName(), key);
                }
            } else {
                parser.skipChildren();
            }
        }
        if (!sawPayload) {
            throw new MalformedChangeEventException("value has a 'schema' but no 'payload'");
        }
        return event;
    }

    /** Reads envelope fields, the first of which ({@code first}) is the current FIELD_NAME. */
    private ChangeEvent readEnvelope(JsonParser parser, String first, Row key) throws IOException {
        String opCode = null;
        Row before = null;
        Row after = null;
        SourceInfo source = null;
        long tsMs = -1;
        for (String field = first; field != null; field = nextField(parser, "envelope")) {
            JsonToken value = parser.nextToken();
            switch (field) {
                case "op" -> opCode = opCode(parser, value);
                case "before" -> before = value == JsonToken.VALUE_NULL ? null
                        : rows.read(requireObject(parser, value, "before"), "before");
                case "after" -> after = value == JsonToken.VALUE_NULL ? null
                        : rows.read(requireObject(parser, value, "after"), "after");
                case "source" -> source = value == JsonToken.VALUE_NULL ? null
                        : sources.read(requireObject(parser, value, "source"));
                case "ts_ms" -> tsMs = tsMs(parser, value);
                default -> parser.skipChildren();
            }
        }
        return event(opCode, key, before, after, source, tsMs);
    }

    private static ChangeEvent event(String opCode, Row key, Row before, Row after, SourceInfo source, long tsMs) {
        if (opCode == null) {
            throw new MalformedChangeEventException("value is not a Debezium envelope: no 'op' field");
        }
        Op op = Op.fromCode(opCode);
        if (op == null) {
            throw new MalformedChangeEventException("op '" + opCode + "' is not one of c,u,d,r,t,m");
        }
        if (op.hasAfter() && after == null) {
            throw new MalformedChangeEventException("op '" + opCode + "' has no 'after' row");
        }
        if (op == Op.DELETE && before == null) {
            throw new MalformedChangeEventException("op 'd' has no 'before' row");
        }
        return new ChangeEvent(op, key, before, after, source, tsMs);
    }

    private static String opCode(JsonParser parser, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        if (value != JsonToken.VALUE_STRING) {
            throw new MalformedChangeEventException("op is not a string");
        }
        return parser.getText();
    }

    private static long tsMs(JsonParser parser, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return -1;
        }
        if (value != JsonToken.VALUE_NUMBER_INT || parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            throw new MalformedChangeEventException("ts_ms is not an integer");
        }
        return parser.getLongValue();
    }

    /** The next field name of the current object, or null at its END_OBJECT. */
    private static String nextField(JsonParser parser, String what) throws IOException {
        JsonToken token = parser.nextToken();
        if (token == JsonToken.FIELD_NAME) {
            return parser.currentName();
        }
        if (token == JsonToken.END_OBJECT) {
            return null;
        }
        throw new MalformedChangeEventException("not JSON: " + what + " is cut short");
    }

    /** {@code parser}, after checking that the current token {@code value} starts an object. */
    private static JsonParser requireObject(JsonParser parser, JsonToken value, String what) {
        if (value != JsonToken.START_OBJECT) {
            throw new MalformedChangeEventException("'" + what + "' is not an object");
        }
        return parser;
    }

    private static void expectObject(JsonParser parser, String what) throws IOException {
        JsonToken token = parser.nextToken();
        if (token == null) {
            throw new MalformedChangeEventException("not JSON: " + what + " is empty");
        }
        if (token != JsonToken.START_OBJECT) {
            throw new MalformedChangeEventException(what + " is not a JSON object");
        }
    }

    private static void expectEnd(JsonParser parser) throws IOException {
        if (parser.nextToken() != null) {
            throw new MalformedChangeEventException("not JSON: text after the top-level object");
        }
    }

    private static MalformedChangeEventException notJson(JsonProcessingException e) {
        return new MalformedChangeEventException("not JSON: " + e.getOriginalMessage(), e);
    }
}
