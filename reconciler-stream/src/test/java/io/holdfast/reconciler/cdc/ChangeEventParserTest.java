package io.holdfast.reconciler.cdc;

import static io.holdfast.reconciler.cdc.Envelopes.REVISION_AFTER;
import static io.holdfast.reconciler.cdc.Envelopes.UUID;
import static io.holdfast.reconciler.cdc.Envelopes.envelope;
import static io.holdfast.reconciler.cdc.Envelopes.mysqlSource;
import static io.holdfast.reconciler.cdc.Envelopes.wrapped;
import static io.holdfast.reconciler.cdc.Envelopes.wrappedKey;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.reconciler.gtid.MariadbGtidPosition;
import io.holdfast.reconciler.gtid.MysqlGtidSet;
import io.holdfast.reconciler.gtid.VitessVgtid;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ChangeEventParserTest {

    private final ChangeEventParser parser = new ChangeEventParser();

    private static final String KEY = "{\"entity_id\":\"e-42\",\"revision\":7}";
    private static final String GTID = "\"" + UUID + ":23\"";

    @Test
    void mysqlCreateWithoutSchemas() {
        ChangeEvent event = parser.parse(KEY, envelope("c", "null", REVISION_AFTER, mysqlSource("\"false\"", GTID)));
        assertEquals(Op.CREATE, event.op());
        assertFalse(event.isTombstone());
        assertNull(event.before());
        Row after = event.after();
        assertEquals("e-42", after.string("entity_id"));
        assertEquals(7L, after.longValue("revision"));
        assertEquals(1048576L, after.longValue("size_bytes"));
        assertEquals(1733490000123L, after.longValue("created_at"), "DATETIME(3) arrives as epoch millis");
        assertEquals("snapshots/e-42/7", after.string("object_key"));
        assertEquals(after, event.row());
        assertEquals(Map.of("entity_id", "e-42", "revision", 7L), event.key().asMap());
        assertEquals(1733490000236L, event.tsMs());

        SourceInfo source = event.source();
        assertEquals("mysql", source.connector());
        assertEquals("holdfast", source.name());
        assertEquals("holdfast", source.db());
        assertEquals("revisions", source.table());
        assertNull(source.keyspace());
        assertEquals(1733490000000L, source.tsMs());
        assertEquals(SnapshotMarker.FALSE, source.snapshot());
        assertEquals(MysqlGtidSet.parse(UUID + ":23"), source.position());
        assertEquals("mysql-bin.000003", source.binlogFile());
        assertEquals(4015L, source.binlogPos());
        assertEquals(223344L, source.serverId());
        assertFalse(event.copying());
    }

    @Test
    void mysqlCreateWithSchemasEnabledForKeyAndValueReadsTheSamePayload() {
        String payload = envelope("c", "null", REVISION_AFTER, mysqlSource("\"false\"", GTID));
        ChangeEvent plain = parser.parse(KEY, payload);
        ChangeEvent wrapped = parser.parse(wrappedKey(KEY), wrapped(payload));
        assertEquals(plain, wrapped);
    }

    @Test
    void payloadBeforeSchemaIsAcceptedToo() {
        String payload = envelope("c", "null", REVISION_AFTER, mysqlSource("\"false\"", GTID));
        ChangeEvent event = parser.parse(null, "{\"payload\":" + payload + ",\"schema\":{\"type\":\"struct\"}}");
        assertEquals(Op.CREATE, event.op());
        assertNull(event.key());
    }

    @Test
    void mysqlUpdateOfEntityHeadsWithTransactionBlock() {
        String before = "{\"entity_id\":\"e-42\",\"head_revision\":6,\"updated_at\":1733489990000}";
        String after = "{\"entity_id\":\"e-42\",\"head_revision\":7,\"updated_at\":1733490000500}";
        String value = """
                {"before":%s,"after":%s,"source":%s,"op":"u","ts_ms":1733490000600,
                 "transaction":{"id":"%s:23","total_order":2,"data_collection_order":1}}"""
                .formatted(before, after, mysqlSource("\"false\"", GTID).replace("revisions", "entity_heads"), UUID);
        ChangeEvent event = parser.parse("{\"entity_id\":\"e-42\"}", value);
        assertEquals(Op.UPDATE, event.op());
        assertEquals(6L, event.before().longValue("head_revision"));
        assertEquals(7L, event.after().longValue("head_revision"));
        assertEquals("entity_heads", event.source().table());
        assertEquals(event.after(), event.row());
    }

    @Test
    void updateWithoutBeforeImageIsAccepted() {
        ChangeEvent event = parser.parse(KEY, envelope("u", "null", REVISION_AFTER, mysqlSource("\"false\"", GTID)));
        assertNull(event.before());
        assertEquals(Op.UPDATE, event.op());
    }

    @Test
    void mysqlDeleteThenTombstone() {
        ChangeEvent delete = parser.parse(KEY, envelope("d", REVISION_AFTER, "null", mysqlSource("\"false\"", GTID)));
        assertEquals(Op.DELETE, delete.op());
        assertNull(delete.after());
        assertEquals("e-42", delete.row().string("entity_id"));

        ChangeEvent tombstone = parser.parse(KEY, null);
        assertTrue(tombstone.isTombstone());
        assertNull(tombstone.op());
        assertEquals("e-42", tombstone.key().string("entity_id"));
        assertNull(tombstone.before());
        assertNull(tombstone.after());
        assertNull(tombstone.source());
        assertNull(tombstone.row());
        assertEquals(-1, tombstone.tsMs());
        assertFalse(tombstone.copying());
        assertThrows(NullPointerException.class, tombstone::requireOp);
    }

    @Test
    void wrappedTombstoneAndKeylessTombstone() {
        assertTrue(parser.parse(wrappedKey(KEY), "{\"schema\":null,\"payload\":null}").isTombstone());
        ChangeEvent keyless = parser.parse((String) null, null);
        assertTrue(keyless.isTombstone());
        assertNull(keyless.key());
        assertNull(parser.parse("{\"schema\":null,\"payload\":null}", null).key());
    }

    static Stream<Arguments> snapshotMarkers() {
        return Stream.of(
                Arguments.of("\"first\"", SnapshotMarker.FIRST),
                Arguments.of("\"first_in_data_collection\"", SnapshotMarker.FIRST_IN_DATA_COLLECTION),
                Arguments.of("\"true\"", SnapshotMarker.TRUE),
                Arguments.of("\"last_in_data_collection\"", SnapshotMarker.LAST_IN_DATA_COLLECTION),
                Arguments.of("\"last\"", SnapshotMarker.LAST),
                Arguments.of("\"incremental\"", SnapshotMarker.INCREMENTAL),
                Arguments.of("\"false\"", SnapshotMarker.FALSE),
                Arguments.of("true", SnapshotMarker.TRUE),
                Arguments.of("false", SnapshotMarker.FALSE),
                Arguments.of("null", SnapshotMarker.FALSE));
    }

    @ParameterizedTest
    @MethodSource("snapshotMarkers")
    void snapshotReadsCarryTheirMarker(String json, SnapshotMarker expected) {
        ChangeEvent event = parser.parse(KEY, envelope("r", "null", REVISION_AFTER, mysqlSource(json, "null")));
        assertEquals(Op.READ, event.op());
        assertEquals(expected, event.source().snapshot());
        assertEquals(expected != SnapshotMarker.FALSE, event.copying());
        assertNull(event.source().position(), "snapshot reads have no gtid");
    }

    @Test
    void missingSnapshotFieldMeansNotCopying() {
        String source = "{\"connector\":\"mysql\",\"name\":\"holdfast\",\"table\":\"revisions\"}";
        SourceInfo info = parser.parse(KEY, envelope("c", "null", REVISION_AFTER, source)).source();
        assertEquals(SnapshotMarker.FALSE, info.snapshot());
        assertEquals(-1, info.tsMs());
        assertEquals(-1, info.binlogPos());
        assertEquals(-1, info.serverId());
        assertNull(info.binlogFile());
        assertNull(info.position());
    }

    @Test
    void mariadbConnectorGtidIsDomainServerSeq() {
        String source = """
                {"version":"2.7.3.Final","connector":"mariadb","name":"holdfast","ts_ms":1733490000000,
                 "snapshot":"false","db":"holdfast","table":"entity_heads","server_id":1,"gtid":"0-1-100",
                 "file":"mariadb-bin.000002","pos":3120,"row":0,"thread":12,"query":null}""";
        String after = "{\"entity_id\":\"e-9\",\"head_revision\":3,\"updated_at\":1733490000999}";
        ChangeEvent event = parser.parse(wrappedKey("{\"entity_id\":\"e-9\"}"), wrapped(envelope("c", "null", after, source)));
        assertEquals(MariadbGtidPosition.parse("0-1-100"), event.source().position());
        assertEquals("mariadb-bin.000002", event.source().binlogFile());
        assertEquals(3L, event.after().longValue("head_revision"));
    }

    @Test
    void mysqlConnectorFollowingMariadbWritesMariadbGtids() {
        ChangeEvent event = parser.parse(KEY, envelope("c", "null", REVISION_AFTER, mysqlSource("\"false\"", "\"0-1-5\"")));
        assertEquals(MariadbGtidPosition.parse("0-1-5"), event.source().position());
    }

    @Test
    void blankGtidIsAbsent() {
        assertNull(parser.parse(KEY, envelope("c", "null", REVISION_AFTER, mysqlSource("\"false\"", "\"\""))).source().position());
    }

    private static final String VGTID = "[{\\\"keyspace\\\":\\\"holdfast\\\",\\\"shard\\\":\\\"80-\\\",\\\"gtid\\\":"
            + "\\\"MySQL56/" + UUID + ":1-23\\\",\\\"table_p_ks\\\":[]},{\\\"keyspace\\\":\\\"holdfast\\\",\\\"shard\\\":"
            + "\\\"-80\\\",\\\"gtid\\\":\\\"MySQL56/" + UUID + ":1-19\\\",\\\"table_p_ks\\\":[]}]";

    static String vitessSource(String vgtidJson) {
        return """
                {"version":"2.7.3.Final","connector":"vitess","name":"holdfast","ts_ms":1733490000000,
                 "snapshot":"false","db":"","sequence":null,"keyspace":"holdfast","table":"revisions",
                 "shard":"-80","vgtid":%s}""".formatted(vgtidJson);
    }

    @Test
    void vitessVgtidIsParsedPerShard() {
        ChangeEvent event = parser.parse(KEY, envelope("c", "null", REVISION_AFTER, vitessSource("\"" + VGTID + "\"")));
        SourceInfo source = event.source();
        assertEquals("vitess", source.connector());
        assertEquals("holdfast", source.keyspace());
        assertEquals("", source.db());
        VitessVgtid vgtid = assertInstanceOf(VitessVgtid.class, source.position());
        assertEquals(List.of("-80", "80-"), vgtid.shards().stream().map(VitessVgtid.Shard::shard).toList());
        assertEquals(-1, source.binlogPos());
        assertNull(source.binlogFile());
    }

    @Test
    void vitessVgtidEmbeddedAsJsonRatherThanStringIsAcceptedToo() {
        String embedded = VGTID.replace("\\\"", "\"");
        ChangeEvent asArray = parser.parse(KEY, envelope("c", "null", REVISION_AFTER, vitessSource(embedded)));
        ChangeEvent asString = parser.parse(KEY, envelope("c", "null", REVISION_AFTER, vitessSource("\"" + VGTID + "\"")));
        assertEquals(asString.source().position(), asArray.source().position());
    }

    @Test
    void truncateAndMessageHaveNoRows() {
        ChangeEvent truncate = parser.parse(null, envelope("t", "null", "null", mysqlSource("\"false\"", GTID)));
        assertEquals(Op.TRUNCATE, truncate.op());
        assertNull(truncate.row());
        String message = "{\"op\":\"m\",\"ts_ms\":5,\"source\":" + mysqlSource("\"false\"", "null")
                + ",\"message\":{\"prefix\":\"holdfast\",\"content\":\"aGVsbG8=\"}}";
        ChangeEvent event = parser.parse(null, message);
        assertEquals(Op.MESSAGE, event.op());
        assertEquals(5, event.tsMs());
    }

    @Test
    void valuesKeepDebeziumsDefaultEncodings() {
        String after = """
                {"entity_id":"e-1","revision":9223372036854775807,"unsigned_big":18446744073709551615,
                 "price":"AJw=","created_at_us":1733490000123456,"ratio":0.25,"flag":true,"note":null,
                 "shape":{"wkb":"AQEAAAA=","srid":4326},"tags":["a","b"],"numeric_text":" 42 "}""";
        Row row = parser.parse(null, envelope("c", "null", after, "null")).after();
        assertEquals(Long.MAX_VALUE, row.longValue("revision"));
        assertEquals("18446744073709551615", row.get("unsigned_big"));
        assertEquals("AJw=", row.string("price"), "DECIMAL stays base64 text");
        assertEquals(1733490000123456L, row.longValue("created_at_us"), "DATETIME(6) arrives as epoch micros");
        assertEquals(0.25, row.get("ratio"));
        assertEquals(Boolean.TRUE, row.get("flag"));
        assertTrue(row.has("note"));
        assertNull(row.get("note"));
        assertFalse(row.has("absent"));
        assertNull(row.longValue("absent"));
        assertEquals("{\"wkb\":\"AQEAAAA=\",\"srid\":4326}", row.string("shape"));
        assertEquals("[\"a\",\"b\"]", row.string("tags"));
        assertEquals(42L, row.longValue("numeric_text"));
        assertEquals("9223372036854775807", row.string("revision"));
        assertThrows(IllegalArgumentException.class, () -> row.longValue("price"));
        assertThrows(IllegalArgumentException.class, () -> row.longValue("ratio"));
        assertThrows(IllegalArgumentException.class, () -> row.longValue("unsigned_big"));
        assertThrows(UnsupportedOperationException.class, () -> row.asMap().put("x", 1));
        assertEquals(11, row.size());
        assertNull(event(null).source());
    }

    private ChangeEvent event(String source) {
        return parser.parse(null, envelope("c", "null", REVISION_AFTER, String.valueOf(source)));
    }

    @Test
    void keyColumnNamedSchemaIsAColumnNotAWrapper() {
        Row key = parser.parseKey("{\"schema\":\"tenant_a\",\"entity_id\":\"e-1\"}");
        assertEquals("tenant_a", key.string("schema"));
        assertEquals("e-1", key.string("entity_id"));
        assertEquals(0, parser.parseKey("{}").size());
    }

    @Test
    void keysAreReadWrappedOrNot() {
        assertEquals(parser.parseKey(KEY), parser.parseKey(wrappedKey(KEY)));
        assertEquals(7L, parser.parseKey(wrappedKey(KEY)).longValue("revision"));
    }

    @Test
    void parserIsReusableAcrossRecords() {
        for (int i = 0; i < 3; i++) {
            assertEquals(Op.CREATE, parser.parse(KEY, envelope("c", "null", REVISION_AFTER, mysqlSource("\"false\"", GTID))).op());
        }
    }

    static Stream<Arguments> rejections() {
        String source = mysqlSource("\"false\"", GTID);
        return Stream.of(
                Arguments.of(KEY, "not json", "not JSON"),
                Arguments.of(KEY, "", "not JSON"),
                Arguments.of(KEY, "{\"op\":\"c\"", "not JSON"),
                Arguments.of(KEY, "[1,2]", "value is not a JSON object"),
                Arguments.of(KEY, "\"c\"", "value is not a JSON object"),
                Arguments.of(KEY, "{}", "value is not a Debezium envelope: no 'op' field"),
                Arguments.of(KEY, "{\"before\":null,\"after\":" + REVISION_AFTER + "}", "value is not a Debezium envelope: no 'op' field"),
                Arguments.of(KEY, "{\"op\":null,\"after\":" + REVISION_AFTER + "}", "value is not a Debezium envelope: no 'op' field"),
                Arguments.of(KEY, wrapped("{\"after\":" + REVISION_AFTER + "}"), "value is not a Debezium envelope: no 'op' field"),
                Arguments.of(KEY, wrapped("{}"), "value is not a Debezium envelope: no 'op' field"),
                Arguments.of(KEY, envelope("x", "null", REVISION_AFTER, source), "op 'x' is not one of c,u,d,r,t,m"),
                Arguments.of(KEY, envelope("create", "null", REVISION_AFTER, source), "op 'create' is not one of c,u,d,r,t,m"),
                Arguments.of(KEY, "{\"op\":1}", "op is not a string"),
                Arguments.of(KEY, envelope("c", "null", "null", source), "op 'c' has no 'after' row"),
                Arguments.of(KEY, envelope("r", "null", "null", source), "op 'r' has no 'after' row"),
                Arguments.of(KEY, envelope("u", REVISION_AFTER, "null", source), "op 'u' has no 'after' row"),
                Arguments.of(KEY, envelope("d", "null", "null", source), "op 'd' has no 'before' row"),
                Arguments.of(KEY, "{\"op\":\"d\"}", "op 'd' has no 'before' row"),
                Arguments.of(KEY, envelope("c", "null", REVISION_AFTER, "\"mysql\""), "'source' is not an object"),
                Arguments.of(KEY, envelope("c", "null", REVISION_AFTER, "[]"), "'source' is not an object"),
                Arguments.of(KEY, envelope("c", "null", "[1]", source), "'after' is not an object"),
                Arguments.of(KEY, envelope("d", "\"row\"", "null", source), "'before' is not an object"),
                Arguments.of(KEY, envelope("c", "null", REVISION_AFTER, mysqlSource("\"maybe\"", GTID)),
                        "source.snapshot 'maybe' is not one of"),
                Arguments.of(KEY, envelope("c", "null", REVISION_AFTER, mysqlSource("1", GTID)),
                        "source.snapshot is not a string or boolean"),
                Arguments.of(KEY, envelope("c", "null", REVISION_AFTER, mysqlSource("\"false\"", "\"" + UUID + ":0\"")),
                        "source.gtid: MySQL GTID set position '" + UUID + ":0'"),
                Arguments.of(KEY, envelope("c", "null", REVISION_AFTER, vitessSource("\"[{}]\"")), "source.vgtid: Vitess VGTID"),
                Arguments.of(KEY, envelope("c", "null", REVISION_AFTER, mysqlSource("\"false\"", "5")), "source.gtid is not a string"),
                Arguments.of(KEY, envelope("c", "null", "{\"entity_id\":\"a\",\"entity_id\":\"b\"}", source),
                        "column 'entity_id' appears twice in 'after'"),
                Arguments.of(KEY, envelope("c", "null", REVISION_AFTER, source) + " {}", "not JSON: text after the top-level object"),
                Arguments.of(KEY, "{\"schema\":{},\"payload\":\"x\"}", "'payload' is not an object"),
                Arguments.of(KEY, "{\"schema\":{\"type\":\"struct\"}}", "value has a 'schema' but no 'payload'"),
                Arguments.of(KEY, "{\"op\":\"c\",\"after\":{},\"ts_ms\":\"soon\"}", "ts_ms is not an integer"),
                Arguments.of("not json", envelope("c", "null", REVISION_AFTER, source), "not JSON"),
                Arguments.of("\"e-42\"", envelope("c", "null", REVISION_AFTER, source), "key is not a JSON object"),
                Arguments.of("{\"schema\":{}}", envelope("c", "null", REVISION_AFTER, source), "key has a 'schema' but no 'payload'"),
                Arguments.of("{\"schema\":{},\"payload\":5}", null, "'payload' is not an object"));
    }

    @ParameterizedTest
    @MethodSource("rejections")
    void rejectsWithAOneLineReason(String key, String value, String reason) {
        MalformedChangeEventException e = assertThrows(MalformedChangeEventException.class, () -> parser.parse(key, value));
        assertTrue(e.getMessage().startsWith(reason), () -> "expected '" + reason + "...' but was: " + e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
}
