package io.holdfast.connectors.scan.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.holdfast.connectors.store.EntityStoreSchema;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ObjectKeysTest {

    private static final String PREFIX = "snapshots/";

    @Test
    void readsBackWhatTheWriterLaysOut() {
        String key = EntityStoreSchema.objectKey(PREFIX, "order-42", 7);
        assertEquals(Optional.of(new ObjectKeys.EntityRevision("order-42", 7)), ObjectKeys.parse(PREFIX, key));
        assertEquals(Optional.of(new ObjectKeys.EntityRevision("e", Long.MAX_VALUE)),
                ObjectKeys.parse(PREFIX, PREFIX + "e/" + Long.MAX_VALUE));
        assertEquals(Optional.of(new ObjectKeys.EntityRevision("e", 0)), ObjectKeys.parse("", "e/0"));
    }

    @Test
    void keysOfAnotherLayoutDoNotFit() {
        for (String key : new String[] {"other/e/1", PREFIX + "e", PREFIX + "e/", PREFIX + "/1", PREFIX + "a/b/1",
                PREFIX + "e/1.json", PREFIX + "e/-1", PREFIX + "e/+1", PREFIX + "e/ 1", PREFIX + "e/9223372036854775808",
                PREFIX + "e/99999999999999999999", PREFIX}) {
            assertEquals(Optional.empty(), ObjectKeys.parse(PREFIX, key), key);
        }
        assertEquals(Optional.empty(), ObjectKeys.parse(PREFIX, null));
    }

    @Test
    void decimalsAreDigitsOnly() {
        assertEquals(Optional.of(12L), ObjectKeys.parseDecimal("012"));
        assertEquals(Optional.empty(), ObjectKeys.parseDecimal(""));
        assertEquals(Optional.empty(), ObjectKeys.parseDecimal(null));
        assertEquals(Optional.empty(), ObjectKeys.parseDecimal("1e3"));
    }
}
