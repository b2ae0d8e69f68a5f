package io.holdfast.connectors.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.connectors.scan.internal.CheckpointCodec;
import io.holdfast.connectors.scan.internal.ScanCheckpoint;
import io.holdfast.connectors.store.EntityStoreSchema;
import io.holdfast.connectors.store.PublicationTags;
import io.holdfast.connectors.store.StoreConfig;
import io.holdfast.embedded.EmbeddedKafka;
import io.holdfast.embedded.EmbeddedS3;
import io.holdfast.embedded.junit.EmbeddedStackExtension;
import io.holdfast.schemas.DiffPassState;
import io.holdfast.schemas.PublicationState;
import io.holdfast.schemas.SnapshotObject;
import io.holdfast.schemas.WorkflowPhase;
import io.holdfast.schemas.WorkflowProgress;
import io.holdfast.topology.catalog.Topic;
import io.holdfast.topology.catalog.TopicCatalog;
import io.holdfast.topology.catalog.TopicEnsurer;
import io.holdfast.topology.config.HoldfastConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectTaggingRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;

/**
 * The scanner against the real broker and S3 server: a full pass, a pass interrupted after three
 * pages and resumed by a new scanner, an object deleted between listing and reading, a missing bucket.
 */
@ExtendWith(EmbeddedStackExtension.class)
class S3ScannerIT {

    private static final String BUCKET = EmbeddedStackExtension.TEST_BUCKET;
    private static final String PREFIX = "it-scan-" + System.nanoTime() + "/";
    private static final int PAGE_SIZE = 25;
    /** 199 objects laid out by the writer, one with a foreign key but full metadata, one identifiable by nothing. */
    private static final int WRITER_OBJECTS = 199;
    private static final int LISTED = WRITER_OBJECTS + 2;
    private static final int EMITTED = WRITER_OBJECTS + 1;
    private static final int PAGES = (LISTED + PAGE_SIZE - 1) / PAGE_SIZE;
    private static final String FOREIGN_WITH_METADATA = PREFIX + "imports/legacy-0001.bin";
    private static final String FOREIGN_WITHOUT_METADATA = PREFIX + "imports/README";

    /** What each emittable object must come back as, by key. */
    private static final Map<String, Expected> EXPECTED = new TreeMap<>();

    private record Expected(String entity, long revision, PublicationState state, Map<String, String> tags,
                            Map<String, String> metadata, long size) {
    }

    @BeforeAll
    static void putObjects(EmbeddedS3 s3) throws Exception {
        try (S3Client client = client(s3, new ListCounter())) {
            for (int i = 0; i < WRITER_OBJECTS; i++) {
                String entity = String.format("e-%03d", i / 3);
                long revision = i % 3 + 1;
                String body = "snapshot of " + entity + " at " + revision;
                Map<String, String> metadata = new TreeMap<>();
                // Every tenth object lacks metadata: the scanner reads entity and revision from the key.
                if (i % 10 != 7) {
                    metadata.put(EntityStoreSchema.META_ENTITY, entity);
                    metadata.put(EntityStoreSchema.META_REVISION, Long.toString(revision));
                    metadata.put(EntityStoreSchema.META_CONTENT_HASH, "sha256:" + sha256(body));
                    metadata.put(EntityStoreSchema.META_CREATED_AT, Long.toString(1_764_000_000_000L + i));
                }
                Map<String, String> tags = new TreeMap<>();
                PublicationState state = PublicationState.UNKNOWN;
                if (i != 5) {
                    boolean pending = i % 2 == 0;
                    tags.put(EntityStoreSchema.TAG, pending ? EntityStoreSchema.PENDING : EntityStoreSchema.PUBLISHED);
                    state = pending ? PublicationState.PENDING : PublicationState.PUBLISHED;
                }
                String key = EntityStoreSchema.objectKey(PREFIX, entity, revision);
                put(client, key, body, metadata, tags);
                EXPECTED.put(key, new Expected(entity, revision, state, tags, metadata, body.length()));
            }
            Map<String, String> legacyMetadata = Map.of(EntityStoreSchema.META_ENTITY, "legacy", EntityStoreSchema.META_REVISION, "4");
            Map<String, String> legacyTags = Map.of(EntityStoreSchema.TAG, EntityStoreSchema.PUBLISHED, "origin", "import");
            put(client, FOREIGN_WITH_METADATA, "legacy", legacyMetadata, legacyTags);
            EXPECTED.put(FOREIGN_WITH_METADATA, new Expected("legacy", 4, PublicationState.PUBLISHED, legacyTags, legacyMetadata, 6));
            put(client, FOREIGN_WITHOUT_METADATA, "not a snapshot", Map.of(), Map.of());
        }
        assertEquals(EMITTED, EXPECTED.size());
    }

