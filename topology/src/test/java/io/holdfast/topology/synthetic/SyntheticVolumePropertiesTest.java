package io.holdfast.topology.synthetic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.schemas.VolumeMetric;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** Every sample is physically possible, whatever the seed, the period and the episodes. */
class SyntheticVolumePropertiesTest {

    @Property(tries = 60)
    void everySampleIsPhysicallyConsistent(@ForAll long seed, @ForAll @IntRange(min = 1, max = 60) int periodSeconds,
                                           @ForAll @LongRange(min = 0, max = 5_000) long baseLoadIops) {
        long periodMs = periodSeconds * 1_000L;
        SyntheticVolume volume = SyntheticVolume.builder().volumeId("vol-p").node("n").seed(seed).periodMs(periodMs)
                .baseLoadIops(baseLoadIops).build();
        SplittableRandom random = new SplittableRandom(seed);
        long onset = periodMs * 3 + random.nextLong(periodMs);
        List<Episode> scheduled = new ArrayList<>();
        for (EpisodeType type : EpisodeType.values()) {
            Episode episode = Episode.random(type, onset, random);
            volume.schedule(episode);
            scheduled.add(episode);
            onset = episode.endMillis() + random.nextLong(1, 5 * periodMs);
        }
        long previousEvent = 0;
        while (previousEvent < onset + periodMs) {
            SyntheticSample sample = volume.next();
            VolumeMetric m = sample.metric();
            assertEquals(previousEvent + periodMs, sample.eventMillis());
            previousEvent = sample.eventMillis();
            assertEquals(periodMs, m.getSamplePeriodMs());

            assertTrue(m.getReadOps() >= 0 && m.getWriteOps() >= 0, m.toString());
            assertTrue(m.getReadBytes() >= 0 && m.getWriteBytes() >= 0, m.toString());
            assertEquals(m.getReadBytes() + m.getWriteBytes(), m.getTotalBytes());
            assertTrue(m.getIdleRatio() >= 0 && m.getIdleRatio() <= 1, m.toString());
            assertTrue(m.getQueueDepth() >= 0 && Double.isFinite(m.getQueueDepth()), m.toString());
            assertEquals(m.getReadOps() > 0, m.getReadLatencyUs() != null, "read latency exactly when reads completed");
            assertEquals(m.getWriteOps() > 0, m.getWriteLatencyUs() != null, "write latency exactly when writes completed");
            long ops = m.getReadOps() + m.getWriteOps();
            if (ops > 0) {
                assertNotNull(m.getLatencyUs());
                double low = Math.min(orMax(m.getReadLatencyUs()), orMax(m.getWriteLatencyUs()));
                double high = Math.max(orMin(m.getReadLatencyUs()), orMin(m.getWriteLatencyUs()));
                assertTrue(m.getLatencyUs() >= low * (1 - 1e-9) && m.getLatencyUs() <= high * (1 + 1e-9),
                        "overall latency is the ops-weighted mean of reads and writes: " + m);
                assertTrue(m.getLatencyUs() > 0);
            } else {
                assertNull(m.getLatencyUs());
            }

            boolean stalledPeriod = scheduled.stream().anyMatch(e -> e.type() == EpisodeType.STALL
                    && e.overlaps(sample.eventMillis() - periodMs, sample.eventMillis()));
            assertEquals(stalledPeriod, m.getStalled(), "stall flag exactly in periods a stall overlaps");
            if (!stalledPeriod) {
                // Little's law over what completed: queue = sum of latencies / period.
                double sumLatencySeconds = ops == 0 ? 0 : m.getLatencyUs() * ops / 1e6;
                assertEquals(sumLatencySeconds / (periodMs / 1000d), m.getQueueDepth(), 1e-9 * Math.max(1, m.getQueueDepth()));
            } else {
                assertTrue(m.getQueueDepth() > 0, "a stalled volume has I/O queued");
            }
            if (sample.episode() != null) {
                assertTrue(sample.episode().overlaps(sample.eventMillis() - periodMs, sample.eventMillis()));
            }
        }
    }

    @Property(tries = 20)
    void healthyLatencyStaysWithinAFewMillisecondsAtNormalLoad(@ForAll long seed,
                                                              @ForAll @IntRange(min = 1, max = 60) int periodSeconds) {
        SyntheticVolume volume = SyntheticVolume.builder().volumeId("vol-h").seed(seed).periodMs(periodSeconds * 1_000L).build();
        for (int i = 0; i < 2_000; i++) {
            VolumeMetric m = volume.next().metric();
            if (m.getLatencyUs() != null) {
                assertTrue(m.getLatencyUs() < 5_000, "healthy sample at " + m.getLatencyUs() + " us: " + m);
            }
        }
    }

    private static double orMax(Double value) {
        return value == null ? Double.MAX_VALUE : value;
    }

    private static double orMin(Double value) {
        return value == null ? -Double.MAX_VALUE : value;
    }
}
