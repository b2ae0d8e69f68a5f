package io.holdfast.reconciler.cdc;

/**
 * Hand-written records modelled on the examples of Debezium's MySQL, MariaDB and Vitess connector
 * documentation, for the tables {@code revisions(entity_id, revision, content_hash, object_key,
 * size_bytes, created_at DATETIME(3))} and {@code entity_heads(entity_id PK, head_revision,
 * updated_at DATETIME(3))}.
 */
final class Envelopes {

    static final String UUID = "3e11fa47-71ca-11e1-9e33-c80aa9429562";

    private Envelopes() {
    }

    static final String REVISION_AFTER = """
            {"entity_id":"e-42","revision":7,"content_hash":"9f86d081884c7d65","object_key":"snapshots/e-42/7",
             "size_bytes":1048576,"created_at":1733490000123}""";

    static String mysqlSource(String snapshot, String gtid) {
        return """
                {"version":"2.7.3.Final","connector":"mysql","name":"holdfast","ts_ms":1733490000000,
                 "snapshot":%s,"db":"holdfast","sequence":null,"ts_us":1733490000000000,"ts_ns":1733490000000000000,
                 "table":"revisions","server_id":223344,"gtid":%s,"file":"mysql-bin.000003","pos":4015,"row":0,
                 "thread":36,"query":null}""".formatted(snapshot, gtid);
    }

    static String envelope(String op, String before, String after, String source) {
        return """
                {"before":%s,"after":%s,"source":%s,"transaction":null,"op":"%s","ts_ms":1733490000236,
                 "ts_us":1733490000236021,"ts_ns":1733490000236021000}""".formatted(before, after, source, op);
    }

    /** The value with schemas.enable=true: the envelope schema (abridged but real in shape) and the payload. */
    static String wrapped(String payload) {
        return """
                {"schema":{"type":"struct","fields":[
                   {"type":"struct","fields":[{"type":"string","optional":false,"field":"entity_id"},
                     {"type":"int64","optional":false,"field":"revision"},
                     {"type":"bytes","optional":true,"name":"org.apache.kafka.connect.data.Decimal",
                      "version":1,"parameters":{"scale":"2","connect.decimal.precision":"10"},"field":"price"},
                     {"type":"int64","optional":true,"name":"io.debezium.time.Timestamp","version":1,"field":"created_at"}],
                    "optional":true,"name":"holdfast.holdfast.revisions.Value","field":"before"},
                   {"type":"struct","fields":[],"optional":true,"name":"holdfast.holdfast.revisions.Value","field":"after"},
                   {"type":"struct","fields":[{"type":"string","optional":false,"field":"version"},
                     {"type":"string","optional":true,"name":"io.debezium.data.Enum","version":1,
                      "parameters":{"allowed":"true,last,false,incremental"},"default":"false","field":"snapshot"}],
                    "optional":false,"name":"io.debezium.connector.mysql.Source","field":"source"},
                   {"type":"string","optional":false,"field":"op"},{"type":"int64","optional":true,"field":"ts_ms"}],
                  "optional":false,"name":"holdfast.holdfast.revisions.Envelope","version":2},
                 "payload":%s}""".formatted(payload);
    }

    static String wrappedKey(String payload) {
        return """
                {"schema":{"type":"struct","fields":[{"type":"string","optional":false,"field":"entity_id"},
                   {"type":"int64","optional":false,"field":"revision"}],
                  "optional":false,"name":"holdfast.holdfast.revisions.Key"},"payload":%s}""".formatted(payload);
    }
}