    @Test
    void onePassEmitsEveryObjectOnceAndReportsItComplete(EmbeddedKafka kafka, EmbeddedS3 s3) throws Exception {
        ScanConfig config = config(kafka, s3, "it-scan-once-" + System.nanoTime() + ".", PREFIX, BUCKET);
        TopicCatalog catalog = ensureTopics(kafka, config);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        PassSummary pass;
        try (S3Scanner scanner = S3Scanner.connect(config, ScanListener.NONE, registry)) {
            pass = scanner.runPass();
        }
        assertTrue(pass.completed(), pass.oneLine());
        assertFalse(pass.resumed());
        assertEquals(PAGES, pass.pages());
        assertEquals(LISTED, pass.objectsListed());
        assertEquals(EMITTED, pass.objectsEmitted());
        assertEquals(1, pass.objectsSkipped());

        List<ConsumerRecord<String, SnapshotObject>> records = readAll(kafka, catalog.snapshots, EMITTED);
        assertEquals(EMITTED, records.size(), "one record per identifiable object, none for the unidentifiable one");
        Map<String, SnapshotObject> byKey = new HashMap<>();
        for (ConsumerRecord<String, SnapshotObject> r : records) {
            SnapshotObject s = r.value();
            assertEquals(s.getEntityId(), r.key(), "keyed by entity id");
            assertNull(byKey.put(s.getObjectKey(), s), "listed once: " + s.getObjectKey());
            Expected e = EXPECTED.get(s.getObjectKey());
            assertNotNull(e, "an object that was put: " + s.getObjectKey());
            assertEquals(BUCKET, s.getBucket());
            assertEquals(e.entity(), s.getEntityId(), s.getObjectKey());
            assertEquals(e.revision(), s.getRevision(), s.getObjectKey());
            assertEquals(e.state(), s.getPublicationState(), s.getObjectKey());
            assertEquals(e.tags(), s.getTags(), s.getObjectKey());
            assertEquals(e.metadata(), s.getUserMetadata(), s.getObjectKey());
            assertEquals(e.metadata().get(EntityStoreSchema.META_CONTENT_HASH), s.getContentHash());
            assertEquals(e.metadata().containsKey(EntityStoreSchema.META_CREATED_AT)
                    ? Instant.ofEpochMilli(Long.parseLong(e.metadata().get(EntityStoreSchema.META_CREATED_AT))) : null, s.getCreatedAt());
            assertEquals(e.size(), s.getSizeBytes());
            assertFalse(s.getEtag().isEmpty() || s.getEtag().contains("\""), s.getEtag());
            assertEquals(pass.passId(), s.getScanPassId());
            assertEquals(s.getScanTime().toEpochMilli(), r.timestamp());
        }
        assertEquals(EXPECTED.keySet(), byKey.keySet());

        WorkflowProgress report = latest(kafka, catalog.workflow, "s3:" + BUCKET + "/" + PREFIX);
        assertEquals("s3-scan", report.getWorkflow());
        assertEquals("s3:" + BUCKET, report.getStream());
        assertEquals(PREFIX, report.getTable());
        assertEquals(WorkflowPhase.REPLICATING, report.getPhase());
        assertEquals(pass.passId(), report.getDiffPass().getPassId());
        assertEquals(DiffPassState.COMPLETED, report.getDiffPass().getState());
        assertEquals(EMITTED, report.getDiffPass().getObjectsCompared());
        TreeSet<String> listed = new TreeSet<>(EXPECTED.keySet());
        listed.add(FOREIGN_WITHOUT_METADATA);
        assertEquals(listed.last(), report.getDiffPass().getLastKey(), "the last key listed");
        assertEquals(pass.started(), report.getDiffPass().getStartedTime());
        assertEquals(pass.finished(), report.getDiffPass().getFinishedTime());
        assertEquals(pass.started(), report.getCopyStartedTime());
        assertEquals(pass.finished(), report.getCopyFinishedTime());

        ScanCheckpoint checkpoint = CheckpointCodec.decode(latest(kafka, catalog.scanCheckpoints, "s3:" + BUCKET + "/" + PREFIX));
        assertTrue(checkpoint.finished());
        assertEquals(new ScanCheckpoint.CompletedPass(pass.passId(), pass.started().toEpochMilli(), pass.finished().toEpochMilli()),
                checkpoint.latestComplete());

        assertEquals(LISTED, registry.get("holdfast.scan.objects.listed").counter().count());
        assertEquals(EMITTED, registry.get("holdfast.scan.objects.emitted").counter().count());
        assertEquals(PAGES, registry.get("holdfast.scan.pages").counter().count());
        assertEquals(1, registry.get("holdfast.scan.passes.completed").counter().count());
        assertEquals(1, registry.get("holdfast.scan.objects.skipped").tag("reason", ScanMetrics.SKIPPED_UNIDENTIFIED).counter().count());
        assertEquals(0, registry.get("holdfast.scan.objects.skipped").tag("reason", ScanMetrics.SKIPPED_GONE).counter().count());
        assertEquals(pass.duration().toMillis(),
                registry.get("holdfast.scan.last.complete.pass.duration").timeGauge().value(java.util.concurrent.TimeUnit.MILLISECONDS));
    }

