package io.holdfast.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ScopesAndCommandIdsTest {

    @Test
    void everyScopeKindHasOneCanonicalKey() {
        assertEquals("global", Scopes.key(Scopes.global()));
        assertEquals("keyspace:commerce", Scopes.key(Scopes.keyspace("commerce")));
        assertEquals("shard:commerce/-80", Scopes.key(Scopes.shard("commerce", "-80")));
        assertEquals("cell:zone1", Scopes.key(Scopes.cell("zone1")));
        assertEquals("volume:vol-1", Scopes.key(Scopes.volume("vol-1")));
        assertEquals("tablet:zone1-100", Scopes.key(Scopes.tablet("zone1-100")));
        assertEquals("entity:e-42", Scopes.key(Scopes.entity("e-42")));
        assertEquals("workflow:cdc.db/revisions", Scopes.key(Scopes.workflow("cdc.db/revisions")));
    }

    @Test
    void incompleteOrUnknownScopesHaveNoKey() {
        assertThrows(IllegalArgumentException.class, () -> Scopes.key(Scope.newBuilder().setKind(ScopeKind.UNKNOWN).build()));
        assertThrows(IllegalArgumentException.class, () -> Scopes.key(Scope.newBuilder().setKind(ScopeKind.SHARD)
                .setKeyspace("commerce").build()));
        assertThrows(IllegalArgumentException.class, () -> Scopes.shard("commerce", ""));
    }

    @Test
    void commandIdsAreDeterministicAndUnambiguous() {
        String id = CommandIds.of("REPARENT", "commerce", "-80", "zone1-100", 7L, 1);
        assertEquals(id, CommandIds.of("REPARENT", "commerce", "-80", "zone1-100", 7L, 1));
        assertTrue(id.matches("[0-9a-f]{32}"), id);
        assertNotEquals(id, CommandIds.of("REPARENT", "commerce", "-80", "zone1-100", 7L, 2));
        assertNotEquals(CommandIds.of("X", "ab", "c"), CommandIds.of("X", "a", "bc"));
        assertNotEquals(CommandIds.of("X", (Object) null), CommandIds.of("X", ""));
        // Pinned (computed independently as SHA-256 over length-prefixed parts): a change of algorithm would
        // give redelivered decisions new ids and break executors' idempotence across versions.
        assertEquals("07b3c2f57dc0000c0a1f8c8f0b433551", CommandIds.of("ADVANCE_HEAD", "e-1", 5L));
    }
}
