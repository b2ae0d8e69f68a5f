package io.holdfast.connectors.writer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PacerTest {

    private static final long MS = 1_000_000L;

    @Test
    void callersAreSpacedByTheInterval() {
        Pacer pacer = new Pacer(100); // one slot every 10 ms
        assertEquals(0, pacer.reserve(0));
        assertEquals(10 * MS, pacer.reserve(0));
        assertEquals(20 * MS, pacer.reserve(0));
        assertEquals(15 * MS, pacer.reserve(15 * MS), "the next free slot is at 30 ms");
    }

    @Test
    void aSlowStretchIsNotMadeUpWithABurst() {
        Pacer pacer = new Pacer(100);
        pacer.reserve(0);
        assertEquals(0, pacer.reserve(1_000 * MS));
        assertEquals(10 * MS, pacer.reserve(1_000 * MS), "after a pause, the rate holds again at once");
    }

    @Test
    void aRateMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new Pacer(0));
        assertThrows(IllegalArgumentException.class, () -> new Pacer(Double.NaN));
    }
}
