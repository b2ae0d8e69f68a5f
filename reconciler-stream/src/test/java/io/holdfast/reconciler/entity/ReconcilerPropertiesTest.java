package io.holdfast.reconciler.entity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.IntRange;

/**
 * Random write histories against the real reconciliation logic (see {@link ReconcileHarness}): writers
 * that stop after the S3 step, the row step or the head step; any interleaving, duplication and delay of
 * the three inputs; crashes of the app back to its last exactly-once commit; the executor's effects fed
 * back as change events, with losses and repeats. At the end, after a quiet period: every snapshot has its
 * row and the published tag, every head equals its entity's highest revision, no head moved backward, no
 * command was decided while the copy ran, no head was pointed at a revision not in S3 and Vitess, every
 * planted violation was alerted exactly once and nothing else was alerted.
 */
class ReconcilerPropertiesTest {

    @Property(tries = 1000)
    void theStoreConvergesAndEveryViolationIsAlertedOnce(
            @ForAll long seed,
            @ForAll @IntRange(min = 0, max = 3) int preexisting,
            @ForAll @IntRange(min = 1, max = 4) int writers,
            @ForAll @IntRange(min = 1, max = 4) int writesEach,
            @ForAll @IntRange(min = 50, max = 400) int busySteps,
            @ForAll boolean plantViolations) {
        ReconcileHarness h = new ReconcileHarness(seed);
        for (int i = 0; i < preexisting; i++) {
            h.preexisting("old-" + i, 1 + i);
        }
        for (int i = 0; i < writers; i++) {
            h.writes("e-" + i, writesEach);
        }
        if (plantViolations) {
            h.plant("v-backward", ReconcileHarness.Plant.HEAD_BACKWARD);
            h.plant("v-rowonly", ReconcileHarness.Plant.ROW_WITHOUT_SNAPSHOT);
            h.plant("v-mismatch", ReconcileHarness.Plant.HASH_MISMATCH);
        }
        for (int i = 0; i < busySteps; i++) {
            h.step(true);
        }
        // Writers finish (some of their writes stopping after a step), then no more crashes.
        for (int i = 0; i < 4 * writers * writesEach * 4; i++) {
            h.step(false);
        }
        h.settle(60);
        List<String> problems = h.check();
        Statistics.label("app crashed").collect(h.crashes > 0);
        Statistics.label("repairs issued").collect(h.commandsCommitted == 0 ? "none" : h.commandsCommitted < 10 ? "1-9" : "10+");
        assertEquals(List.of(), problems, "seed " + seed + ", crashes " + h.crashes + ", commands " + h.commandsCommitted);
    }
}
