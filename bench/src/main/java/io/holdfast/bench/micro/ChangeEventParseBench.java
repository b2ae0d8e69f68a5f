package io.holdfast.bench.micro;

import io.holdfast.bench.ReconcilerInput;
import io.holdfast.reconciler.ReconcilerConfig;
import io.holdfast.reconciler.cdc.ChangeEvent;
import io.holdfast.reconciler.cdc.ChangeEventParser;
import io.holdfast.schemas.SnapshotObject;
import io.holdfast.topology.catalog.TopicCatalog;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Reading one Debezium change event as the reconciler's CDC reader does, on the records the reconciler
 * throughput benchmark writes (MariaDB connector inserts of the revisions and heads tables, schemas off):
 *
 * <ul>
 *   <li>{@link #parseFromBytes}: the key and value parsed straight from the record's UTF-8 bytes (now).</li>
 *   <li>{@link #decodeToTextThenParse}: both decoded to Strings first, as Kafka's {@code StringDeserializer}
 *       did for the source, then parsed from the text (before).</li>
 * </ul>
 */
@State(Scope.Thread)
public class ChangeEventParseBench {

    static final int ENTITIES = 2_000;
    static final int REVISIONS = 4;

    private final ChangeEventParser parser = new ChangeEventParser();
    private byte[][] keys;
    private byte[][] values;
    private int next;

    @Setup
    public void generate() {
        TopicCatalog catalog = new TopicCatalog(ReconcilerConfig.load(Optional.empty(), Map.of(),
                Map.of("bootstrap.servers", "127.0.0.1:9092")));
        List<byte[]> k = new ArrayList<>();
        List<byte[]> v = new ArrayList<>();
        new ReconcilerInput(ENTITIES, REVISIONS, catalog, "holdfast-snapshots", "snapshots/").generate(1_893_456_000_000L,
                new ReconcilerInput.Sink() {
                    @Override
                    public void revision(String key, String envelope, long timestamp) {
                        k.add(key.getBytes(StandardCharsets.UTF_8));
                        v.add(envelope.getBytes(StandardCharsets.UTF_8));
                    }

                    @Override
                    public void head(String key, String envelope, long timestamp) {
                        revision(key, envelope, timestamp);
                    }

                    @Override
                    public void snapshot(String key, SnapshotObject object, long timestamp) {
                    }
                });
        keys = k.toArray(byte[][]::new);
        values = v.toArray(byte[][]::new);
    }

    private int nextIndex() {
        int i = next;
        next = i + 1 == keys.length ? 0 : i + 1;
        return i;
    }

    @Benchmark
    public ChangeEvent parseFromBytes() {
        int i = nextIndex();
        return parser.parse(keys[i], values[i]);
    }

    @Benchmark
    public ChangeEvent decodeToTextThenParse() {
        int i = nextIndex();
        return parser.parse(new String(keys[i], StandardCharsets.UTF_8), new String(values[i], StandardCharsets.UTF_8));
    }
}
