package io.holdfast.bench;

import io.holdfast.connectors.binlog.BinlogConfig;
import io.holdfast.connectors.binlog.BinlogSource;
import io.holdfast.connectors.store.EntityStoreSchema;
import io.holdfast.connectors.store.StoreConfig;
import io.holdfast.embedded.EmbeddedKafka;
import io.holdfast.embedded.EmbeddedMariaDb;
import io.holdfast.topology.catalog.TopicCatalog;
import io.holdfast.topology.catalog.TopicEnsurer;
import io.holdfast.topology.config.HoldfastConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The binlog source's capture rate against the database's own insert rate, measured in the same run:
 * while the source streams, {@code rows} revision rows are inserted as fast as one JDBC connection
 * can (batches of 500, one commit each: the baseline rate is rows over the insert time); the capture
 * rate is rows over the time from the first insert until the last change event is on the topic, as a
 * consumer would see it (end offsets). The source's lag behind the inserts at the end is reported too.
 */
final class BinlogCaptureBench implements AutoCloseable {

    /** One run: both rates, and how far the last event came after the last insert. */
    record Result(Run insert, Run capture, Duration lagAtEnd) {}

    private static final int BATCH = 500;

    private final EmbeddedKafka kafka;
    private final EmbeddedMariaDb db;
    private final int rows;
    private final String database = "bench_binlog";
    private final String prefix = "bench-binlog-" + System.nanoTime() + ".";
    private final BinlogConfig config;
    private final String revisionsTopic;
    private final KafkaConsumer<byte[], byte[]> offsets;
    private final BinlogSource source;
    private final List<TopicPartition> partitions;

    BinlogCaptureBench(EmbeddedKafka kafka, EmbeddedMariaDb db, int rows) throws Exception {
        this.kafka = kafka;
        this.db = db;
        this.rows = rows;
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE IF NOT EXISTS " + database);
        }
        try (Connection c = connect()) {
            EntityStoreSchema.ensure(c);
        }
        Map<String, String> p = new HashMap<>();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        p.put(HoldfastConfig.TOPIC_PREFIX, prefix);
        p.put(HoldfastConfig.TOPIC_PARTITIONS, "3");
        p.put(HoldfastConfig.HTTP_PORT, "0");
        p.put(HoldfastConfig.CDC_DATABASE, database);
        p.put(StoreConfig.DB_URL, db.jdbcUrl(database));
        p.put(StoreConfig.DB_USER, db.user());
        p.put(StoreConfig.DB_PASSWORD, db.password());
        this.config = BinlogConfig.load(Optional.empty(), Map.of(), p);
        TopicCatalog catalog = new TopicCatalog(config);
        try (Admin admin = kafka.admin()) {
            new TopicEnsurer(admin, Duration.ofSeconds(60)).ensure(catalog.all());
        }
        this.revisionsTopic = catalog.cdcRevisions.name();
        Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", kafka.bootstrapServers());
        this.offsets = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.partitions = offsets.partitionsFor(revisionsTopic, Duration.ofSeconds(30)).stream()
                .map(p2 -> new TopicPartition(revisionsTopic, p2.partition())).toList();
        // Streaming before the runs (its copy of the empty tables done), warmed up by one row.
        this.source = BinlogSource.start(config, false);
        if (!source.awaitStreaming(Duration.ofSeconds(120))) {
            throw new IllegalStateException("the binlog source did not start streaming within 120 s");
        }
        long before = endOffsets();
        insert("warm-up", 1);
        awaitEvents(before, Duration.ofSeconds(60));
    }

    Result run(int r) throws Exception {
        long before = endOffsets();
        long began = System.nanoTime();
        insert("run" + r, rows);
        long inserted = System.nanoTime();
        long last = awaitEvents(before + rows - 1, Duration.ofMinutes(10));
        return new Result(new Run(rows, (inserted - began) / 1e9), new Run(rows, (last - began) / 1e9),
                Duration.ofNanos(Math.max(0, last - inserted)));
    }

    /** Waits until the revisions topic holds more than {@code count} events; when it did (System.nanoTime). */
    private long awaitEvents(long count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (endOffsets() > count) {
                return System.nanoTime();
            }
            if (source.failure().isPresent()) {
                throw new IllegalStateException("the binlog source failed: " + source.failure().get().getMessage(), source.failure().get());
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("the revisions topic did not pass " + count + " events within " + timeout);
    }

    private long endOffsets() {
        return offsets.endOffsets(partitions, Duration.ofSeconds(30)).values().stream().mapToLong(Long::longValue).sum();
    }

    /** {@code n} revision rows of entities {@code <name>-1..n}, in JDBC batches of {@value #BATCH}, one commit each. */
    private void insert(String name, int n) throws SQLException {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(EntityStoreSchema.INSERT_REVISION)) {
            c.setAutoCommit(false);
            Timestamp created = Timestamp.from(Instant.parse("2026-03-01T10:00:00Z"));
            for (int i = 1; i <= n; i++) {
                ps.setString(1, name + "-" + i);
                ps.setLong(2, 1);
                ps.setString(3, "sha256:" + "0".repeat(64));
                ps.setString(4, "snapshots/" + name + "-" + i + "/1");
                ps.setLong(5, 2048);
                ps.setTimestamp(6, created);
                ps.addBatch();
                if (i % BATCH == 0 || i == n) {
                    ps.executeBatch();
                    c.commit();
                }
            }
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(db.jdbcUrl(database), db.user(), db.password());
    }

    @Override
    public void close() {
        source.close();
        offsets.close();
    }
}