    @Test
    void aLaterPassReadsFromS3OnlyWhatCanHaveChanged(EmbeddedKafka kafka, EmbeddedS3 s3) throws Exception {
        String prefix = "it-scan-known-" + System.nanoTime() + "/";
        ScanConfig config = config(kafka, s3, "it-scan-known-" + System.nanoTime() + ".", prefix, BUCKET);
        TopicCatalog catalog = ensureTopics(kafka, config);
        ListCounter calls = new ListCounter();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (S3Client writer = client(s3, new ListCounter());
             S3Scanner scanner = S3Scanner.connect(config, client(s3, calls), ScanListener.NONE, registry)) {
            // e-0..e-5 published, e-6..e-9 pending
            for (int i = 0; i < 10; i++) {
                String entity = "e-" + i;
                put(writer, EntityStoreSchema.objectKey(prefix, entity, 1), "v1 of " + entity,
                        Map.of(EntityStoreSchema.META_ENTITY, entity, EntityStoreSchema.META_REVISION, "1"),
                        Map.of(EntityStoreSchema.TAG, i < 6 ? EntityStoreSchema.PUBLISHED : EntityStoreSchema.PENDING));
            }
            assertTrue(scanner.runPass().completed());
            assertEquals(10, calls.heads.get(), "the first pass reads every object's metadata");
            assertEquals(10, calls.taggings.get(), "and its tags");

            // Two pending ones get published; a published one is overwritten by something other than the writer.
            PublicationTags.markPublished(writer, BUCKET, EntityStoreSchema.objectKey(prefix, "e-6", 1));
            PublicationTags.markPublished(writer, BUCKET, EntityStoreSchema.objectKey(prefix, "e-7", 1));
            put(writer, EntityStoreSchema.objectKey(prefix, "e-0", 1), "rewritten",
                    Map.of(EntityStoreSchema.META_ENTITY, "e-0", EntityStoreSchema.META_REVISION, "1", "note", "rewritten"),
                    Map.of(EntityStoreSchema.TAG, EntityStoreSchema.PENDING));
            calls.reset();
            PassSummary second = scanner.runPass();
            assertTrue(second.completed());
            assertEquals(10, second.objectsEmitted(), "every object is still emitted by every pass");
            assertEquals(1, calls.heads.get(), "metadata read again only for the object with a new ETag");
            assertEquals(5, calls.taggings.get(), "tags read again for the 4 that were pending and the rewritten one");
            assertEquals(11, registry.get("holdfast.scan.objects.inspected").tag("reads", "all").counter().count());
            assertEquals(4, registry.get("holdfast.scan.objects.inspected").tag("reads", "tags").counter().count());
            assertEquals(5, registry.get("holdfast.scan.objects.inspected").tag("reads", "none").counter().count());

            Map<String, SnapshotObject> latest = new HashMap<>();
            for (ConsumerRecord<String, SnapshotObject> r : readAll(kafka, catalog.snapshots, 20)) {
                if (r.value().getScanPassId().equals(second.passId())) {
                    latest.put(r.value().getEntityId(), r.value());
                }
            }
            assertEquals(10, latest.size());
            assertEquals(PublicationState.PUBLISHED, latest.get("e-6").getPublicationState());
            assertEquals(PublicationState.PUBLISHED, latest.get("e-7").getPublicationState());
            assertEquals(PublicationState.PENDING, latest.get("e-8").getPublicationState());
            assertEquals(PublicationState.PENDING, latest.get("e-0").getPublicationState(), "the rewritten object as it is now");
            assertEquals("rewritten", latest.get("e-0").getUserMetadata().get("note"));
            assertEquals(PublicationState.PUBLISHED, latest.get("e-1").getPublicationState());
        }
    }

