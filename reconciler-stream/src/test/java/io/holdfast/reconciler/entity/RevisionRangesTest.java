package io.holdfast.reconciler.entity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

class RevisionRangesTest {

    @Property(tries = 500)
    void behavesLikeASetAndKeepsRangesMaximal(@ForAll @Size(max = 60) List<@LongRange(min = 0, max = 80) Long> revisions) {
        RevisionRanges ranges = new RevisionRanges();
        TreeSet<Long> model = new TreeSet<>();
        for (long r : revisions) {
            ranges.add(r);
            model.add(r);
        }
        for (long r = 0; r <= 81; r++) {
            assertEquals(model.contains(r), ranges.contains(r), "revision " + r + " in " + ranges);
        }
        long[] pairs = ranges.pairs();
        int expectedRanges = 0;
        Long previous = null;
        for (long r : model) {
            if (previous == null || r != previous + 1) {
                expectedRanges++;
            }
            previous = r;
        }
        assertEquals(expectedRanges, pairs.length / 2, "adjacent revisions share one range: " + ranges);
        assertEquals(model.isEmpty() ? EntityInput.NONE : model.last(), ranges.max());
        assertEquals(ranges.toString(), RevisionRanges.of(pairs).toString());
    }
}
