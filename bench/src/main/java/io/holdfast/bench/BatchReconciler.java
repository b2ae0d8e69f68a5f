package io.holdfast.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The baseline: snapshot-without-row repair written the way a periodic job does it. Each pass lists
 * every snapshot (ListObjectsV2, every page), then reads every revision row, diffs the two, and decides a
 * replay for each snapshot older than {@code grace} that has no row; for each replay it reads the
 * snapshot's metadata (HeadObject: the row is built from it, as holdfast's executor does).
 *
 * <p>The rows are read with one query streamed over the whole table, not one lookup per listed object:
 * a diff of two full sets costs one sequential primary-key scan and a stream of rows, where lookups cost a
 * round trip each (a million objects, a million round trips); it is how such jobs are written (an
 * inventory joined with a table dump), and it reads the same number of rows. The listing comes before
 * the query, so a row committed after its snapshot was listed is seen, and a write in flight is never
 * mistaken for an orphan; the grace covers the writer's own steps, as it does for holdfast.
 *
 * <p>It only decides: it must not write to the store while holdfast's executor may (the two would
 * fight over the same rows). A replay it decided is remembered as done, as if the row had been written,
 * so that each orphan is decided once and the next passes count that row as read.
 */
final class BatchReconciler {

    /** One pass: when it ran (epoch ms), what it read, and the replays it decided. */
    record Pass(long startedMs, long finishedMs, long objectsListed, long rowsRead, long metadataReads, List<Decision> decided) {
        long durationMs() {
            return finishedMs - startedMs;
        }

        long recordsRead() {
            return objectsListed + rowsRead + metadataReads;
        }
    }

    /** A replay decided at {@code decidedMs} for the object {@code key}, last modified at {@code lastModifiedMs}. */
    record Decision(String key, long lastModifiedMs, long decidedMs) {}

    private final S3Client s3;
    private final DataSource database;
    private final String bucket;
    private final String prefix;
    private final String revisionsTable;
    private final long graceMs;
    /** Replays decided by earlier passes: rows this job would have written. */
    private final Set<String> replayed = new HashSet<>();

    BatchReconciler(S3Client s3, DataSource database, String bucket, String prefix, String revisionsTable, long graceMs) {
        this.s3 = s3;
        this.database = database;
        this.bucket = bucket;
        this.prefix = prefix;
        this.revisionsTable = revisionsTable;
        this.graceMs = graceMs;
    }

    Pass runPass() throws SQLException {
        long started = System.currentTimeMillis();
        List<S3Object> objects = new ArrayList<>();
        for (ListObjectsV2Response page : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix).maxKeys(1000))) {
            objects.addAll(page.contents());
        }
        Map<String, Set<Long>> rows = new HashMap<>();
        long rowsRead = 0;
        try (Connection c = database.getConnection(); Statement s = c.createStatement()) {
            // Connector/J streams the result in batches of this size instead of buffering the whole table.
            s.setFetchSize(1000);
            try (ResultSet r = s.executeQuery("SELECT entity_id, revision FROM " + revisionsTable)) {
                while (r.next()) {
                    rows.computeIfAbsent(r.getString(1), k -> new HashSet<>()).add(r.getLong(2));
                    rowsRead++;
                }
            }
        }
        rowsRead += replayed.size();
        List<Decision> decided = new ArrayList<>();
        long metadataReads = 0;
        for (S3Object o : objects) {
            String rest = o.key().substring(prefix.length());
            int slash = rest.lastIndexOf('/');
            if (slash <= 0) {
                continue;
            }
            long revision;
            try {
                revision = Long.parseLong(rest.substring(slash + 1));
            } catch (NumberFormatException e) {
                continue;
            }
            if (rows.getOrDefault(rest.substring(0, slash), Set.of()).contains(revision) || replayed.contains(o.key())) {
                continue;
            }
            long now = System.currentTimeMillis();
            long lastModified = o.lastModified().toEpochMilli();
            if (now - lastModified < graceMs) {
                continue;
            }
            HeadObjectResponse head = s3.headObject(b -> b.bucket(bucket).key(o.key()));
            metadataReads++;
            if (head.metadata().isEmpty()) {
                continue; // not a snapshot of the writer's: a replay could not build its row
            }
            replayed.add(o.key());
            decided.add(new Decision(o.key(), lastModified, System.currentTimeMillis()));
        }
        return new Pass(started, System.currentTimeMillis(), objects.size(), rowsRead, metadataReads, decided);
    }
}