    @Test
    void aPassStoppedAfterThreePagesIsResumedByTheNextScanner(EmbeddedKafka kafka, EmbeddedS3 s3) throws Exception {
        ScanConfig config = config(kafka, s3, "it-scan-resume-" + System.nanoTime() + ".", PREFIX, BUCKET);
        TopicCatalog catalog = ensureTopics(kafka, config);

        ListCounter firstLists = new ListCounter();
        AtomicReference<S3Scanner> first = new AtomicReference<>();
        ScanListener stopAfterThreePages = new ScanListener() {
            @Override
            public void pageCommitted(ScanStatus status) {
                if (status.pages() == 3) {
                    first.get().requestStop();
                }
            }
        };
        PassSummary interrupted;
        try (S3Scanner scanner = S3Scanner.connect(config, client(s3, firstLists), stopAfterThreePages, new SimpleMeterRegistry())) {
            first.set(scanner);
            interrupted = scanner.runPass();
        }
        assertFalse(interrupted.completed(), interrupted.oneLine());
        assertEquals(3, interrupted.pagesThisRun());
        assertEquals(3, firstLists.lists.get(), "one ListObjectsV2 per page");
        ScanCheckpoint atCrash = CheckpointCodec.decode(latest(kafka, catalog.scanCheckpoints, "s3:" + BUCKET + "/" + PREFIX));
        assertFalse(atCrash.finished());
        assertEquals(3, atCrash.pages());
        assertEquals(3 * PAGE_SIZE, atCrash.objectsListed());
        WorkflowProgress running = latest(kafka, catalog.workflow, "s3:" + BUCKET + "/" + PREFIX);
        assertEquals(DiffPassState.RUNNING, running.getDiffPass().getState());
        assertEquals(atCrash.lastKey(), running.getDiffPass().getLastKey());
        assertNull(running.getCopyFinishedTime(), "no pass complete yet");

        ListCounter secondLists = new ListCounter();
        List<String> resumedKeys = new ArrayList<>();
        ScanListener keys = new ScanListener() {
            @Override
            public void pageListed(String passId, List<String> listed) {
                resumedKeys.addAll(listed);
            }
        };
        PassSummary resumed;
        try (S3Scanner scanner = S3Scanner.connect(config, client(s3, secondLists), keys, new SimpleMeterRegistry())) {
            resumed = scanner.runPass();
        }
        assertTrue(resumed.completed(), resumed.oneLine());
        assertTrue(resumed.resumed());
        assertEquals(interrupted.passId(), resumed.passId(), "the same pass, resumed");
        assertEquals(interrupted.started(), resumed.started());
        assertEquals(PAGES - 3, resumed.pagesThisRun());
        assertEquals(PAGES - 3, secondLists.lists.get(), "the resumed run lists only the remaining pages");
        assertEquals(PAGES, resumed.pages());
        assertEquals(LISTED, resumed.objectsListed());
        assertEquals(LISTED - 3 * PAGE_SIZE, resumedKeys.size());
        assertTrue(resumedKeys.get(0).compareTo(atCrash.lastKey()) > 0, "resumed after the checkpoint's last key");

        List<ConsumerRecord<String, SnapshotObject>> records = readAll(kafka, catalog.snapshots, EMITTED);
        Map<String, Integer> timesEmitted = new TreeMap<>();
        for (ConsumerRecord<String, SnapshotObject> r : records) {
            assertEquals(resumed.passId(), r.value().getScanPassId());
            timesEmitted.merge(r.value().getObjectKey(), 1, Integer::sum);
        }
        assertEquals(EXPECTED.keySet(), timesEmitted.keySet(), "every object emitted at least once");
        System.out.printf("resume: first run %d ListObjectsV2 calls, resumed run %d (of %d pages); %d records for %d objects%n",
                firstLists.lists.get(), secondLists.lists.get(), PAGES, records.size(), EMITTED);

        WorkflowProgress report = latest(kafka, catalog.workflow, "s3:" + BUCKET + "/" + PREFIX);
        assertEquals(DiffPassState.COMPLETED, report.getDiffPass().getState());
        assertEquals(resumed.passId(), report.getDiffPass().getPassId());
        assertEquals(EMITTED, report.getDiffPass().getObjectsCompared());
        assertEquals(resumed.started(), report.getCopyStartedTime());
        assertEquals(resumed.finished(), report.getCopyFinishedTime());
    }

