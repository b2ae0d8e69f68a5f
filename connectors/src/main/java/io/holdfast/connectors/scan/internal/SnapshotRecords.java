package io.holdfast.connectors.scan.internal;

import io.holdfast.connectors.store.EntityStoreSchema;
import io.holdfast.schemas.PublicationState;
import io.holdfast.schemas.SnapshotObject;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Turns what S3 says about one object into its {@link SnapshotObject}, or says why it cannot. */
public final class SnapshotRecords {

    /** What the scanner read about one object: from its HeadObject and GetObjectTagging. */
    public record ObjectFacts(String key, String etag, long sizeBytes, Instant lastModified,
                              Map<String, String> userMetadata, Map<String, String> tags) {
    }

    private SnapshotRecords() {
    }

    /**
     * The object's record, or empty when neither its metadata nor its key names an entity and a
     * revision (the reconciler could do nothing with it). Metadata wins over the key: it is what the
     * writer recorded, whereas a key may have been copied or renamed.
     */
    public static Optional<SnapshotObject> toRecord(String bucket, String prefix, ObjectFacts facts, String passId, Instant scanTime) {
        Map<String, String> metadata = facts.userMetadata();
        Optional<ObjectKeys.EntityRevision> fromKey = ObjectKeys.parse(prefix, facts.key());
        String metaEntity = metadata.get(EntityStoreSchema.META_ENTITY);
        Optional<String> entity = metaEntity != null && !metaEntity.isBlank()
                ? Optional.of(metaEntity) : fromKey.map(ObjectKeys.EntityRevision::entity);
        Optional<Long> revision = ObjectKeys.parseDecimal(metadata.get(EntityStoreSchema.META_REVISION))
                .or(() -> fromKey.map(ObjectKeys.EntityRevision::revision));
        if (entity.isEmpty() || revision.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(SnapshotObject.newBuilder()
                .setBucket(bucket)
                .setObjectKey(facts.key())
                .setEntityId(entity.get())
                .setRevision(revision.get())
                .setContentHash(metadata.get(EntityStoreSchema.META_CONTENT_HASH))
                .setSizeBytes(facts.sizeBytes())
                .setEtag(unquote(facts.etag()))
                .setLastModifiedTime(facts.lastModified())
                .setPublicationState(publicationState(facts.tags()))
                .setTags(new TreeMap<>(facts.tags()))
                .setUserMetadata(new TreeMap<>(metadata))
                .setCreatedAt(createdAt(metadata.get(EntityStoreSchema.META_CREATED_AT)))
                .setScanPassId(passId)
                .setScanTime(scanTime)
                .build());
    }

    public static PublicationState publicationState(Map<String, String> tags) {
        String value = tags.get(EntityStoreSchema.TAG);
        if (EntityStoreSchema.PENDING.equalsIgnoreCase(value)) {
            return PublicationState.PENDING;
        }
        if (EntityStoreSchema.PUBLISHED.equalsIgnoreCase(value)) {
            return PublicationState.PUBLISHED;
        }
        return PublicationState.UNKNOWN;
    }

    /** S3 returns ETags in double quotes (an HTTP entity tag); the contract wants the bare value. */
    public static String unquote(String etag) {
        if (etag == null) {
            return "";
        }
        String e = etag.trim();
        if (e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"")) {
            return e.substring(1, e.length() - 1);
        }
        return e;
    }

    /** The writer records epoch milliseconds; an ISO-8601 instant is accepted too; anything else is unknown. */
    static Instant createdAt(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String t = text.trim();
        Optional<Long> millis = ObjectKeys.parseDecimal(t);
        if (millis.isPresent()) {
            return Instant.ofEpochMilli(millis.get());
        }
        try {
            return Instant.parse(t);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
