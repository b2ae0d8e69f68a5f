package io.holdfast.bench;

import io.holdfast.schemas.PublicationState;
import io.holdfast.schemas.SnapshotObject;
import io.holdfast.topology.catalog.TopicCatalog;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The reconciler benchmarks' input, generated in one deterministic order for the broker and for
 * TopologyTestDriver alike. Per entity {@code e-<i>}: R revision rows and one head insert as MariaDB
 * Debezium envelopes (JSON, no schema wrapper, one GTID per row, like the fixtures under
 * reconciler-stream's {@code debezium/mariadb/no-schema}), then the R snapshot objects a scan pass lists,
 * tagged published with the rows' content hashes. A consistent store: the reconciler only merges. Every
 * hundredth entity is an orphan: its last revision reached S3 but not Vitess (the writer died between
 * steps 1 and 2), so after grace it takes a replay, the repair path at 1% of entities.
 */
public final class ReconcilerInput {

    static final String PASS_ID = "bench-pass-1";

    /** Where the generated records go, one call per record, in the order a consumer should see them. */
    public interface Sink {
        void revision(String key, String envelope, long timestamp);

        void head(String key, String envelope, long timestamp);

        void snapshot(String key, SnapshotObject object, long timestamp);
    }

    private final int entities;
    private final int revisions;
    private final String server;
    private final String database;
    private final String revisionsTable;
    private final String headsTable;
    private final String bucket;
    private final String objectPrefix;

    public ReconcilerInput(int entities, int revisions, TopicCatalog catalog, String bucket, String objectPrefix) {
        if (revisions < 1) {
            throw new IllegalArgumentException("revisions per entity must be at least 1");
        }
        this.entities = entities;
        this.revisions = revisions;
        this.server = catalog.debeziumTopicPrefix();
        this.database = catalog.cdc().database();
        this.revisionsTable = catalog.cdc().revisionsTable();
        this.headsTable = catalog.cdc().headsTable();
        this.bucket = bucket;
        this.objectPrefix = objectPrefix;
    }

    int entities() {
        return entities;
    }

    static boolean isOrphan(int entity) {
        return entity % 100 == 99;
    }

    private int orphans() {
        return entities / 100; // entities 99, 199, ...
    }

    long rows() {
        return (long) entities * revisions - orphans();
    }

    /** An orphan with a single revision has no row, hence no head either. */
    long heads() {
        return revisions > 1 ? entities : entities - orphans();
    }

    long snapshots() {
        return (long) entities * revisions;
    }

    long events() {
        return rows() + heads() + snapshots();
    }

    /**
     * Writes every record to {@code sink}. Record time starts at {@code start} and moves 1 ms per record
     * (the rows' commit time, the scan's listing time): keep {@code start} within the topics' retention.
     */
    public void generate(long start, Sink sink) {
        long t = start;
        long gtid = 0;
        for (int i = 0; i < entities; i++) {
            String entity = "e-" + i;
            int rowCount = isOrphan(i) ? revisions - 1 : revisions;
            for (int r = 1; r <= rowCount; r++) {
                t++;
                gtid++;
                String after = "{\"entity_id\":\"" + entity + "\",\"revision\":" + r + ",\"content_hash\":\"" + hash(i, r)
                        + "\",\"object_key\":\"" + objectKey(entity, r) + "\",\"size_bytes\":" + size(i, r)
                        + ",\"created_at\":" + (t - 1_000) + "}";
                sink.revision("{\"entity_id\":\"" + entity + "\",\"revision\":" + r + "}",
                        envelope(after, revisionsTable, t, gtid), t);
            }
            if (rowCount > 0) {
                t++;
                gtid++;
                String after = "{\"entity_id\":\"" + entity + "\",\"head_revision\":" + rowCount + ",\"updated_at\":" + t + "}";
                sink.head("{\"entity_id\":\"" + entity + "\"}", envelope(after, headsTable, t, gtid), t);
            }
            for (int r = 1; r <= revisions; r++) {
                t++;
                sink.snapshot(entity, snapshot(entity, r, hash(i, r), size(i, r), t), t);
            }
        }
    }

    /** A MariaDB connector insert event, field for field as Debezium 3.5 writes it with schemas off. */
    private String envelope(String after, String table, long t, long gtid) {
        return "{\"before\":null,\"after\":" + after + ",\"source\":{\"version\":\"3.5.0.Final\",\"connector\":\"mariadb\","
                + "\"name\":\"" + server + "\",\"ts_ms\":" + t + ",\"snapshot\":\"false\",\"db\":\"" + database
                + "\",\"sequence\":null,\"ts_us\":" + t * 1_000 + ",\"ts_ns\":" + t * 1_000_000 + ",\"table\":\"" + table
                + "\",\"server_id\":1,\"gtid\":\"0-1-" + gtid + "\",\"file\":\"binlog.000001\",\"pos\":" + (4 + gtid * 550)
                + ",\"row\":0,\"thread\":null,\"query\":null},\"transaction\":null,\"op\":\"c\",\"ts_ms\":" + (t + 300)
                + ",\"ts_us\":" + (t + 300) * 1_000 + ",\"ts_ns\":" + (t + 300) * 1_000_000 + "}";
    }

    private SnapshotObject snapshot(String entity, int revision, String hash, long size, long scanTime) {
        Instant written = Instant.ofEpochMilli(scanTime - 1_000);
        return SnapshotObject.newBuilder().setBucket(bucket).setObjectKey(objectKey(entity, revision)).setEntityId(entity)
                .setRevision(revision).setContentHash(hash).setSizeBytes(size).setEtag("etag-" + entity + "-" + revision)
                .setLastModifiedTime(written).setPublicationState(PublicationState.PUBLISHED)
                .setTags(Map.of("publication_state", "published")).setUserMetadata(Map.of())
                .setCreatedAt(written).setScanPassId(PASS_ID).setScanTime(Instant.ofEpochMilli(scanTime)).build();
    }

    private String objectKey(String entity, int revision) {
        return objectPrefix + entity + "/" + revision;
    }

    /** A sha256-shaped hash, the same for an entity's row and its snapshot (real hashing would only add cost here). */
    private static String hash(int entity, int revision) {
        SplittableRandom random = new SplittableRandom(((long) entity << 20) ^ revision);
        return String.format(Locale.ROOT, "sha256:%016x%016x%016x%016x", random.nextLong(), random.nextLong(), random.nextLong(),
                random.nextLong());
    }

    private static long size(int entity, int revision) {
        return 1_024 + (entity * 31L + revision * 17L) % 4_096;
    }
}
