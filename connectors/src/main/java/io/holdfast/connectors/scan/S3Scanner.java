package io.holdfast.connectors.scan;

import io.holdfast.connectors.commands.KafkaTopics;
import io.holdfast.connectors.scan.internal.CheckpointReader;
import io.holdfast.connectors.scan.internal.KnownObjects;
import io.holdfast.connectors.scan.internal.ObjectInspector;
import io.holdfast.connectors.scan.internal.PassIds;
import io.holdfast.connectors.scan.internal.PassPlan;
import io.holdfast.connectors.scan.internal.PassReports;
import io.holdfast.connectors.scan.internal.ScanCheckpoint;
import io.holdfast.connectors.scan.internal.ScanSink;
import io.holdfast.connectors.scan.internal.SnapshotRecords;
import io.holdfast.connectors.store.StoreClients;
import io.holdfast.connectors.store.StoreConfig;
import io.holdfast.schemas.SnapshotObject;
import io.holdfast.topology.catalog.TopicCatalog;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@code holdfast scan s3}: the inventory of {@code <bucket>/<prefix>} on {@code s3.snapshots}.
 *
 * <p>A pass lists the prefix with ListObjectsV2, one page at a time. For each page it reads every
 * object's user metadata and tags (at most {@code holdfast.s3.max.concurrency} at a time), sends one
 * {@code SnapshotObject} per identifiable object keyed by entity id, waits until the cluster
 * acknowledged all of them, and only then commits a checkpoint (pass, start, last key, counts) to the
 * compacted checkpoint topic and its progress to {@code state.workflow}. At start it reads the last
 * checkpoint back: an unfinished pass resumes under its own id after its last key. Delivery is
 * at-least-once: the page in flight at a crash is emitted again; the reconciler is idempotent.
 *
 * <p>One scanner per bucket/prefix: two would interleave their checkpoints.
 */
