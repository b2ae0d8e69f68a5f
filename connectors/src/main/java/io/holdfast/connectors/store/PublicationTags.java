package io.holdfast.connectors.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Tag;
import software.amazon.awssdk.services.s3.model.Tagging;

/**
 * Moves a snapshot's {@link EntityStoreSchema#TAG} to {@link EntityStoreSchema#PUBLISHED} while keeping every
 * other tag: S3 replaces an object's whole tag set at once, so the set is read, changed and written back.
 * Used by the revision writer's last step and by the reconcile executor's MARK_PUBLISHED.
 */
public final class PublicationTags {

    private PublicationTags() {}

    /**
     * Tags {@code key} published, keeping its other tags; does not write when it already is.
     *
     * @return the object's tags afterwards, sorted by name
     */
    public static Map<String, String> markPublished(S3Client s3, String bucket, String key) {
        Map<String, String> tags = read(s3, bucket, key);
        if (!EntityStoreSchema.PUBLISHED.equals(tags.get(EntityStoreSchema.TAG))) {
            tags.put(EntityStoreSchema.TAG, EntityStoreSchema.PUBLISHED);
            List<Tag> tagSet = new ArrayList<>();
            tags.forEach((k, v) -> tagSet.add(Tag.builder().key(k).value(v).build()));
            s3.putObjectTagging(b -> b.bucket(bucket).key(key).tagging(Tagging.builder().tagSet(tagSet).build()));
        }
        return tags;
    }

    /** The object's tags, sorted by name. */
    public static Map<String, String> read(S3Client s3, String bucket, String key) {
        Map<String, String> tags = new TreeMap<>();
        s3.getObjectTagging(b -> b.bucket(bucket).key(key)).tagSet().forEach(t -> tags.put(t.key(), t.value()));
        return tags;
    }

    /** {@code a=1,b=2}: a tag map as one observed value. */
    public static String describe(Map<String, String> tags) {
        StringBuilder text = new StringBuilder();
        new TreeMap<>(tags).forEach((k, v) -> text.append(text.length() == 0 ? "" : ",").append(k).append('=').append(v));
        return text.toString();
    }
}