    @Test
    void aScannerFailingInTheMiddleOfAPageIsResumedFromTheLastCommittedPage(EmbeddedKafka kafka, EmbeddedS3 s3) throws Exception {
        ScanConfig config = config(kafka, s3, "it-scan-crash-" + System.nanoTime() + ".", PREFIX, BUCKET);
        TopicCatalog catalog = ensureTopics(kafka, config);
        ListCounter firstLists = new ListCounter();
        AtomicInteger pagesListed = new AtomicInteger();
        ScanListener crashOnFourthPage = new ScanListener() {
            @Override
            public void pageListed(String passId, List<String> keys) {
                if (pagesListed.incrementAndGet() == 4) {
                    throw new IllegalStateException("simulated crash after listing page 4");
                }
            }
        };
        try (S3Scanner scanner = S3Scanner.connect(config, client(s3, firstLists), crashOnFourthPage, new SimpleMeterRegistry())) {
            IllegalStateException crash = assertThrows(IllegalStateException.class, scanner::runPass);
            assertEquals("simulated crash after listing page 4", crash.getMessage());
        }
        assertEquals(4, firstLists.lists.get());
        String key = "s3:" + BUCKET + "/" + PREFIX;
        ScanCheckpoint atCrash = CheckpointCodec.decode(latest(kafka, catalog.scanCheckpoints, key));
        assertEquals(3, atCrash.pages(), "the page in flight was not checkpointed");
        WorkflowProgress stopped = latest(kafka, catalog.workflow, key);
        assertEquals(WorkflowPhase.STOPPED, stopped.getPhase());
        assertTrue(stopped.getMessage().contains("simulated crash"), stopped.getMessage());
        assertEquals(DiffPassState.RUNNING, stopped.getDiffPass().getState());

        ListCounter secondLists = new ListCounter();
        PassSummary resumed;
        try (S3Scanner scanner = S3Scanner.connect(config, client(s3, secondLists), ScanListener.NONE, new SimpleMeterRegistry())) {
            resumed = scanner.runPass();
        }
        assertTrue(resumed.completed() && resumed.resumed());
        assertEquals(atCrash.passId(), resumed.passId());
        assertEquals(PAGES - 3, secondLists.lists.get(), "the page in flight at the crash is listed again, and only what follows");
        WorkflowProgress report = latest(kafka, catalog.workflow, key);
        assertEquals(WorkflowPhase.REPLICATING, report.getPhase());
        assertNull(report.getMessage());
        assertEquals(DiffPassState.COMPLETED, report.getDiffPass().getState());
        Map<String, Integer> timesEmitted = new TreeMap<>();
        for (ConsumerRecord<String, SnapshotObject> r : readAll(kafka, catalog.snapshots, EMITTED)) {
            timesEmitted.merge(r.value().getObjectKey(), 1, Integer::sum);
        }
        assertEquals(EXPECTED.keySet(), timesEmitted.keySet(), "every object emitted at least once");
        System.out.printf("crash mid-page: first run %d ListObjectsV2 calls, resumed run %d (of %d pages); %d records for %d objects%n",
                firstLists.lists.get(), secondLists.lists.get(), PAGES, timesEmitted.values().stream().mapToInt(Integer::intValue).sum(),
                EMITTED);
    }

