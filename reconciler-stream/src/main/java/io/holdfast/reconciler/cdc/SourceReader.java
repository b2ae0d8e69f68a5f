package io.holdfast.reconciler.cdc;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.holdfast.reconciler.gtid.MalformedPositionException;
import io.holdfast.reconciler.gtid.MariadbGtidPosition;
import io.holdfast.reconciler.gtid.MysqlGtidSet;
import io.holdfast.reconciler.gtid.ReplicationPosition;
import io.holdfast.reconciler.gtid.VitessVgtid;
import java.io.IOException;
import java.io.StringWriter;

/**
 * Reads Debezium's {@code source} block into a {@link SourceInfo}, skipping the fields the reconciler
 * does not use ({@code version}, {@code sequence}, {@code row}, {@code thread}, {@code query}, ...).
 *
 * <p>The replication position's flavor is chosen by {@code source.connector}, not guessed from the
 * text: {@code mariadb} reads {@code gtid} as {@code domain-server-seq}, {@code vitess} reads
 * {@code vgtid}, and {@code mysql} reads {@code gtid} as a MySQL GTID, except that a value without a
 * {@code ':'} is read as MariaDB's, because the MySQL connector also served MariaDB before the MariaDB
 * connector existed. A blank gtid is treated as absent. Other connectors have no position here.
 */
final class SourceReader {

    private final JsonFactory factory;

    SourceReader(JsonFactory factory) {
        this.factory = factory;
    }

    /** Reads the object whose START_OBJECT is the current token, through its END_OBJECT. */
    SourceInfo read(JsonParser parser) throws IOException {
        String connector = null;
        String name = null;
        String db = null;
        String table = null;
        String keyspace = null;
        long tsMs = -1;
        SnapshotMarker snapshot = SnapshotMarker.FALSE;
        String gtid = null;
        String vgtid = null;
        String file = null;
        long pos = -1;
        long serverId = -1;
        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (field) {
                case "connector" -> connector = text(parser, value, field);
                case "name" -> name = text(parser, value, field);
                case "db" -> db = text(parser, value, field);
                case "table" -> table = text(parser, value, field);
                case "keyspace" -> keyspace = text(parser, value, field);
                case "ts_ms" -> tsMs = number(parser, value, field);
                case "snapshot" -> snapshot = snapshot(parser, value);
                case "gtid" -> gtid = text(parser, value, field);
                case "vgtid" -> vgtid = value == JsonToken.START_ARRAY ? json(parser) : text(parser, value, field);
                case "file" -> file = text(parser, value, field);
                case "pos" -> pos = number(parser, value, field);
                case "server_id" -> serverId = number(parser, value, field);
                default -> parser.skipChildren();
            }
        }
        if (token != JsonToken.END_OBJECT) {
            throw new MalformedChangeEventException("'source' is cut short");
        }
        ReplicationPosition position = position(connector, gtid, vgtid);
        return new SourceInfo(connector, name, db, table, keyspace, tsMs, snapshot, position, file, pos, serverId);
    }

    private static ReplicationPosition position(String connector, String gtid, String vgtid) {
        if (connector == null) {
            return null;
        }
        try {
            return switch (connector) {
                case "vitess" -> vgtid == null ? null : VitessVgtid.parse(vgtid);
                case "mariadb" -> isBlank(gtid) ? null : MariadbGtidPosition.parse(gtid.trim());
                case "mysql" -> isBlank(gtid) ? null
                        : gtid.indexOf(':') < 0 ? MariadbGtidPosition.parse(gtid.trim()) : MysqlGtidSet.parse(gtid);
                default -> null;
            };
        } catch (MalformedPositionException e) {
            String field = "vitess".equals(connector) ? "source.vgtid" : "source.gtid";
            throw new MalformedChangeEventException(field + ": " + e.getMessage(), e);
        }
    }

    private static boolean isBlank(String text) {
        return text == null || text.isBlank();
    }

    private static String text(JsonParser parser, JsonToken value, String field) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        if (value != JsonToken.VALUE_STRING) {
            throw new MalformedChangeEventException("source." + field + " is not a string");
        }
        return parser.getText();
    }

    private static long number(JsonParser parser, JsonToken value, String field) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return -1;
        }
        if (value == JsonToken.VALUE_NUMBER_INT && parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
            return parser.getLongValue();
        }
        if (value == JsonToken.VALUE_STRING) {
            try {
                return Long.parseLong(parser.getText().trim());
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new MalformedChangeEventException("source." + field + " is not an integer");
    }

    private static SnapshotMarker snapshot(JsonParser parser, JsonToken value) throws IOException {
        switch (value) {
            case VALUE_NULL:
                return SnapshotMarker.FALSE;
            case VALUE_TRUE:
                return SnapshotMarker.TRUE;
            case VALUE_FALSE:
                return SnapshotMarker.FALSE;
            case VALUE_STRING:
                try {
                    return SnapshotMarker.fromWire(parser.getText());
                } catch (IllegalArgumentException e) {
                    throw new MalformedChangeEventException("source." + e.getMessage());
                }
            default:
                throw new MalformedChangeEventException("source.snapshot is not a string or boolean");
        }
    }

    /** The array at the current token as compact JSON text (a VGTID embedded as JSON, not as a string). */
    private String json(JsonParser parser) throws IOException {
        StringWriter out = new StringWriter(128);
        try (JsonGenerator generator = factory.createGenerator(out)) {
            generator.copyCurrentStructure(parser);
        }
        return out.toString();
    }
}