public final class S3Scanner implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(S3Scanner.class);
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(60);

    private final String bucket;
    private final String prefix;
    private final int pageSize;
    private final Duration interval;
    private final String workflowKey;
    private final S3Client s3;
    private final ObjectInspector inspector;
    private final ScanSink sink;
    private final ScanMetrics metrics;
    private final ScanListener listener;
    private final PassIds passIds;
    private final Clock clock;
    private final Duration shutdownTimeout;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    /** The last committed checkpoint; written and read on the scanning thread only. */
    private Optional<ScanCheckpoint> committed;
    /** The pass in progress as last reported (committed, or just planned); scanning thread only. */
    private ScanCheckpoint reported;
    private volatile ScanStatus status = ScanStatus.starting();
    private volatile Throwable failure;
    private Thread thread;

    private S3Scanner(ScanConfig config, S3Client s3, ScanSink sink, Optional<ScanCheckpoint> committed, ScanListener listener,
                      MeterRegistry registry) {
        this.bucket = config.bucket();
        this.prefix = config.prefix();
        this.pageSize = config.pageSize();
        this.interval = config.interval();
        this.workflowKey = PassReports.key(bucket, prefix);
        this.s3 = s3;
        this.metrics = new ScanMetrics(registry, bucket, prefix);
        this.inspector = new ObjectInspector(s3, bucket, config.maxConcurrency(), new KnownObjects(config.knownObjectsMax()),
                metrics::inspected);
        this.sink = sink;
        this.committed = committed;
        this.listener = listener;
        this.passIds = new PassIds(config.passIdFormatter());
        this.clock = Clock.systemUTC();
        this.shutdownTimeout = Duration.ofMillis(config.getLong(ScanConfig.SHUTDOWN_TIMEOUT_MS));
    }

    /** A scanner with the S3 client of {@code config}'s S3 settings. */
    public static S3Scanner connect(ScanConfig config, ScanListener listener, MeterRegistry registry) {
        return connect(config, StoreClients.s3(config.store()), listener, registry);
    }

    /**
     * Checks that the bucket exists and the topics are there, reads the last checkpoint, and returns
     * a scanner ready to run, which then owns {@code s3}. Fails with a message naming what to fix.
     */
    public static S3Scanner connect(ScanConfig config, S3Client s3, ScanListener listener, MeterRegistry registry) {
        try {
            requireBucket(s3, config);
            Map<String, Object> kafka = config.kafkaProperties();
            KafkaTopics.requireBootstrap(kafka);
            TopicCatalog catalog = new TopicCatalog(config);
            KafkaTopics.awaitLeaders(kafka, List.of(catalog.snapshots.name(), catalog.workflow.name(), catalog.scanCheckpoints.name()),
                    KAFKA_TIMEOUT);
            String key = PassReports.key(config.bucket(), config.prefix());
            Optional<ScanCheckpoint> last;
            try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerProperties(kafka),
                    new StringDeserializer(), new ByteArrayDeserializer())) {
                last = CheckpointReader.latest(consumer, catalog.scanCheckpoints.name(), key, KAFKA_TIMEOUT);
            }
            ScanSink sink = new ScanSink(new KafkaProducer<>(producerProperties(kafka, "holdfast-scan-" + config.bucket()),
                    new StringSerializer(), new ByteArraySerializer()), catalog);
            return new S3Scanner(config, s3, sink, last, listener, registry);
        } catch (RuntimeException e) {
            s3.close();
            throw e;
        }
    }

    private static void requireBucket(S3Client s3, ScanConfig config) {
        String endpoint = config.getString(StoreConfig.S3_ENDPOINT);
        String where = endpoint.isEmpty() ? "AWS S3 (" + config.getString(StoreConfig.S3_REGION) + ")" : endpoint;
        try {
            s3.headBucket(b -> b.bucket(config.bucket()));
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                throw new IllegalStateException("S3 bucket '" + config.bucket() + "' does not exist at " + where
                        + " (" + ScanConfig.SNAPSHOTS_BUCKET + ")");
            }
            throw new IllegalStateException("Cannot access S3 bucket '" + config.bucket() + "' at " + where + ": HTTP "
                    + e.statusCode() + " " + e.awsErrorDetails().errorCode());
        } catch (SdkClientException e) {
            throw new IllegalStateException("Cannot reach S3 at " + where + ": " + e.getMessage());
        }
    }

    private static Map<String, Object> consumerProperties(Map<String, Object> kafka) {
        Map<String, Object> props = new HashMap<>();
        for (Map.Entry<String, Object> e : kafka.entrySet()) {
            if (ConsumerConfig.configNames().contains(e.getKey())) {
                props.put(e.getKey(), e.getValue());
            }
        }
        // Read by assignment from the beginning, never as a group: the checkpoint is the only position.
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "holdfast-scan-checkpoints");
        return props;
    }

    /** The user's Kafka settings with idempotence and {@code acks=all}: a checkpoint may only cover delivered records. */
    static Map<String, Object> producerProperties(Map<String, Object> kafka, String clientId) {
        Map<String, Object> props = new HashMap<>();
        for (Map.Entry<String, Object> e : kafka.entrySet()) {
            if (ProducerConfig.configNames().contains(e.getKey())) {
                props.put(e.getKey(), e.getValue());
            }
        }
        return KafkaTopics.idempotentProducer(props, clientId);
    }

    /** Runs one pass (resuming an unfinished one) on the calling thread; returns early if stopped on request. */
    public PassSummary runPass() throws InterruptedException {
        return reportingFailure(this::pass);
    }

    /**
     * Runs passes on the calling thread until stopped, each starting {@code holdfast.scan.interval.ms}
     * after the previous one started: an unfinished pass is resumed at once.
     */
    public void runContinuously() throws InterruptedException {
        reportingFailure(() -> {
            Instant due = PassPlan.dueAt(committed, interval);
            while (stopRequested.getCount() > 0) {
                // In nanoseconds: a wait rounded down to whole milliseconds would start a pass early.
                long waitNanos = Duration.between(clock.instant(), due).toNanos();
                if (waitNanos > 0) {
                    status = status.withState(ScanStatus.State.WAITING);
                    if (stopRequested.await(waitNanos, TimeUnit.NANOSECONDS)) {
                        break;
                    }
                    continue;
                }
                PassSummary pass = pass();
                if (!pass.completed()) {
                    break;
                }
                due = pass.started().plus(interval);
            }
            status = status.withState(ScanStatus.State.STOPPED);
            return null;
        });
    }

    /**
     * Runs on a thread of its own, one pass ({@code once}) or until stopped; calls {@code whenDone}
     * when it ends without a failure. See {@link #failure()}.
     */
    public synchronized void start(boolean once, Runnable whenDone) {
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        thread = new Thread(() -> {
            try {
                if (once) {
                    runPass();
                } else {
                    runContinuously();
                }
                whenDone.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException | Error e) {
                failure = e;
                log.error("scanner of {} stopped: {}", workflowKey, e.toString(), e);
            }
        }, "holdfast-scan");
        thread.setDaemon(true);
        thread.start();
    }

    /** Why the scanner stopped on its own, if it did. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    public ScanStatus status() {
        return status;
    }

    /** Asks the scanner to stop after the page in progress (which is checkpointed). Thread-safe. */
    public void requestStop() {
        stopRequested.countDown();
    }

    private interface Work<T> {
        T run() throws InterruptedException;
    }

    /** Runs {@code work}; a failure is also reported on {@code state.workflow} (STOPPED, with the reason) before it is thrown. */
    private <T> T reportingFailure(Work<T> work) throws InterruptedException {
        try {
            return work.run();
        } catch (RuntimeException e) {
            if (reported != null) {
                try {
                    sink.report(workflowKey, PassReports.stopped(bucket, prefix, reported, "scanner stopped by an error: " + e,
                            clock.instant()));
                } catch (RuntimeException | InterruptedException reportFailed) {
                    log.warn("could not report the failure on the workflow topic: {}", reportFailed.toString());
                }
            }
            status = status.withState(ScanStatus.State.STOPPED);
            throw e;
        }
    }

    private PassSummary pass() throws InterruptedException {
        PassPlan plan = PassPlan.next(committed, clock.instant(), passIds);
        ScanCheckpoint position = plan.asCheckpoint();
        long runStarted = System.nanoTime();
        long listedThisRun = 0;
        long pagesThisRun = 0;
        if (plan.resumed()) {
            log.info("resuming pass {} of s3://{}/{} after key {} ({} objects listed before)", plan.passId(), bucket, prefix,
                    plan.startAfter(), plan.objectsListed());
        } else {
            log.info("pass {} of s3://{}/{} started", plan.passId(), bucket, prefix);
        }
        status = statusOf(ScanStatus.State.LISTING, plan, position, 0, runStarted);
        // Announce the pass (or the resumption) before the first page, so that the reconciler sees it start.
        reported = position;
        sink.report(workflowKey, PassReports.progress(bucket, prefix, position, clock.instant()));
        String continuation = null;
        while (true) {
            if (stopRequested.getCount() == 0) {
                log.info("pass {} stopped on request after key {}; it resumes from its checkpoint", plan.passId(), position.lastKey());
                status = status.withState(ScanStatus.State.STOPPED);
                PassSummary stopped = summary(plan, position, pagesThisRun);
                listener.passEnded(stopped);
                return stopped;
            }
            ListObjectsV2Response page = s3.listObjectsV2(request(position.lastKey(), continuation));
            List<S3Object> objects = page.contents();
            listener.pageListed(plan.passId(), objects.stream().map(S3Object::key).toList());
            PageRecords records = records(plan.passId(), objects);
            sink.publishPage(records.emitted);

            boolean lastPage = !Boolean.TRUE.equals(page.isTruncated());
            String lastKey = objects.isEmpty() ? position.lastKey() : objects.get(objects.size() - 1).key();
            Long finishedMs = lastPage ? clock.millis() : null;
            ScanCheckpoint.CompletedPass latest = lastPage
                    ? new ScanCheckpoint.CompletedPass(plan.passId(), plan.startedMs(), finishedMs) : position.latestComplete();
            position = new ScanCheckpoint(plan.passId(), plan.startedMs(), lastKey, position.objectsListed() + objects.size(),
                    position.objectsEmitted() + records.emitted.size(), position.objectsSkipped() + records.gone + records.unidentified,
                    position.pages() + 1, finishedMs, latest);
            sink.commit(workflowKey, position);
            committed = Optional.of(position);
            reported = position;
            sink.report(workflowKey, PassReports.progress(bucket, prefix, position, clock.instant()));

            metrics.page(objects.size(), records.emitted.size(), records.gone, records.unidentified);
            listedThisRun += objects.size();
            pagesThisRun++;
            status = statusOf(ScanStatus.State.LISTING, plan, position, listedThisRun, runStarted);
            listener.pageCommitted(status);
            if (lastPage) {
                PassSummary done = summary(plan, position, pagesThisRun);
                metrics.passCompleted(done.duration());
                status = new ScanStatus(ScanStatus.State.COMPLETED, plan.passId(), plan.resumed(), position.pages(),
                        position.objectsListed(), position.objectsEmitted(), position.objectsSkipped(), lastKey,
                        status.objectsPerSecond(), status.passesCompleted() + 1);
                log.info("s3://{}/{}: {}", bucket, prefix, done.oneLine());
                listener.passEnded(done);
                return done;
            }
            continuation = page.nextContinuationToken();
            if (continuation == null) {
                throw new IllegalStateException("S3 returned a truncated page without a continuation token after " + lastKey);
            }
        }
    }

    /** The first page of a resumed pass starts after its last key; the following pages continue from S3's token. */
    private ListObjectsV2Request request(String startAfter, String continuation) {
        ListObjectsV2Request.Builder b = ListObjectsV2Request.builder().bucket(bucket).prefix(prefix).maxKeys(pageSize);
        if (continuation != null) {
            b.continuationToken(continuation);
        } else if (startAfter != null) {
            b.startAfter(startAfter);
        }
        return b.build();
    }

    /** What one page's objects become: their records, and how many could not be (gone, or unidentifiable). */
    private static final class PageRecords {
        final List<SnapshotObject> emitted = new ArrayList<>();
        long gone;
        long unidentified;
    }

    private PageRecords records(String passId, List<S3Object> objects) throws InterruptedException {
        List<Optional<SnapshotRecords.ObjectFacts>> facts = inspector.inspect(objects);
        PageRecords page = new PageRecords();
        for (int i = 0; i < objects.size(); i++) {
            String key = objects.get(i).key();
            if (facts.get(i).isEmpty()) {
                page.gone++;
                log.info("skipped {}: deleted after it was listed", key);
                continue;
            }
            Optional<SnapshotObject> record = SnapshotRecords.toRecord(bucket, prefix, facts.get(i).get(), passId, clock.instant());
            if (record.isEmpty()) {
                page.unidentified++;
                log.warn("skipped {}: its key is not <prefix><entity>/<revision> and its metadata lacks an entity or a revision", key);
                continue;
            }
            page.emitted.add(record.get());
        }
        return page;
    }

    private ScanStatus statusOf(ScanStatus.State state, PassPlan plan, ScanCheckpoint position, long listedThisRun, long runStarted) {
        double seconds = (System.nanoTime() - runStarted) / 1e9;
        return new ScanStatus(state, plan.passId(), plan.resumed(), position.pages(), position.objectsListed(),
                position.objectsEmitted(), position.objectsSkipped(), position.lastKey(),
                seconds > 0 ? listedThisRun / seconds : 0, status.passesCompleted());
    }

    private static PassSummary summary(PassPlan plan, ScanCheckpoint position, long pagesThisRun) {
        return new PassSummary(plan.passId(), position.finished(), plan.resumed(), Instant.ofEpochMilli(plan.startedMs()),
                position.finished() ? Instant.ofEpochMilli(position.finishedMs()) : null, position.pages(), pagesThisRun,
                position.objectsListed(), position.objectsEmitted(), position.objectsSkipped());
    }

    /** Stops after the page in progress, then closes the producer (delivering what is pending) and the S3 client. */
    @Override
    public void close() {
        requestStop();
        Thread running;
        synchronized (this) {
            running = thread;
        }
        if (running != null && running != Thread.currentThread()) {
            try {
                running.join(Math.max(1, shutdownTimeout.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (running.isAlive()) {
                log.warn("the scanner did not finish its page within {} ms; closing anyway", shutdownTimeout.toMillis());
            }
        }
        inspector.close();
        sink.close(shutdownTimeout);
        s3.close();
    }
}
