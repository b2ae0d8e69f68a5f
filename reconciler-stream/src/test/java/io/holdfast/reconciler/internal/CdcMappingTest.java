package io.holdfast.reconciler.internal;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.reconciler.ReconcilerConfig;
import io.holdfast.reconciler.cdc.ChangeEvent;
import io.holdfast.reconciler.cdc.ChangeEventParser;
import io.holdfast.reconciler.cdc.MalformedChangeEventException;
import org.junit.jupiter.api.Test;

class CdcMappingTest {

    private final CdcMapping mapping = new CdcMapping("revisions", "entity_heads", ReconcilerConfig.Columns.DEFAULT);

    /**
     * The parser accepts an envelope without {@code source}; a row change without it names no table, so it is
     * malformed input with that reason (found by ReconcilerFuzzTest: it was a NullPointerException).
     */
    @Test
    void aRowChangeWithoutSourceIsMalformedNotANullPointer() {
        ChangeEvent e = new ChangeEventParser().parse("{\"entity_id\":\"e-1\"}",
                "{\"before\":null,\"after\":{\"entity_id\":\"e-1\",\"revision\":1},\"op\":\"c\"}");
        MalformedChangeEventException thrown = assertThrows(MalformedChangeEventException.class, () -> mapping.toInput(e));
        assertTrue(thrown.getMessage().contains("source"), thrown.getMessage());
    }
}
