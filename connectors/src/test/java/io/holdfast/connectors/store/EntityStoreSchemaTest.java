package io.holdfast.connectors.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EntityStoreSchemaTest {

    @Test
    void theContentHashIsSha256InHex() {
        assertEquals("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                EntityStoreSchema.contentHash("abc".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void layoutOfKeysAndTags() {
        assertEquals("snapshots/entity-000001/7", EntityStoreSchema.objectKey("snapshots/", "entity-000001", 7));
        assertEquals("publication_state=pending", EntityStoreSchema.pendingTagging());
        assertEquals("owner=team-a,publication_state=published",
                PublicationTags.describe(Map.of("publication_state", "published", "owner", "team-a")));
    }
}