    @Test
    void anObjectDeletedBetweenListingAndReadingIsSkipped(EmbeddedKafka kafka, EmbeddedS3 s3) throws Exception {
        String prefix = "it-scan-gone-" + System.nanoTime() + "/";
        try (S3Client client = client(s3, new ListCounter())) {
            for (int r = 1; r <= 4; r++) {
                put(client, EntityStoreSchema.objectKey(prefix, "g", r), "r" + r, Map.of(), Map.of(EntityStoreSchema.TAG, EntityStoreSchema.PENDING));
            }
            ScanConfig config = config(kafka, s3, "it-scan-gone-" + System.nanoTime() + ".", prefix, BUCKET);
            TopicCatalog catalog = ensureTopics(kafka, config);
            String deleted = EntityStoreSchema.objectKey(prefix, "g", 2);
            ScanListener deleteOne = new ScanListener() {
                @Override
                public void pageListed(String passId, List<String> keys) {
                    client.deleteObject(b -> b.bucket(BUCKET).key(deleted));
                }
            };
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            PassSummary pass;
            try (S3Scanner scanner = S3Scanner.connect(config, deleteOne, registry)) {
                pass = scanner.runPass();
            }
            assertTrue(pass.completed());
            assertEquals(4, pass.objectsListed());
            assertEquals(3, pass.objectsEmitted());
            assertEquals(1, pass.objectsSkipped());
            assertEquals(1, registry.get("holdfast.scan.objects.skipped").tag("reason", ScanMetrics.SKIPPED_GONE).counter().count());
            List<ConsumerRecord<String, SnapshotObject>> records = readAll(kafka, catalog.snapshots, 3);
            assertEquals(3, records.size());
            assertTrue(records.stream().noneMatch(r -> r.value().getObjectKey().equals(deleted)));
        }
    }

