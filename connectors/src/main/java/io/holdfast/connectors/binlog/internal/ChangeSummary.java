package io.holdfast.connectors.binlog.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * What the metrics need of one Debezium change event: its op, table and source time. Read with a
 * streaming parser that skips the JsonConverter {@code schema} part, which is most of a record's bytes.
 *
 * @param op         {@code c}, {@code u}, {@code d}, {@code r}, {@code t}, {@code m}; empty when the value is no change event
 * @param table      {@code source.table}, empty if absent
 * @param sourceTsMs {@code source.ts_ms}: when the change was committed at the source; -1 if absent
 */
public record ChangeSummary(String op, String table, long sourceTsMs) {

    public static final ChangeSummary NONE = new ChangeSummary("", "", -1);
    private static final JsonFactory JSON = new JsonFactory();

    public boolean isCopy() {
        return "r".equals(op);
    }

    /** The summary of {@code value} (a JsonConverter value, with or without schemas); {@link #NONE} if it is not an envelope. */
    public static ChangeSummary of(String value) {
        if (value == null) {
            return NONE;
        }
        try (JsonParser p = JSON.createParser(value)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return NONE;
            }
            return readEnvelope(p);
        } catch (IOException e) {
            return NONE;
        }
    }

    /** Reads fields of the object {@code p} is in; descends into {@code payload} when the value has the schema wrapper. */
    private static ChangeSummary readEnvelope(JsonParser p) throws IOException {
        String op = "";
        String table = "";
        long ts = -1;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken token = p.nextToken();
            if ("payload".equals(field) && token == JsonToken.START_OBJECT) {
                return readEnvelope(p);
            } else if ("op".equals(field) && token == JsonToken.VALUE_STRING) {
                op = p.getText();
            } else if ("source".equals(field) && token == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String sourceField = p.currentName();
                    JsonToken sourceToken = p.nextToken();
                    if ("table".equals(sourceField) && sourceToken == JsonToken.VALUE_STRING) {
                        table = p.getText();
                    } else if ("ts_ms".equals(sourceField) && sourceToken == JsonToken.VALUE_NUMBER_INT) {
                        ts = p.getLongValue();
                    } else {
                        p.skipChildren();
                    }
                }
            } else {
                p.skipChildren();
            }
        }
        return op.isEmpty() ? NONE : new ChangeSummary(op, table, ts);
    }
}
