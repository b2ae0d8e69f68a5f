package io.holdfast.connectors.scan.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.connectors.store.EntityStoreSchema;
import io.holdfast.schemas.PublicationState;
import io.holdfast.schemas.SnapshotObject;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SnapshotRecordsTest {

    private static final Instant MODIFIED = Instant.parse("2026-12-01T10:00:00Z");
    private static final Instant SCANNED = Instant.parse("2026-12-06T18:00:00Z");

    private static SnapshotRecords.ObjectFacts facts(String key, Map<String, String> metadata, Map<String, String> tags) {
        return new SnapshotRecords.ObjectFacts(key, "\"0cc175b9c0f1b6a831c399e269772661\"", 123, MODIFIED, metadata, tags);
    }

    @Test
    void everyFieldFromTheObject() {
        Map<String, String> metadata = Map.of(EntityStoreSchema.META_ENTITY, "order-1", EntityStoreSchema.META_REVISION, "3",
                EntityStoreSchema.META_CONTENT_HASH, "sha256:abc", EntityStoreSchema.META_CREATED_AT, "1764583200000");
        Map<String, String> tags = Map.of(EntityStoreSchema.TAG, EntityStoreSchema.PENDING, "team", "a");
        SnapshotObject r = SnapshotRecords.toRecord("b", "snapshots/", facts("snapshots/order-1/3", metadata, tags), "p1", SCANNED)
                .orElseThrow();
        assertEquals("b", r.getBucket());
        assertEquals("snapshots/order-1/3", r.getObjectKey());
        assertEquals("order-1", r.getEntityId());
        assertEquals(3, r.getRevision());
        assertEquals("sha256:abc", r.getContentHash());
        assertEquals(123, r.getSizeBytes());
        assertEquals("0cc175b9c0f1b6a831c399e269772661", r.getEtag());
        assertEquals(MODIFIED, r.getLastModifiedTime());
        assertEquals(PublicationState.PENDING, r.getPublicationState());
        assertEquals(tags, r.getTags());
        assertEquals(metadata, r.getUserMetadata());
        assertEquals(Instant.ofEpochMilli(1764583200000L), r.getCreatedAt());
        assertEquals("p1", r.getScanPassId());
        assertEquals(SCANNED, r.getScanTime());
    }

    @Test
    void metadataWinsOverTheKeyAndTheKeyFillsWhatMetadataLacks() {
        SnapshotObject both = SnapshotRecords.toRecord("b", "s/", facts("s/from-key/1",
                Map.of(EntityStoreSchema.META_ENTITY, "from-meta", EntityStoreSchema.META_REVISION, "9"), Map.of()), "p", SCANNED)
                .orElseThrow();
        assertEquals("from-meta", both.getEntityId());
        assertEquals(9, both.getRevision());

        SnapshotObject keyOnly = SnapshotRecords.toRecord("b", "s/", facts("s/from-key/1", Map.of(), Map.of()), "p", SCANNED).orElseThrow();
        assertEquals("from-key", keyOnly.getEntityId());
        assertEquals(1, keyOnly.getRevision());
        assertNull(keyOnly.getContentHash());
        assertNull(keyOnly.getCreatedAt());
        assertEquals(PublicationState.UNKNOWN, keyOnly.getPublicationState());

        SnapshotObject foreignKey = SnapshotRecords.toRecord("b", "s/", facts("s/imports/legacy.bin",
                Map.of(EntityStoreSchema.META_ENTITY, "legacy", EntityStoreSchema.META_REVISION, "4"), Map.of()), "p", SCANNED)
                .orElseThrow();
        assertEquals("legacy", foreignKey.getEntityId());
        assertEquals(4, foreignKey.getRevision());
    }

    @Test
    void anObjectNamingNoEntityOrRevisionIsNotARecord() {
        assertTrue(SnapshotRecords.toRecord("b", "s/", facts("s/imports/legacy.bin", Map.of(), Map.of()), "p", SCANNED).isEmpty());
        assertTrue(SnapshotRecords.toRecord("b", "s/", facts("s/imports/legacy.bin",
                Map.of(EntityStoreSchema.META_ENTITY, "only-entity"), Map.of()), "p", SCANNED).isEmpty());
        assertTrue(SnapshotRecords.toRecord("b", "s/", facts("s/imports/legacy.bin",
                Map.of(EntityStoreSchema.META_ENTITY, "e", EntityStoreSchema.META_REVISION, "-1"), Map.of()), "p", SCANNED).isEmpty());
    }

    @Test
    void publicationStateFromTheTag() {
        assertEquals(PublicationState.PUBLISHED, SnapshotRecords.publicationState(Map.of(EntityStoreSchema.TAG, "published")));
        assertEquals(PublicationState.PENDING, SnapshotRecords.publicationState(Map.of(EntityStoreSchema.TAG, "PENDING")));
        assertEquals(PublicationState.UNKNOWN, SnapshotRecords.publicationState(Map.of(EntityStoreSchema.TAG, "archived")));
        assertEquals(PublicationState.UNKNOWN, SnapshotRecords.publicationState(Map.of()));
    }

    @Test
    void etagsLoseTheirQuotesAndCreationTimesMayBeIso() {
        assertEquals("abc-2", SnapshotRecords.unquote("\"abc-2\""));
        assertEquals("abc", SnapshotRecords.unquote("abc"));
        assertEquals("", SnapshotRecords.unquote(null));
        assertEquals(Instant.parse("2026-01-02T03:04:05Z"), SnapshotRecords.createdAt("2026-01-02T03:04:05Z"));
        assertNull(SnapshotRecords.createdAt("yesterday"));
    }
}