    @Test
    void continuousPassesStartAnIntervalApart(EmbeddedKafka kafka, EmbeddedS3 s3) throws Exception {
        String prefix = "it-scan-loop-" + System.nanoTime() + "/";
        try (S3Client client = client(s3, new ListCounter())) {
            for (int r = 1; r <= 3; r++) {
                put(client, EntityStoreSchema.objectKey(prefix, "l", r), "r" + r, Map.of(), Map.of());
            }
        }
        Map<String, String> settings = s3Settings(s3, BUCKET, prefix);
        settings.put("bootstrap.servers", kafka.bootstrapServers());
        settings.put(HoldfastConfig.TOPIC_PREFIX, "it-scan-loop-" + System.nanoTime() + ".");
        settings.put(HoldfastConfig.TOPIC_PARTITIONS, "3");
        settings.put(ScanConfig.INTERVAL_MS, "1000");
        ScanConfig config = ScanConfig.load(Optional.empty(), Map.of(), settings);
        TopicCatalog catalog = ensureTopics(kafka, config);
        List<PassSummary> passes = new java.util.concurrent.CopyOnWriteArrayList<>();
        ScanListener collect = new ScanListener() {
            @Override
            public void passEnded(PassSummary summary) {
                passes.add(summary);
            }
        };
        S3Scanner scanner = S3Scanner.connect(config, collect, new SimpleMeterRegistry());
        try {
            scanner.start(false, () -> { });
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (passes.size() < 2 && System.nanoTime() < deadline && scanner.failure().isEmpty()) {
                Thread.sleep(50);
            }
        } finally {
            scanner.close();
        }
        assertTrue(scanner.failure().isEmpty(), () -> "failed: " + scanner.failure());
        assertEquals(ScanStatus.State.STOPPED, scanner.status().state());
        assertTrue(passes.size() >= 2, "two passes: " + passes);
        PassSummary first = passes.get(0);
        PassSummary second = passes.get(1);
        assertTrue(first.completed() && second.completed());
        assertFalse(first.passId().equals(second.passId()));
        assertTrue(Duration.between(first.started(), second.started()).toMillis() >= 1000,
                "the second pass starts an interval after the first started: " + first.started() + ", " + second.started());
        List<ConsumerRecord<String, SnapshotObject>> records = readAll(kafka, catalog.snapshots, 3 * passes.size());
        assertEquals(3L * passes.size(), records.size(), "one record per object per pass");
        WorkflowProgress report = latest(kafka, catalog.workflow, "s3:" + BUCKET + "/" + prefix);
        PassSummary lastComplete = passes.get(passes.size() - 1);
        assertEquals(lastComplete.started(), report.getCopyStartedTime());
        assertEquals(lastComplete.finished(), report.getCopyFinishedTime());
    }

