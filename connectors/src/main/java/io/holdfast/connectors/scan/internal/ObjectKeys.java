package io.holdfast.connectors.scan.internal;

import java.util.Optional;

/**
 * Reads an entity and a revision back out of an object key laid out as
 * {@code EntityStoreSchema.objectKey}: {@code <prefix><entity>/<revision>}, the entity one non-empty
 * path segment, the revision a non-negative decimal number. Anything else (a deeper path, a revision
 * with a sign or a suffix, another prefix) does not fit: such an object is identified by its metadata
 * or not at all.
 */
public final class ObjectKeys {

    /** The identity a key encodes. */
    public record EntityRevision(String entity, long revision) {
    }

    private ObjectKeys() {
    }

    public static Optional<EntityRevision> parse(String prefix, String key) {
        if (key == null || !key.startsWith(prefix)) {
            return Optional.empty();
        }
        String rest = key.substring(prefix.length());
        int slash = rest.indexOf('/');
        if (slash <= 0 || rest.indexOf('/', slash + 1) >= 0) {
            return Optional.empty();
        }
        String entity = rest.substring(0, slash);
        return parseDecimal(rest.substring(slash + 1)).map(revision -> new EntityRevision(entity, revision));
    }

    /** A number as the writer renders revisions and times: plain decimal digits (no sign, no spaces), within a long. */
    public static Optional<Long> parseDecimal(String text) {
        if (text == null || text.isEmpty() || text.length() > 19) {
            return Optional.empty();
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return Optional.empty();
            }
        }
        try {
            return Optional.of(Long.parseLong(text));
        } catch (NumberFormatException e) {
            // 19 digits above Long.MAX_VALUE
            return Optional.empty();
        }
    }
}
