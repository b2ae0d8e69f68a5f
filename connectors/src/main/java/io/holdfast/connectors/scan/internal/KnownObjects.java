package io.holdfast.connectors.scan.internal;

import io.holdfast.connectors.store.EntityStoreSchema;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What earlier passes read of each object, so that a pass reads from S3 only what can have changed. Snapshots are
 * create-only: for one ETag an object's size, time and user metadata never change, and its publication tag only
 * moves forward to {@code published}. So an object listed with the ETag it had before needs no HeadObject, and
 * one already published needs no GetObjectTagging either. An object listed with another ETag (rewritten by
 * something other than holdfast's writer) is read again in full. Bounded: the least recently listed objects are
 * forgotten first (and simply read again). Not thread-safe; the inspector guards it.
 */
public final class KnownObjects {

    /** What a pass needs to read from S3 for one listed object. */
    public enum Reads {
        /** Never seen with this ETag: HeadObject and GetObjectTagging. */
        ALL,
        /** Metadata known, tag may still move: GetObjectTagging only. */
        TAGS,
        /** Published with this ETag: nothing. */
        NONE
    }

    private final int capacity;
    private final LinkedHashMap<String, SnapshotRecords.ObjectFacts> facts;

    public KnownObjects(int capacity) {
        this.capacity = capacity;
        this.facts = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, SnapshotRecords.ObjectFacts> eldest) {
                return size() > KnownObjects.this.capacity;
            }
        };
    }

    /** The reads {@code key}, listed with {@code etag}, needs; with the facts known so far when not ALL. */
    public Optional<SnapshotRecords.ObjectFacts> known(String key, String etag) {
        SnapshotRecords.ObjectFacts f = capacity == 0 ? null : facts.get(key);
        return f != null && etag != null && unquoted(etag).equals(unquoted(f.etag())) ? Optional.of(f) : Optional.empty();
    }

    /** Listings and HeadObject may quote an ETag differently. */
    private static String unquoted(String etag) {
        return etag.length() >= 2 && etag.charAt(0) == '"' && etag.charAt(etag.length() - 1) == '"'
                ? etag.substring(1, etag.length() - 1) : etag;
    }

    public static Reads readsFor(Optional<SnapshotRecords.ObjectFacts> known) {
        if (known.isEmpty()) {
            return Reads.ALL;
        }
        return EntityStoreSchema.PUBLISHED.equals(known.get().tags().get(EntityStoreSchema.TAG)) ? Reads.NONE : Reads.TAGS;
    }

    public void remember(SnapshotRecords.ObjectFacts f) {
        if (capacity > 0 && f.etag() != null) {
            facts.put(f.key(), f);
        }
    }

    public void forget(String key) {
        facts.remove(key);
    }

    public int size() {
        return facts.size();
    }
}
