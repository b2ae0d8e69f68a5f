package io.holdfast.connectors.writer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FailurePlanTest {

    @Test
    void certaintiesNeedNoDraw() {
        FailurePlan always = new FailurePlan(1, 1, 1, 7);
        FailurePlan never = FailurePlan.none();
        for (StoppedAfter step : List.of(StoppedAfter.S3, StoppedAfter.ROW, StoppedAfter.HEAD)) {
            assertTrue(always.stopsAfter(step), step.name());
            assertFalse(never.stopsAfter(step), step.name());
        }
        assertFalse(always.stopsAfter(StoppedAfter.NONE), "a complete write has no step to stop after");
    }

    @Test
    void theSameSeedStopsTheSameWrites() {
        assertEquals(draws(new FailurePlan(0.3, 0.5, 0.2, 42)), draws(new FailurePlan(0.3, 0.5, 0.2, 42)));
    }

    @Test
    void aProbabilityIsRoughlyKept() {
        FailurePlan plan = new FailurePlan(0.25, 0, 0, 3);
        int stops = 0;
        for (int i = 0; i < 4_000; i++) {
            stops += plan.stopsAfter(StoppedAfter.S3) ? 1 : 0;
        }
        assertTrue(stops > 800 && stops < 1_200, stops + " stops of 4000 at 0.25");
    }

    @Test
    void probabilitiesOutsideZeroToOneAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new FailurePlan(1.5, 0, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new FailurePlan(0, -0.1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new FailurePlan(0, 0, Double.NaN, 1));
    }

    private static List<Boolean> draws(FailurePlan plan) {
        List<Boolean> draws = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            draws.add(plan.stopsAfter(StoppedAfter.values()[1 + i % 3]));
        }
        return draws;
    }
}
