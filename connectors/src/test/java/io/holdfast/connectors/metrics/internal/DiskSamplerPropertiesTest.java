package io.holdfast.connectors.metrics.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.schemas.VolumeMetric;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Whatever the kernel's counters do, a published sample is physically possible and no reset leaks through. */
class DiskSamplerPropertiesTest {

    /** One reading's change: counter increments (or a reset), in-flight gauge, elapsed time. */
    record Step(long reads, long readMs, long writes, long writeMs, long busyMs, long weightedMs, long inFlight,
                long elapsedMs, boolean reset) {}

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Long> count = Arbitraries.longs().between(0, 50_000).edgeCases(c -> c.add(0L));
        Arbitrary<Long> millis = Arbitraries.longs().between(0, 120_000);
        Arbitrary<Step> step = Combinators.combine(
                        Combinators.combine(count, millis, count, millis).as((r, rm, w, wm) -> new long[] {r, rm, w, wm}),
                        millis, millis, Arbitraries.longs().between(0, 64),
                        Arbitraries.longs().between(1_000, 60_000), Arbitraries.integers().between(0, 19))
                .as((rw, busy, weighted, inFlight, elapsed, dice) ->
                        new Step(rw[0], rw[1], rw[2], rw[3], busy, weighted, dice < 3 ? 0 : inFlight, elapsed, dice == 0));
        return step.list().ofMinSize(1).ofMaxSize(40);
    }

    @Property(tries = 300)
    void everySampleIsPossibleAndAPeriodAcrossAResetIsSkipped(@ForAll("steps") List<Step> steps) {
        DiskSampler sampler = new DiskSampler(new DeviceFilter(Pattern.compile("sda"), Optional.empty()),
                new DiskSampler.Identity("n", "n", null, Map.of()));
        long[] before = new long[6];
        long inFlightBefore = 0;
        long nanos = 0;
        long wall = 1_000_000;
        sampler.observe(List.of(counters(before, 0)), nanos, wall);
        long resets = 0;
        for (Step s : steps) {
            long[] increments = {s.reads(), s.readMs(), s.writes(), s.writeMs(), s.busyMs(), s.weightedMs()};
            long[] after = new long[6];
            boolean wentBack = false;
            for (int i = 0; i < after.length; i++) {
                // A reset starts the counters again from small values, as a re-created device does.
                after[i] = s.reset() ? increments[i] : before[i] + increments[i];
                wentBack |= after[i] < before[i];
            }
            nanos += s.elapsedMs() * 1_000_000;
            wall += s.elapsedMs();
            List<VolumeMetric> samples = sampler.observe(List.of(counters(after, s.inFlight())), nanos, wall);

            if (wentBack) {
                resets++;
                assertEquals(List.of(), samples, "a period across a reset is skipped");
            } else {
                VolumeMetric m = samples.get(0);
                long reads = after[0] - before[0];
                long writes = after[2] - before[2];
                assertEquals(reads, m.getReadOps());
                assertEquals(writes, m.getWriteOps());
                assertEquals(s.elapsedMs(), m.getSamplePeriodMs());
                assertTrue(m.getIdleRatio() >= 0 && m.getIdleRatio() <= 1, m.toString());
                assertTrue(m.getQueueDepth() >= 0, m.toString());
                assertEquals(reads > 0, m.getReadLatencyUs() != null);
                assertEquals(writes > 0, m.getWriteLatencyUs() != null);
                if (reads + writes > 0) {
                    double expected = (after[1] - before[1] + after[3] - before[3]) * 1000.0 / (reads + writes);
                    assertEquals(expected, m.getLatencyUs(), 1e-6);
                }
                boolean stalled = inFlightBefore > 0 && s.inFlight() > 0 && reads + writes == 0;
                assertEquals(stalled, m.getStalled(), m.toString());
                if (stalled) {
                    assertEquals(0.0, m.getIdleRatio());
                }
            }
            before = after;
            inFlightBefore = s.inFlight();
        }
        assertEquals(resets, sampler.resets());
    }

    private static DiskCounters counters(long[] c, long inFlight) {
        return new DiskCounters(8, 0, "sda", c[0], 0, c[0] * 8, c[1], c[2], 0, c[2] * 8, c[3], inFlight, c[4], c[5],
                0, 0, 0, 0, 0, 0);
    }
}
