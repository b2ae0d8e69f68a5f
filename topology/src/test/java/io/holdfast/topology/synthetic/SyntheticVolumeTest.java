package io.holdfast.topology.synthetic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.schemas.MetricSource;
import io.holdfast.schemas.VolumeMetric;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

class SyntheticVolumeTest {

    private static final long START = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
    private static final long MINUTE = 60_000;

    private static SyntheticVolume volume(long seed) {
        return SyntheticVolume.builder().volumeId("vol-a").node("node-1").cell("cell-a").device("nvme1n1")
                .seed(seed).startMillis(START).build();
    }

    private static List<SyntheticSample> take(SyntheticVolume volume, int count) {
        List<SyntheticSample> samples = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            samples.add(volume.next());
        }
        return samples;
    }

    private static List<VolumeMetric> metrics(List<SyntheticSample> samples) {
        return samples.stream().map(SyntheticSample::metric).toList();
    }

    @Test
    void theSameSeedGivesTheSameSamplesAndAnotherSeedDifferentOnes() {
        SyntheticVolume a = volume(42);
        SyntheticVolume b = volume(42);
        a.schedule(Episode.degraded(START + 100_000, Duration.ofMinutes(2), 300));
        b.schedule(Episode.degraded(START + 100_000, Duration.ofMinutes(2), 300));

        List<VolumeMetric> first = metrics(take(a, 600));
        assertEquals(first, metrics(take(b, 600)));
        assertNotEquals(first, metrics(take(volume(43), 600)));
    }

    @Test
    void anEpisodeChangesOnlyTheSamplesItOverlaps() {
        SyntheticVolume plain = volume(7);
        SyntheticVolume withEpisode = volume(7);
        Episode episode = Episode.stall(START + 30_500, Duration.ofSeconds(20));
        withEpisode.schedule(episode);

        List<SyntheticSample> expected = take(plain, 120);
        List<SyntheticSample> actual = take(withEpisode, 120);
        for (int i = 0; i < expected.size(); i++) {
            SyntheticSample sample = actual.get(i);
            long periodStart = sample.eventMillis() - 1_000;
            boolean overlaps = episode.overlaps(periodStart, sample.eventMillis());
            if (overlaps) {
                assertNotEquals(expected.get(i).metric(), sample.metric(), "sample " + i);
                assertEquals(episode, sample.episode());
            } else {
                assertEquals(expected.get(i).metric(), sample.metric(), "sample " + i);
                assertNull(sample.episode());
            }
        }
    }

    @Test
    void aHealthyVolumeAtNormalLoadStaysInLowSingleDigitMilliseconds() {
        List<VolumeMetric> hour = metrics(take(volume(1), 3_600));
        double[] latencyMs = values(hour, m -> m.getLatencyUs() / 1000);
        assertTrue(percentile(latencyMs, 50) > 0.7 && percentile(latencyMs, 50) < 2, "median " + percentile(latencyMs, 50));
        assertTrue(percentile(latencyMs, 100) < 4, "max " + percentile(latencyMs, 100));
        double[] readMs = values(hour, m -> m.getReadLatencyUs() / 1000);
        double[] writeMs = values(hour, m -> m.getWriteLatencyUs() / 1000);
        assertTrue(percentile(writeMs, 50) > percentile(readMs, 50), "writes are slower than reads on EBS");
        for (VolumeMetric m : hour) {
            assertFalse(m.getStalled());
            assertTrue(m.getIdleRatio() > 0.2, "a lightly loaded volume is idle much of the time: " + m);
        }
    }

    @Test
    void latencyIsFlatUntilTheKneeAndThenRises() {
        VolumeProfile gp3 = VolumeProfile.gp3();
        assertEquals(1, gp3.latencyFactorAt(0));
        assertEquals(1, gp3.latencyFactorAt(gp3.kneeUtilization()));
        assertEquals(gp3.saturationLatencyFactor(), gp3.latencyFactorAt(1), 1e-9);
        double previous = 1;
        for (double u = gp3.kneeUtilization() + 0.05; u <= 1.2; u += 0.05) {
            double factor = gp3.latencyFactorAt(u);
            assertTrue(factor > previous, "rises past the knee at " + u);
            previous = factor;
        }
        assertEquals(gp3.latencyFactorAt(VolumeProfile.MAX_UTILIZATION), gp3.latencyFactorAt(10));
    }

    @Test
    void degradationJumpsLatencyToHundredsOfMillisecondsZeroesIdleAndCollapsesThroughput() {
        SyntheticVolume volume = volume(3);
        Episode episode = Episode.degraded(START + 5 * MINUTE, Duration.ofMinutes(3), 350);
        volume.schedule(episode);
        List<SyntheticSample> samples = take(volume, 12 * 60);

        List<VolumeMetric> before = metricsBetween(samples, START, episode.startMillis());
        List<VolumeMetric> during = metricsBetween(samples, episode.startMillis() + 1_000, episode.endMillis());
        List<VolumeMetric> after = metricsBetween(samples, episode.endMillis() + 1_000, Long.MAX_VALUE);
        double[] latencyMs = values(during, m -> m.getLatencyUs() / 1000);
        assertTrue(percentile(latencyMs, 50) > 300 && percentile(latencyMs, 50) < 400, "median " + percentile(latencyMs, 50));
        assertTrue(percentile(latencyMs, 0) > 150 && percentile(latencyMs, 100) < 800, Arrays.toString(latencyMs));
        for (VolumeMetric m : during) {
            assertEquals(0.0, m.getIdleRatio());
            assertFalse(m.getStalled());
        }
        double opsBefore = percentile(values(before, m -> m.getReadOps() + m.getWriteOps()), 50);
        double opsDuring = percentile(values(during, m -> m.getReadOps() + m.getWriteOps()), 50);
        assertTrue(opsDuring < opsBefore / 2, "throughput collapses: " + opsBefore + " -> " + opsDuring);
        assertTrue(percentile(values(after, m -> m.getLatencyUs() / 1000), 100) < 4, "and recovers afterwards");
        assertTrue(samples.stream().filter(s -> s.episode() == episode).allMatch(s -> s.episodeType().orElseThrow() == EpisodeType.DEGRADED));
    }

    @Test
    void aStallCompletesNothingWhileTheQueueGrows() {
        SyntheticVolume volume = volume(4);
        Episode episode = Episode.stall(START + MINUTE, Duration.ofSeconds(90));
        volume.schedule(episode);
        List<VolumeMetric> during = metricsBetween(take(volume, 300), episode.startMillis() + 1_000, episode.endMillis());

        assertEquals(90, during.size());
        double previousQueue = 0;
        for (VolumeMetric m : during) {
            assertEquals(0L, m.getReadOps());
            assertEquals(0L, m.getWriteOps());
            assertEquals(0L, m.getTotalBytes());
            assertNull(m.getLatencyUs(), "no operation completed, so no latency");
            assertTrue(m.getStalled());
            assertEquals(0.0, m.getIdleRatio());
            assertTrue(m.getQueueDepth() > previousQueue, "queue grows: " + m.getQueueDepth());
            previousQueue = m.getQueueDepth();
        }
    }

    @Test
    void aSourceWithoutAStallSignalLeavesTheFlagNull() {
        SyntheticVolume volume = SyntheticVolume.builder().volumeId("disk-7").reportsStall(false).source(MetricSource.BACKTEST).build();
        volume.schedule(Episode.stall(0, Duration.ofSeconds(5)));
        VolumeMetric m = volume.next().metric();
        assertNull(m.getStalled());
        assertEquals(MetricSource.BACKTEST, m.getSource());
        assertEquals("disk-7", m.getPeerGroup(), "no node: the volume is its own peer group");
    }

    @Test
    void aLoadSpikeRaisesThroughputSeveralTimesAndLatencyOnlyModerately() {
        SyntheticVolume volume = volume(5);
        Episode episode = Episode.loadSpike(START + 5 * MINUTE, Duration.ofMinutes(5), 7);
        volume.schedule(episode);
        List<SyntheticSample> samples = take(volume, 15 * 60);
        List<VolumeMetric> before = metricsBetween(samples, START, episode.startMillis());
        List<VolumeMetric> during = metricsBetween(samples, episode.startMillis() + 1_000, episode.endMillis());

        double opsBefore = percentile(values(before, m -> m.getReadOps() + m.getWriteOps()), 50);
        double opsDuring = percentile(values(during, m -> m.getReadOps() + m.getWriteOps()), 50);
        assertTrue(opsDuring > 3 * opsBefore, "throughput " + opsBefore + " -> " + opsDuring);
        double latencyBefore = percentile(values(before, m -> m.getLatencyUs()), 50);
        double latencyDuring = percentile(values(during, m -> m.getLatencyUs()), 50);
        assertTrue(latencyDuring > 1.2 * latencyBefore, "latency rises with load: " + latencyBefore + " -> " + latencyDuring);
        assertTrue(percentile(values(during, m -> m.getLatencyUs() / 1000), 100) < 20,
                "but stays far below degradation levels: " + percentile(values(during, m -> m.getLatencyUs() / 1000), 100));
        assertTrue(during.stream().noneMatch(VolumeMetric::getStalled));
        assertFalse(EpisodeType.LOAD_SPIKE.isFault());
    }

    @Test
    void subtleSlownessRaisesTheMedianALittleAndTheTailClearly() {
        SyntheticVolume slow = volume(6);
        SyntheticVolume healthy = volume(6);
        slow.schedule(Episode.subtleSlow(START, Duration.ofHours(2), 1.35));
        double[] slowMs = values(metrics(take(slow, 7_200)), m -> m.getLatencyUs() / 1000);
        double[] healthyMs = values(metrics(take(healthy, 7_200)), m -> m.getLatencyUs() / 1000);

        double medianRatio = percentile(slowMs, 50) / percentile(healthyMs, 50);
        assertTrue(medianRatio > 1.2 && medianRatio < 1.5, "median ratio " + medianRatio);
        double slowTail = percentile(slowMs, 99) / percentile(slowMs, 50);
        double healthyTail = percentile(healthyMs, 99) / percentile(healthyMs, 50);
        assertTrue(slowTail > 2 * healthyTail, "p99/p50 " + healthyTail + " -> " + slowTail);
        assertTrue(percentile(slowMs, 99) < 50, "still far from degraded: " + percentile(slowMs, 99));
    }

    @Test
    void aLongPeriodBlendsTheHealthyAndTheDegradedPartsOfIt() {
        SyntheticVolume volume = SyntheticVolume.builder().volumeId("vol-60").seed(8).periodMs(60_000).startMillis(START).build();
        volume.schedule(Episode.degraded(START + 90_000, Duration.ofMinutes(2), 300));
        List<SyntheticSample> samples = take(volume, 5);

        VolumeMetric healthy = samples.get(0).metric();
        VolumeMetric half = samples.get(1).metric();   // 60-120 s: degraded from 90 s
        VolumeMetric full = samples.get(2).metric();   // 120-180 s: degraded throughout
        assertEquals(60_000L, half.getSamplePeriodMs());
        assertTrue(healthy.getLatencyUs() < 3_000);
        assertTrue(half.getLatencyUs() > 10 * healthy.getLatencyUs() && half.getLatencyUs() < full.getLatencyUs(),
                healthy.getLatencyUs() + " < " + half.getLatencyUs() + " < " + full.getLatencyUs());
        assertTrue(half.getIdleRatio() > 0.1 && half.getIdleRatio() < 0.5, "idle about half the healthy half: " + half.getIdleRatio());
        assertEquals(0.0, full.getIdleRatio());
        assertEquals(EpisodeType.DEGRADED, samples.get(1).episodeType().orElseThrow(), "a half-degraded period is labelled with the episode");
    }

    @Test
    void episodesMayNotOverlapAndSamplesMayNotGoBack() {
        SyntheticVolume volume = volume(9);
        volume.schedule(Episode.degraded(START + 60_000, Duration.ofSeconds(60), 250));
        assertThrows(IllegalArgumentException.class,
                () -> volume.schedule(Episode.stall(START + 100_000, Duration.ofSeconds(60))));
        assertThrows(IllegalArgumentException.class,
                () -> volume.schedule(Episode.stall(START + 30_000, Duration.ofSeconds(31))));
        volume.schedule(Episode.stall(START + 120_000, Duration.ofSeconds(10)));

        volume.sampleAt(START + 10_000);
        assertThrows(IllegalArgumentException.class, () -> volume.sampleAt(START + 10_500));
        assertThrows(IllegalArgumentException.class,
                () -> volume.schedule(Episode.loadSpike(START, Duration.ofSeconds(5), 3)), "ends before the next period");
        assertEquals(START + 25_000, volume.sampleAt(START + 25_000).eventMillis(), "a gap in telemetry is allowed");
        assertEquals(START + 26_000, volume.next().eventMillis());
    }

    @Test
    void settingsOutsideTheirRangesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> SyntheticVolume.builder().build());
        assertThrows(IllegalArgumentException.class, () -> SyntheticVolume.builder().volumeId("v").periodMs(999).build());
        assertThrows(IllegalArgumentException.class, () -> SyntheticVolume.builder().volumeId("v").periodMs(60_001).build());
        assertThrows(IllegalArgumentException.class, () -> SyntheticVolume.builder().volumeId("v").readFraction(1.5).build());
        assertThrows(IllegalArgumentException.class, () -> Episode.loadSpike(0, Duration.ofSeconds(1), 0.5));
        assertThrows(IllegalArgumentException.class, () -> Episode.degraded(0, Duration.ZERO, 300));
    }

    static List<VolumeMetric> metricsBetween(List<SyntheticSample> samples, long fromEventMillis, long toEventMillis) {
        return samples.stream().filter(s -> s.eventMillis() >= fromEventMillis && s.eventMillis() <= toEventMillis)
                .map(SyntheticSample::metric).toList();
    }

    static double[] values(List<VolumeMetric> metrics, ToDoubleFunction<VolumeMetric> value) {
        return metrics.stream().mapToDouble(value).toArray();
    }

    /** Nearest-rank percentile, 0 = min, 100 = max. */
    static double percentile(double[] values, double p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
