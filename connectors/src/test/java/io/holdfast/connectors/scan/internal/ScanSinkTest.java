package io.holdfast.connectors.scan.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.schemas.PublicationState;
import io.holdfast.schemas.SnapshotObject;
import io.holdfast.topology.catalog.TopicCatalog;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** A page is published only when every one of its records is acknowledged: one failed send fails the page. */
class ScanSinkTest {

    private static final TopicCatalog CATALOG = new TopicCatalog("t.", 1, (short) 1, Map.of(), TopicCatalog.CdcTopics.DEFAULT);

    @Test
    void aPageWaitsForEveryAcknowledgementAndFailsOnOneFailure() {
        MockProducer<String, byte[]> producer = new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
        ScanSink sink = new ScanSink(producer, CATALOG);
        CompletableFuture<Void> page = CompletableFuture.runAsync(() -> {
            try {
                sink.publishPage(List.of(record("a", 1), record("b", 2), record("c", 3)));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        awaitSends(producer, 3);
        assertTrue(producer.completeNext());
        assertTrue(producer.errorNext(new TimeoutException("broker gone")));
        assertTrue(producer.completeNext());
        CompletionException failed = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class, page::join);
        assertInstanceOf(IllegalStateException.class, failed.getCause());
        assertTrue(failed.getCause().getMessage().startsWith("1 of 3 records of the page were not delivered"), failed.getCause().getMessage());
    }

    @Test
    void recordsAreKeyedByEntityAndTimedAtTheirScan() throws InterruptedException {
        MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
        new ScanSink(producer, CATALOG).publishPage(List.of(record("a", 1)));
        assertEquals(1, producer.history().size());
        assertEquals("t.s3.snapshots", producer.history().get(0).topic());
        assertEquals("a", producer.history().get(0).key());
        assertEquals(5_000L, producer.history().get(0).timestamp());
    }

    private static void awaitSends(MockProducer<String, byte[]> producer, int sends) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (producer.history().size() < sends && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(sends, producer.history().size());
    }

    private static SnapshotObject record(String entity, long revision) {
        return SnapshotObject.newBuilder().setBucket("b").setObjectKey("s/" + entity + "/" + revision).setEntityId(entity)
                .setRevision(revision).setContentHash(null).setSizeBytes(1).setEtag("e").setLastModifiedTime(Instant.EPOCH)
                .setPublicationState(PublicationState.PENDING).setTags(Map.of()).setUserMetadata(Map.of()).setCreatedAt(null)
                .setScanPassId("p").setScanTime(Instant.ofEpochMilli(5_000L)).build();
    }
}
