package io.holdfast.connectors.writer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.connectors.store.EmbeddedStore;
import io.holdfast.connectors.store.EntityStoreSchema;
import io.holdfast.embedded.EmbeddedMariaDb;
import io.holdfast.embedded.EmbeddedS3;
import io.holdfast.embedded.junit.EmbeddedStackExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/** The reference writer on the embedded MariaDB and S3: complete writes, writes stopped after S3, and the 412 path. */
@ExtendWith(EmbeddedStackExtension.class)
class RevisionWriterIT {

    private final String run = Long.toString(System.nanoTime(), 36);
    private EmbeddedStore store;

    @BeforeEach
    void openStore(EmbeddedMariaDb db, EmbeddedS3 s3) throws Exception {
        store = new EmbeddedStore(db, s3, "it-writer-" + run + "/");
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void completeWritesLeaveRowsHeadsAndPublishedTagsThatAgree(@TempDir Path dir) throws Exception {
        Path ledgerFile = dir.resolve("ledger.jsonl");
        WriteLoad.Settings settings = new WriteLoad.Settings(3, 3, 200, 2, 11, "w" + run + "-");
        WriteLoad.Progress done;
        try (WriteLedger ledger = WriteLedger.appendingTo(ledgerFile)) {
            done = new WriteLoad(writer(FailurePlan.none()), settings, Optional.of(ledger)).run(Duration.ofSeconds(5), p -> { });
        }
        assertEquals(9, done.writes());
        assertEquals(9, done.complete());
        assertEquals(0, done.revisionConflicts());
        List<String> lines = Files.readAllLines(ledgerFile);
        assertEquals(9, lines.size());
        for (int number = 1; number <= 3; number++) {
            String entity = settings.entityId(number);
            assertEquals(3, store.rowCount(entity));
            assertEquals(3, store.head(entity).orElseThrow(), entity);
            for (long revision = 1; revision <= 3; revision++) {
                EmbeddedStore.Row row = store.row(entity, revision).orElseThrow();
                Map<String, String> meta = store.metadata(entity, revision);
                assertEquals(entity, meta.get(EntityStoreSchema.META_ENTITY));
                assertEquals(Long.toString(revision), meta.get(EntityStoreSchema.META_REVISION));
                assertEquals(row.contentHash(), meta.get(EntityStoreSchema.META_CONTENT_HASH), "row and snapshot agree");
                assertEquals(Long.toString(row.createdAtMillis()), meta.get(EntityStoreSchema.META_CREATED_AT));
                assertEquals(store.key(entity, revision), row.objectKey());
                assertEquals(Map.of(EntityStoreSchema.TAG, EntityStoreSchema.PUBLISHED), store.tags(entity, revision));
                String expectedLine = "{\"entity\":\"" + entity + "\",\"revision\":" + revision + ",\"content_hash\":\""
                        + row.contentHash() + "\",\"stopped_after\":\"none\"}";
                assertTrue(lines.contains(expectedLine), expectedLine + " in the ledger:\n" + lines);
            }
        }
    }

    @Test
    void aWriteStoppedAfterS3LeavesAPendingSnapshotWithoutARow() throws Exception {
        String entity = "s" + run;
        RevisionWriter writer = writer(new FailurePlan(1, 0, 0, 1));
        WriteResult first = writer.write(entity, "one".getBytes(StandardCharsets.UTF_8));
        assertEquals(new WriteResult(entity, 1, EntityStoreSchema.contentHash("one".getBytes(StandardCharsets.UTF_8)), StoppedAfter.S3, 0),
                first);
        assertEquals(Map.of(EntityStoreSchema.TAG, EntityStoreSchema.PENDING), store.tags(entity, 1));
        assertEquals(first.contentHash(), store.metadata(entity, 1).get(EntityStoreSchema.META_CONTENT_HASH));
        assertTrue(store.row(entity, 1).isEmpty(), "no row");
        assertTrue(store.head(entity).isEmpty(), "no head");

        WriteResult second = writer.write(entity, "two".getBytes(StandardCharsets.UTF_8));
        assertEquals(2, second.revision(), "revision 1 is taken in S3 though it has no row: S3 is the commit point");
        assertEquals(1, second.revisionConflicts());
        assertEquals(0, store.rowCount(entity));
    }

    @Test
    void aSnapshotAlreadyAtTheNextRevisionMakesTheWriterTakeTheOneAfter() throws Exception {
        String entity = "c" + run;
        byte[] foreign = "written by someone else".getBytes(StandardCharsets.UTF_8);
        store.clients().s3().putObject(b -> b.bucket(store.bucket()).key(store.key(entity, 1)), RequestBody.fromBytes(foreign));

        byte[] content = "mine".getBytes(StandardCharsets.UTF_8);
        WriteResult result = writer(FailurePlan.none()).write(entity, content);

        assertEquals(2, result.revision());
        assertEquals(1, result.revisionConflicts());
        assertTrue(result.complete());
        assertTrue(store.row(entity, 1).isEmpty(), "the other snapshot is left to the reconciler");
        assertEquals(EntityStoreSchema.contentHash(content), store.row(entity, 2).orElseThrow().contentHash());
        assertEquals(content.length, store.row(entity, 2).orElseThrow().sizeBytes());
        assertEquals(2, store.head(entity).orElseThrow());
        assertFalse(store.tags(entity, 1).containsKey(EntityStoreSchema.TAG), "the existing object was not touched");
    }

    private RevisionWriter writer(FailurePlan failures) {
        return new RevisionWriter(store.clients().s3(), store.clients().database(), store.bucket(), store.config().prefix(), failures);
    }
}
