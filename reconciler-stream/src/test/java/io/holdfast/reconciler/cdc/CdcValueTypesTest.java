package io.holdfast.reconciler.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CdcValueTypesTest {

    @ParameterizedTest
    @EnumSource(Op.class)
    void opCodesRoundTrip(Op op) {
        assertEquals(op, Op.fromCode(String.valueOf(op.code())));
    }

    @Test
    void unknownOpCodes() {
        assertNull(Op.fromCode("x"));
        assertNull(Op.fromCode(""));
        assertNull(Op.fromCode(null));
        assertNull(Op.fromCode("cc"));
        assertNull(Op.fromCode("C"));
    }

    @ParameterizedTest
    @EnumSource(SnapshotMarker.class)
    void snapshotMarkersRoundTripAndOnlyFalseIsNotCopying(SnapshotMarker marker) {
        assertEquals(marker, SnapshotMarker.fromWire(marker.wireValue()));
        assertEquals(marker != SnapshotMarker.FALSE, marker.copying());
    }

    @Test
    void snapshotMarkerHelpers() {
        assertEquals(SnapshotMarker.FALSE, SnapshotMarker.fromWire(null));
        assertEquals(SnapshotMarker.TRUE, SnapshotMarker.fromBoolean(true));
        assertEquals(SnapshotMarker.FALSE, SnapshotMarker.fromBoolean(false));
        assertTrue(SnapshotMarker.LAST.endsSnapshot());
        assertTrue(SnapshotMarker.LAST.endsTableCopy());
        assertTrue(SnapshotMarker.LAST_IN_DATA_COLLECTION.endsTableCopy());
        assertFalse(SnapshotMarker.LAST_IN_DATA_COLLECTION.endsSnapshot());
        assertFalse(SnapshotMarker.INCREMENTAL.endsTableCopy());
        assertThrows(IllegalArgumentException.class, () -> SnapshotMarker.fromWire("TRUE"));
    }

    @Test
    void rowOfMapNormalisesIntegersToLong() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("entity_id", "e-1");
        map.put("revision", 3);
        map.put("deleted", null);
        Row row = Row.of(map);
        assertEquals(3L, row.get("revision"));
        assertEquals(3L, row.longValue("revision"));
        assertEquals("3", row.string("revision"));
        assertTrue(row.has("deleted"));
        assertEquals(Row.of(Map.of("entity_id", "e-1", "revision", 3L, "x", 1L)).longValue("x"), 1L);
        assertEquals("{entity_id=e-1, revision=3, deleted=null}", row.toString());
        assertEquals(row, Row.of(map));
        assertEquals(row.hashCode(), Row.of(map).hashCode());
    }

    @Test
    void changeEventInvariants() {
        Row row = Row.of(Map.of("entity_id", "e-1"));
        assertThrows(IllegalArgumentException.class, () -> new ChangeEvent(null, row, row, null, null, -1));
        assertThrows(IllegalArgumentException.class, () -> new ChangeEvent(Op.CREATE, row, null, null, null, 1));
        assertThrows(IllegalArgumentException.class, () -> new ChangeEvent(Op.DELETE, row, null, null, null, 1));
        assertEquals(Op.READ, new ChangeEvent(Op.READ, row, null, row, null, 1).requireOp());
        assertThrows(NullPointerException.class, () -> new SourceInfo("mysql", "n", "d", "t", null, 1, null, null, null, -1, -1));
    }
}
