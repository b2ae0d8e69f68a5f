package io.holdfast.reconciler.cdc;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.util.Arrays;

/**
 * Reads the columns of one JSON object into a {@link Row}, straight from the token stream. Values are
 * mapped as {@link Row} documents; a duplicate column name is rejected (the JSON would be ambiguous).
 */
final class RowReader {

    private final JsonFactory factory;

    RowReader(JsonFactory factory) {
        this.factory = factory;
    }

    /** Reads the fields of the object whose START_OBJECT is the current token, through its END_OBJECT. */
    Row read(JsonParser parser, String what) throws IOException {
        Builder row = new Builder(what);
        readFields(parser, row);
        return row.build();
    }

    /** Reads fields until the END_OBJECT closing the current object, into {@code row}. */
    void readFields(JsonParser parser, Builder row) throws IOException {
        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
            String column = parser.currentName();
            row.add(column, value(parser, parser.nextToken()));
        }
        if (token != JsonToken.END_OBJECT) {
            throw new MalformedChangeEventException("'" + row.what + "' is cut short");
        }
    }

    /** The value at the current token {@code token}; objects and arrays are consumed and returned as text. */
    Object value(JsonParser parser, JsonToken token) throws IOException {
        if (token == null) {
            throw new MalformedChangeEventException("not JSON: unexpected end of input");
        }
        return switch (token) {
            case VALUE_STRING -> parser.getText();
            case VALUE_NUMBER_INT -> parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                    ? parser.getText() : Long.valueOf(parser.getLongValue());
            case VALUE_NUMBER_FLOAT -> parser.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            case START_OBJECT, START_ARRAY -> nestedJson(parser);
            default -> throw new MalformedChangeEventException("unexpected JSON token " + token);
        };
    }

    private String nestedJson(JsonParser parser) throws IOException {
        StringWriter out = new StringWriter(64);
        try (JsonGenerator generator = factory.createGenerator(out)) {
            generator.copyCurrentStructure(parser);
        }
        return out.toString();
    }

    /** Accumulates columns in arrays that grow as needed. */
    static final class Builder {
        private final String what;
        private String[] columns = new String[8];
        private Object[] values = new Object[8];
        private int size;

        Builder(String what) {
            this.what = what;
        }

        void add(String column, Object value) {
            for (int i = 0; i < size; i++) {
                if (columns[i].equals(column)) {
                    throw new MalformedChangeEventException("column '" + column + "' appears twice in '" + what + "'");
                }
            }
            if (size == columns.length) {
                columns = Arrays.copyOf(columns, size * 2);
                values = Arrays.copyOf(values, size * 2);
            }
            columns[size] = column;
            values[size++] = value;
        }

        Row build() {
            return new Row(Arrays.copyOf(columns, size), Arrays.copyOf(values, size));
        }
    }
}
