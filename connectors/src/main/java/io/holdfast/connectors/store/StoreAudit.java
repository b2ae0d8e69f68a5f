package io.holdfast.connectors.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

    /** What was found; {@link #problems()} is empty when the store is consistent. */
    public record Report(int snapshots, int entities, int rows, List<String> problems) {
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
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        List<S3Object> objects = new ArrayList<>();
        s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().forEach(objects::add);
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
        Map<String, Set<Long>> rows = new HashMap<>();
        int rowCount = 0;
        Map<String, Long> heads = new HashMap<>();
        try (Statement s = db.createStatement()) {
            try (ResultSet r = s.executeQuery("SELECT entity_id, revision FROM revisions")) {
                while (r.next()) {
                    rows.computeIfAbsent(r.getString(1), k -> new HashSet<>()).add(r.getLong(2));
                    rowCount++;
                }
            }
            try (ResultSet r = s.executeQuery("SELECT entity_id, head_revision FROM entity_heads")) {
                while (r.next()) {
                    heads.put(r.getString(1), r.getLong(2));
                }
            }
        }
        Map<String, Long> highest = new HashMap<>();
        for (S3Object o : objects) {
            String rest = o.key().substring(prefix.length());
            int slash = rest.lastIndexOf('/');
            String entity = rest.substring(0, slash);
            long revision = Long.parseLong(rest.substring(slash + 1));
            highest.merge(entity, revision, Math::max);
            if (!rows.getOrDefault(entity, Set.of()).contains(revision)) {
                problems.add("snapshot " + o.key() + " has no revision row");
            }
            if (!published.contains(o.key())) {
                problems.add("snapshot " + o.key() + " is not tagged published");
            }
        }
        for (Map.Entry<String, Long> e : highest.entrySet()) {
            Long head = heads.get(e.getKey());
            if (head == null || head.longValue() != e.getValue()) {
                problems.add("head of " + e.getKey() + " is " + head + ", its highest revision " + e.getValue());
            }
        }
        return new Report(objects.size(), highest.size(), rowCount, List.copyOf(problems));
    }
}
