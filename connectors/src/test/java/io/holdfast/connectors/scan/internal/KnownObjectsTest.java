package io.holdfast.connectors.scan.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.holdfast.connectors.store.EntityStoreSchema;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KnownObjectsTest {

    private static SnapshotRecords.ObjectFacts facts(String key, String etag, String tag) {
        return new SnapshotRecords.ObjectFacts(key, etag, 10, Instant.EPOCH, Map.of(), Map.of(EntityStoreSchema.TAG, tag));
    }

    @Test
    void readsWhatCanHaveChangedOnly() {
        KnownObjects known = new KnownObjects(10);
        assertEquals(KnownObjects.Reads.ALL, KnownObjects.readsFor(known.known("a", "\"e1\"")));
        known.remember(facts("a", "\"e1\"", EntityStoreSchema.PENDING));
        known.remember(facts("b", "e2", EntityStoreSchema.PUBLISHED));
        assertEquals(KnownObjects.Reads.TAGS, KnownObjects.readsFor(known.known("a", "e1")), "the listing may not quote the ETag");
        assertEquals(KnownObjects.Reads.NONE, KnownObjects.readsFor(known.known("b", "\"e2\"")));
        assertEquals(KnownObjects.Reads.ALL, KnownObjects.readsFor(known.known("b", "\"e3\"")), "another ETag: read again");
        known.forget("b");
        assertEquals(KnownObjects.Reads.ALL, KnownObjects.readsFor(known.known("b", "e2")));
    }

    @Test
    void theLeastRecentlyListedAreForgottenFirst() {
        KnownObjects known = new KnownObjects(2);
        known.remember(facts("a", "e", EntityStoreSchema.PUBLISHED));
        known.remember(facts("b", "e", EntityStoreSchema.PUBLISHED));
        known.known("a", "e"); // listed again: most recent
        known.remember(facts("c", "e", EntityStoreSchema.PUBLISHED));
        assertEquals(2, known.size());
        assertEquals(KnownObjects.Reads.NONE, KnownObjects.readsFor(known.known("a", "e")));
        assertEquals(KnownObjects.Reads.ALL, KnownObjects.readsFor(known.known("b", "e")));
    }

    @Test
    void zeroRemembersNothing() {
        KnownObjects known = new KnownObjects(0);
        known.remember(facts("a", "e", EntityStoreSchema.PUBLISHED));
        assertEquals(0, known.size());
        assertEquals(KnownObjects.Reads.ALL, KnownObjects.readsFor(known.known("a", "e")));
    }
}
