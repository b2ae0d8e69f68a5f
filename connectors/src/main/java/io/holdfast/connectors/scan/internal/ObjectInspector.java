package io.holdfast.connectors.scan.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectTaggingResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.Tag;

/**
 * Reads each listed object's user metadata (HeadObject) and tags (GetObjectTagging), at most
 * {@code concurrency} objects at a time: the listing gives neither, and one object at a time would
 * make a pass as slow as the sum of the round trips. What earlier passes read and cannot have changed is
 * not read again ({@link KnownObjects}). An object gone by the time it is read (deleted
 * after the listing) is reported as gone; any other failure (after the SDK's own retries) fails the page.
 */
public final class ObjectInspector implements AutoCloseable {

    private final S3Client s3;
    private final String bucket;
    private final ExecutorService workers;
    private final KnownObjects known;
    private final InspectionCounts metrics;

    public ObjectInspector(S3Client s3, String bucket, int concurrency, KnownObjects known, InspectionCounts metrics) {
        this.s3 = s3;
        this.bucket = bucket;
        this.known = known;
        this.metrics = metrics;
        this.workers = Executors.newFixedThreadPool(concurrency, daemonThreads("holdfast-scan-head-"));
    }

    /** The facts of every object of {@code page}, in listing order; empty for an object that no longer exists. */
    public List<Optional<SnapshotRecords.ObjectFacts>> inspect(List<S3Object> page) throws InterruptedException {
        List<Future<Optional<SnapshotRecords.ObjectFacts>>> pending = new ArrayList<>(page.size());
        for (S3Object listed : page) {
            pending.add(workers.submit(() -> inspect(listed)));
        }
        List<Optional<SnapshotRecords.ObjectFacts>> facts = new ArrayList<>(page.size());
        try {
            for (Future<Optional<SnapshotRecords.ObjectFacts>> f : pending) {
                facts.add(f.get());
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
        } finally {
            pending.forEach(f -> f.cancel(true));
        }
        return facts;
    }

    private Optional<SnapshotRecords.ObjectFacts> inspect(S3Object listed) {
        Optional<SnapshotRecords.ObjectFacts> before;
        synchronized (known) {
            before = known.known(listed.key(), listed.eTag());
        }
        KnownObjects.Reads reads = KnownObjects.readsFor(before);
        try {
            SnapshotRecords.ObjectFacts facts;
            if (reads == KnownObjects.Reads.NONE) {
                facts = before.get();
            } else if (reads == KnownObjects.Reads.TAGS) {
                facts = withTags(before.get(), tags(listed.key()));
            } else {
                HeadObjectResponse head = s3.headObject(b -> b.bucket(bucket).key(listed.key()));
                facts = new SnapshotRecords.ObjectFacts(listed.key(),
                        head.eTag() != null ? head.eTag() : listed.eTag(),
                        head.contentLength() != null ? head.contentLength() : listed.size(),
                        head.lastModified() != null ? head.lastModified() : listed.lastModified(),
                        new TreeMap<>(head.metadata()), tags(listed.key()));
            }
            synchronized (known) {
                known.remember(facts);
            }
            metrics.inspected(reads);
            return Optional.of(facts);
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                synchronized (known) {
                    known.forget(listed.key());
                }
                return Optional.empty();
            }
            throw e;
        }
    }

    private Map<String, String> tags(String key) {
        GetObjectTaggingResponse tagging = s3.getObjectTagging(b -> b.bucket(bucket).key(key));
        Map<String, String> tags = new TreeMap<>();
        for (Tag tag : tagging.tagSet()) {
            tags.put(tag.key(), tag.value());
        }
        return tags;
    }

    private static SnapshotRecords.ObjectFacts withTags(SnapshotRecords.ObjectFacts f, Map<String, String> tags) {
        return new SnapshotRecords.ObjectFacts(f.key(), f.etag(), f.sizeBytes(), f.lastModified(), f.userMetadata(), tags);
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }

    /** Counts objects by the reads they needed. */
    @FunctionalInterface
    public interface InspectionCounts {
        void inspected(KnownObjects.Reads reads);
    }
}