    @Test
    void aMissingBucketIsNamed(EmbeddedS3 s3) {
        ScanConfig config = ScanConfig.load(Optional.empty(), Map.of(), s3Settings(s3, "holdfast-no-such-bucket", PREFIX));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> S3Scanner.connect(config, ScanListener.NONE, new SimpleMeterRegistry()));
        assertTrue(e.getMessage().contains("'holdfast-no-such-bucket' does not exist"), e.getMessage());
    }

    // ---------------------------------------------------------------------------------------------

    /** Counts ListObjectsV2, HeadObject and GetObjectTagging calls (once per call, whatever the retries). */
    static final class ListCounter implements ExecutionInterceptor {
        final AtomicInteger lists = new AtomicInteger();
        final AtomicInteger heads = new AtomicInteger();
        final AtomicInteger taggings = new AtomicInteger();

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            if (context.request() instanceof ListObjectsV2Request) {
                lists.incrementAndGet();
            } else if (context.request() instanceof HeadObjectRequest) {
                heads.incrementAndGet();
            } else if (context.request() instanceof GetObjectTaggingRequest) {
                taggings.incrementAndGet();
            }
        }

        void reset() {
            lists.set(0);
            heads.set(0);
            taggings.set(0);
        }
    }

    private static S3Client client(EmbeddedS3 s3, ListCounter counter) {
        return S3Client.builder()
                .endpointOverride(URI.create(s3.endpoint()))
                .region(Region.of(EmbeddedS3.REGION))
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(EmbeddedS3.ACCESS_KEY, EmbeddedS3.SECRET_KEY)))
                .httpClientBuilder(Apache5HttpClient.builder())
                .overrideConfiguration(o -> o.addExecutionInterceptor(counter))
                .build();
    }

    private static void put(S3Client client, String key, String body, Map<String, String> metadata, Map<String, String> tags) {
        String tagging = tags.entrySet().stream().map(t -> t.getKey() + "=" + t.getValue()).reduce((a, b) -> a + "&" + b).orElse(null);
        client.putObject(b -> b.bucket(BUCKET).key(key).metadata(metadata).tagging(tagging), RequestBody.fromString(body));
    }

    private static Map<String, String> s3Settings(EmbeddedS3 s3, String bucket, String prefix) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put(HoldfastConfig.SNAPSHOTS_BUCKET, bucket);
        settings.put(HoldfastConfig.SNAPSHOTS_PREFIX, prefix);
        settings.put(StoreConfig.S3_ENDPOINT, s3.endpoint());
        settings.put(StoreConfig.S3_REGION, EmbeddedS3.REGION);
        settings.put(StoreConfig.S3_PATH_STYLE, "true");
        settings.put(StoreConfig.S3_ACCESS_KEY_ID, EmbeddedS3.ACCESS_KEY);
        settings.put(StoreConfig.S3_SECRET_ACCESS_KEY, EmbeddedS3.SECRET_KEY);
        settings.put(StoreConfig.S3_MAX_CONCURRENCY, "4");
        settings.put(ScanConfig.PAGE_SIZE, Integer.toString(PAGE_SIZE));
        return settings;
    }

    private static ScanConfig config(EmbeddedKafka kafka, EmbeddedS3 s3, String topicPrefix, String prefix, String bucket) {
        Map<String, String> settings = s3Settings(s3, bucket, prefix);
        settings.put("bootstrap.servers", kafka.bootstrapServers());
        settings.put(HoldfastConfig.TOPIC_PREFIX, topicPrefix);
        settings.put(HoldfastConfig.TOPIC_PARTITIONS, "3");
        return ScanConfig.load(Optional.empty(), Map.of(), settings);
    }

    private static TopicCatalog ensureTopics(EmbeddedKafka kafka, ScanConfig config) throws InterruptedException {
        TopicCatalog catalog = new TopicCatalog(config);
        try (Admin admin = kafka.admin()) {
            new TopicEnsurer(admin, Duration.ofSeconds(30)).ensure(List.of(catalog.snapshots, catalog.workflow, catalog.scanCheckpoints));
        }
        return catalog;
    }

    /** Every record of {@code topic}: waits for {@code expected}, then a moment more for any extra (a duplicate would show). */
    private static <V> List<ConsumerRecord<String, V>> readAll(EmbeddedKafka kafka, Topic<String, V> topic, int expected) {
        List<ConsumerRecord<String, V>> records = new ArrayList<>();
        try (KafkaConsumer<String, V> consumer = consumer(kafka, topic)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            consumer.poll(Duration.ofMillis(500)).forEach(records::add);
        }
        return records;
    }

    /** The last value of {@code key} on {@code topic}. */
    private static <V> V latest(EmbeddedKafka kafka, Topic<String, V> topic, String key) {
        V last = null;
        try (KafkaConsumer<String, V> consumer = consumer(kafka, topic)) {
            Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue()) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, V> r : consumer.poll(Duration.ofMillis(200))) {
                    if (key.equals(r.key())) {
                        last = r.value();
                    }
                }
            }
        }
        assertNotNull(last, "a record of " + key + " on " + topic.name());
        return last;
    }

    private static <V> KafkaConsumer<String, V> consumer(EmbeddedKafka kafka, Topic<String, V> topic) {
        KafkaConsumer<String, V> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                topic.keySerde().deserializer(), topic.valueSerde().deserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo info : consumer.partitionsFor(topic.name(), Duration.ofSeconds(30))) {
            partitions.add(new TopicPartition(topic.name(), info.partition()));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }

    private static String sha256(String body) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8)));
    }
}
