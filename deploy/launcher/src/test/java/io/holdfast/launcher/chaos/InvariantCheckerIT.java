package io.holdfast.launcher.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.connectors.binlog.BinlogConfig;
import io.holdfast.connectors.binlog.BinlogSource;
import io.holdfast.connectors.store.EntityStoreSchema;
import io.holdfast.connectors.store.StoreAudit;
import io.holdfast.connectors.store.StoreClients;
import io.holdfast.connectors.store.StoreConfig;
import io.holdfast.connectors.writer.FailurePlan;
import io.holdfast.connectors.writer.RevisionWriter;
import io.holdfast.embedded.EmbeddedKafka;
import io.holdfast.embedded.EmbeddedMariaDb;
import io.holdfast.embedded.EmbeddedS3;
import io.holdfast.embedded.junit.EmbeddedStackExtension;
import io.holdfast.topology.catalog.TopicCatalog;
import io.holdfast.topology.catalog.TopicEnsurer;
import io.holdfast.topology.config.HoldfastConfig;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The checker against the real thing: revisions written through the reference writer, captured by the binlog
 * source into the CDC topics, read back by {@link InvariantChecker#writePath}. Clean, it finds nothing; then a head
 * is moved backward and a revision row changed by hand, directly in MariaDB, and it must name both, from the binlog
 * as well as from the store.
 */
@ExtendWith(EmbeddedStackExtension.class)
class InvariantCheckerIT {

    @Test
    void aHeadMovedBackAndARowRewrittenInMariaDbAreSeenInTheBinlog(EmbeddedKafka kafka, EmbeddedMariaDb db, EmbeddedS3 s3Server)
            throws Exception {
        String database = "checker_it";
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password()); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE IF NOT EXISTS " + database);
        }
        Map<String, String> p = new HashMap<>();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        p.put(HoldfastConfig.TOPIC_PREFIX, "it-checker-" + System.nanoTime() + ".");
        p.put(HoldfastConfig.CDC_DATABASE, database);
        p.put(HoldfastConfig.SNAPSHOTS_BUCKET, "holdfast-checker-" + Long.toString(System.nanoTime(), 36));
        p.put(HoldfastConfig.SNAPSHOTS_PREFIX, "snapshots/");
        p.put(StoreConfig.DB_URL, db.jdbcUrl(database));
        p.put(StoreConfig.DB_USER, db.user());
        p.put(StoreConfig.DB_PASSWORD, db.password());
        p.put(StoreConfig.S3_ENDPOINT, s3Server.endpoint());
        p.put(StoreConfig.S3_PATH_STYLE, "true");
        p.put(StoreConfig.S3_REGION, EmbeddedS3.REGION);
        p.put(StoreConfig.S3_ACCESS_KEY_ID, EmbeddedS3.ACCESS_KEY);
        p.put(StoreConfig.S3_SECRET_ACCESS_KEY, EmbeddedS3.SECRET_KEY);
        p.put("holdfast.binlog.offset.flush.interval.ms", "100");
        TopicCatalog catalog = new TopicCatalog(HoldfastConfig.ofValidated(p));
        try (Admin admin = kafka.admin()) {
            new TopicEnsurer(admin, Duration.ofSeconds(60)).ensure(catalog.all());
        }
        StoreConfig store = StoreConfig.ofValidated(p);
        try (StoreClients clients = StoreClients.open(store)) {
            clients.s3().createBucket(b -> b.bucket(store.bucket()));
            try (Connection c = clients.connection()) {
                EntityStoreSchema.ensure(c);
            }
            try (BinlogSource binlog = BinlogSource.start(BinlogConfig.ofValidated(p), false)) {
                // Written once the source streams, so that every write reaches the CDC topics as a change, not a copied row.
                long streamingBy = System.nanoTime() + Duration.ofMinutes(2).toNanos();
                while (!binlog.status().streaming() && System.nanoTime() < streamingBy) {
                    Thread.sleep(200);
                }
                assertTrue(binlog.status().streaming(), binlog.status().oneLine());
                RevisionWriter writer = new RevisionWriter(clients.s3(), clients.database(), store.bucket(), store.prefix(),
                        FailurePlan.none());
                for (String entity : List.of("e1", "e2")) {
                    for (int write = 1; write <= 2; write++) {
                        writer.write(entity, ("{\"write\":" + write + "}").getBytes(StandardCharsets.UTF_8));
                    }
                }
                InvariantChecker.WritePathReport clean = await(clients, store, catalog, kafka.bootstrapServers(),
                        r -> r.headChanges() >= 4 && r.rowChanges() >= 4);
                assertEquals(List.of(), clean.problems(), "a clean store and history: " + clean.summary());

                try (Connection c = clients.connection(); Statement s = c.createStatement()) {
                    s.executeUpdate("UPDATE entity_heads SET head_revision = 1 WHERE entity_id = 'e1'");
                    s.executeUpdate("UPDATE revisions SET size_bytes = size_bytes + 1 WHERE entity_id = 'e2' AND revision = 1");
                }
                InvariantChecker.WritePathReport broken = await(clients, store, catalog, kafka.bootstrapServers(),
                        r -> r.headChanges() >= 5 && r.rowChanges() >= 5);
                System.out.println("checker IT, after the planted changes: " + broken.summary());
                assertTrue(broken.problems().contains("head of e1 moved backward from 2 to 1"), broken.summary());
                assertTrue(broken.problems().contains("head of e1 went from 2 to 1 in binlog order"), broken.summary());
                assertTrue(broken.problems().contains("revision row e2/1 was updated after its insert"), broken.summary());
                assertTrue(broken.problems().contains("head of e1 is 1, its highest revision 2"), broken.summary());
                assertEquals(4, broken.problems().size(), broken.summary());

                // What holdfast chaos re-checks after a full check: the entities it found wrong, and nothing else.
                try (Connection c = clients.connection()) {
                    StoreAudit.Report full = StoreAudit.check(clients.s3(), store.bucket(), store.prefix(), c);
                    assertEquals(java.util.Set.of("e1"), full.problemEntities(), full.summary());
                    StoreAudit.Report e1 = StoreAudit.checkEntities(clients.s3(), store.bucket(), store.prefix(), c, full.problemEntities());
                    assertEquals(List.of("head of e1 is 1, its highest revision 2"), e1.problems(), e1.summary());
                    assertEquals(2, e1.snapshots(), "e1's snapshots only: " + e1.summary());
                    assertEquals(2, e1.rows(), e1.summary());
                    StoreAudit.Report e2 = StoreAudit.checkEntities(clients.s3(), store.bucket(), store.prefix(), c, List.of("e2"));
                    assertTrue(e2.consistent(), e2.summary());
                    assertEquals(2, e2.snapshots(), e2.summary());
                }
            }
        }
    }

    /** Reads until the binlog has brought what {@code enough} asks for (the source streams within seconds). */
    private static InvariantChecker.WritePathReport await(StoreClients clients, StoreConfig store, TopicCatalog catalog, String bootstrap,
                                                         Predicate<InvariantChecker.WritePathReport> enough) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (true) {
            InvariantChecker.WritePathReport r;
            try (Connection c = clients.connection()) {
                r = InvariantChecker.writePath(clients.s3(), store.bucket(), store.prefix(), c, bootstrap, catalog.cdcRevisions.name(),
                        catalog.cdcEntityHeads.name());
            }
            if (enough.test(r) || System.nanoTime() > deadline) {
                return r;
            }
            Thread.sleep(1_000);
        }
    }
}
