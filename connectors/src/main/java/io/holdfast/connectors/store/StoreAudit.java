package io.holdfast.connectors.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The write path's end state read from the stores themselves, not from holdfast's state: every
 * snapshot in S3 has its revision row and the {@code published} tag, and every head equals its
 * entity's highest revision in S3. A full read of the bucket and both tables: for checks and
 * scenarios, never for the processing path.
 */
public final class StoreAudit {

    /**
     * What was found; {@link #problems()} is empty when the store is consistent, and {@link #problemEntities()}
     * names the entities they concern (what {@link #checkEntities} re-checks).
     */
    public record Report(int snapshots, int entities, int rows, List<String> problems, Set<String> problemEntities) {
        public boolean consistent() {
            return problems.isEmpty();
        }

        public String summary() {
            return snapshots + " snapshots of " + entities + " entities, " + rows + " revision rows; " + problems.size() + " problems"
                    + (problems.isEmpty() ? "" : ", e.g. " + problems.subList(0, Math.min(5, problems.size())));
        }
    }

    private StoreAudit() {
    }

    /** Reads every object under {@code prefix} (tags with 8 requests in flight), then both tables. */
    public static Report check(S3Client s3, String bucket, String prefix, Connection db) throws SQLException, InterruptedException {
        List<S3Object> objects = new ArrayList<>();
        s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().forEach(objects::add);
        return audit(s3, bucket, prefix, objects, db, null);
    }

    /**
     * The same check for {@code entities} alone: their snapshots, rows and heads. A full check reads every
     * snapshot's tags, minutes on a large bucket; re-checking only what it found wrong takes seconds.
     */
    public static Report checkEntities(S3Client s3, String bucket, String prefix, Connection db, Collection<String> entities)
            throws SQLException, InterruptedException {
        Set<String> wanted = new HashSet<>(entities);
        List<S3Object> objects = new ArrayList<>();
        for (String entity : wanted) {
            s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix + entity + "/")).contents().stream()
                    .filter(o -> wanted.contains(entityOf(o.key(), prefix))).forEach(objects::add);
        }
        return audit(s3, bucket, prefix, objects, db, wanted);
    }

    /** Checks {@code objects} against the rows and heads of {@code entities}, or of every entity when null. */
    private static Report audit(S3Client s3, String bucket, String prefix, List<S3Object> objects, Connection db, Set<String> entities)
            throws SQLException, InterruptedException {
        List<String> problems = new ArrayList<>();
        Set<String> problemEntities = new TreeSet<>();
        Set<String> published = publishedKeys(s3, bucket, objects);
        Map<String, Set<Long>> rows = new HashMap<>();
        int rowCount = 0;
        Map<String, Long> heads = new HashMap<>();
        String only = entities == null ? "" : " WHERE entity_id IN (" + String.join(",", Collections.nCopies(entities.size(), "?")) + ")";
        if (entities == null || !entities.isEmpty()) {
            try (PreparedStatement revisions = db.prepareStatement("SELECT entity_id, revision FROM revisions" + only);
                 PreparedStatement headRows = db.prepareStatement("SELECT entity_id, head_revision FROM entity_heads" + only)) {
                bind(revisions, entities);
                bind(headRows, entities);
                try (ResultSet r = revisions.executeQuery()) {
                    while (r.next()) {
                        rows.computeIfAbsent(r.getString(1), k -> new HashSet<>()).add(r.getLong(2));
                        rowCount++;
                    }
                }
                try (ResultSet r = headRows.executeQuery()) {
                    while (r.next()) {
                        heads.put(r.getString(1), r.getLong(2));
                    }
                }
            }
        }
        Map<String, Long> highest = new HashMap<>();
        for (S3Object o : objects) {
            String entity = entityOf(o.key(), prefix);
            long revision = Long.parseLong(o.key().substring(prefix.length() + entity.length() + 1));
            highest.merge(entity, revision, Math::max);
            if (!rows.getOrDefault(entity, Set.of()).contains(revision)) {
                problems.add("snapshot " + o.key() + " has no revision row");
                problemEntities.add(entity);
            }
            if (!published.contains(o.key())) {
                problems.add("snapshot " + o.key() + " is not tagged published");
                problemEntities.add(entity);
            }
        }
        for (Map.Entry<String, Long> e : highest.entrySet()) {
            Long head = heads.get(e.getKey());
            if (head == null || head.longValue() != e.getValue()) {
                problems.add("head of " + e.getKey() + " is " + head + ", its highest revision " + e.getValue());
                problemEntities.add(e.getKey());
            }
        }
        return new Report(objects.size(), highest.size(), rowCount, List.copyOf(problems), Collections.unmodifiableSet(problemEntities));
    }

    private static String entityOf(String key, String prefix) {
        String rest = key.substring(prefix.length());
        return rest.substring(0, rest.lastIndexOf('/'));
    }

    private static void bind(PreparedStatement statement, Set<String> entities) throws SQLException {
        if (entities == null) {
            return;
        }
        int i = 1;
        for (String entity : entities) {
            statement.setString(i++, entity);
        }
    }

    /** The keys among {@code objects} tagged published, read with 8 requests in flight. */
    private static Set<String> publishedKeys(S3Client s3, String bucket, List<S3Object> objects) throws InterruptedException {
        Set<String> published = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> tags = new ArrayList<>();
            for (S3Object o : objects) {
                tags.add(pool.submit(() -> {
                    if (EntityStoreSchema.PUBLISHED.equals(PublicationTags.read(s3, bucket, o.key()).get(EntityStoreSchema.TAG))) {
                        published.add(o.key());
                    }
                }));
            }
            for (Future<?> f : tags) {
                f.get();
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("reading the tags of the snapshots: " + e.getCause().getMessage(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
        return published;
    }
}
