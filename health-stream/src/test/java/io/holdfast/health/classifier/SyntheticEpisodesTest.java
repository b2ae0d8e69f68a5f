package io.holdfast.health.classifier;

import static io.holdfast.schemas.VolumeHealthState.DEGRADED;
import static io.holdfast.schemas.VolumeHealthState.STALLED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.topology.synthetic.Episode;
import io.holdfast.topology.synthetic.EpisodeType;
import io.holdfast.topology.synthetic.SyntheticFleetLoad;
import io.holdfast.topology.synthetic.SyntheticVolume;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The classifier on synthetic EBS volumes sampled every second, with the default settings: acute
 * episodes (200-500 ms latency, stalls) of 30 s or more are DEGRADED or STALLED within 5 s of their
 * onset; healthy traffic with load spikes is never DEGRADED; a subtle fail-slow volume is found by
 * peer comparison.
 */
class SyntheticEpisodesTest {

    private static final long START = 1_893_456_000_000L; // 2030-01-01, any fixed instant will do
    private static final Duration WARM_UP = Duration.ofMinutes(30);

    @Test
    void everyAcuteEpisodeOfThirtySecondsOrMoreIsDetectedWithinFiveSeconds() {
        SyntheticFleetLoad fleet = SyntheticFleetLoad.builder().nodes(3).volumesPerNode(6).seed(11).periodMs(1_000)
                .startMillis(START).build();
        SplittableRandom random = new SplittableRandom(2026);
        List<SyntheticVolume> volumes = fleet.volumes();
        Map<String, List<Episode>> episodes = new HashMap<>();
        long at = START + WARM_UP.toMillis();
        for (int i = 0; i < 60; i++) {
            SyntheticVolume volume = volumes.get(random.nextInt(volumes.size()));
            EpisodeType type = i % 3 == 2 ? EpisodeType.STALL : EpisodeType.DEGRADED;
            long duration = 30_000 + random.nextLong(570_000); // 30 s to 10 min
            Episode episode = type == EpisodeType.STALL ? Episode.stall(at, Duration.ofMillis(duration))
                    : Episode.degraded(at, Duration.ofMillis(duration), 200 + random.nextDouble(300));
            volume.schedule(episode);
            episodes.computeIfAbsent(volume.volumeId(), k -> new ArrayList<>()).add(episode);
            at += duration + 120_000 + random.nextLong(180_000); // recovery time before the next one
        }
        SyntheticFleetRun run = new SyntheticFleetRun(HealthSettings.DEFAULTS);
        run.run(fleet, at + 60_000);

        List<Long> latencies = new ArrayList<>();
        for (Map.Entry<String, List<Episode>> e : episodes.entrySet()) {
            for (Episode episode : e.getValue()) {
                long detected = run.into(DEGRADED, STALLED).stream()
                        .filter(s -> s.volumeId().equals(e.getKey()))
                        .mapToLong(s -> s.transition().eventMs())
                        .filter(t -> t >= episode.startMillis() && t < episode.endMillis())
                        .min().orElse(Long.MAX_VALUE);
                assertTrue(detected != Long.MAX_VALUE, "not detected: " + episode + " on " + e.getKey());
                latencies.add(detected - episode.startMillis());
            }
        }
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf(Locale.ROOT, "detection latency over %d episodes (1 s samples): p50 %d ms, p99 %d ms, max %d ms%n",
                sorted.length, sorted[sorted.length / 2], sorted[(int) Math.ceil(sorted.length * 0.99) - 1],
                sorted[sorted.length - 1]);
        assertTrue(sorted[sorted.length - 1] <= 5_000, "slowest detection " + sorted[sorted.length - 1] + " ms: "
                + Arrays.toString(sorted));
        // Nothing outside the episodes: every DEGRADED/STALLED entry falls inside one.
        for (SyntheticFleetRun.Seen s : run.into(DEGRADED, STALLED)) {
            if (s.transition().from() == DEGRADED || s.transition().from() == STALLED) {
                continue; // DEGRADED <-> STALLED within one episode
            }
            boolean inside = episodes.getOrDefault(s.volumeId(), List.of()).stream().anyMatch(
                    ep -> s.transition().eventMs() >= ep.startMillis() && s.transition().eventMs() <= ep.endMillis() + 2_000);
            assertTrue(inside, "false detection on " + s.volumeId() + ": " + s.transition());
        }
    }

    @Test
    void twentyFourVolumeHoursOfHealthyTrafficWithLoadSpikesAreNeverDegraded() {
        SyntheticFleetLoad fleet = SyntheticFleetLoad.builder().nodes(1).volumesPerNode(6).seed(5).periodMs(1_000)
                .startMillis(START).build();
        SplittableRandom random = new SplittableRandom(7);
        long end = START + Duration.ofHours(4).toMillis();
        int spikes = 0;
        for (SyntheticVolume volume : fleet.volumes()) {
            long at = START + WARM_UP.toMillis() + random.nextLong(600_000);
            while (at < end - 600_000) {
                long duration = 60_000 + random.nextLong(240_000);
                volume.schedule(Episode.loadSpike(at, Duration.ofMillis(duration), 3 + random.nextDouble(5)));
                spikes++;
                at += duration + 300_000 + random.nextLong(900_000);
            }
        }
        SyntheticFleetRun run = new SyntheticFleetRun(HealthSettings.DEFAULTS);
        run.run(fleet, end);

        assertTrue(run.samples >= 6 * (4 * 3_600 - 1), "24 volume-hours of 1 s samples, got " + run.samples);
        assertTrue(spikes >= 30, "load spikes injected: " + spikes);
        assertEquals(List.of(), run.into(DEGRADED, STALLED), "healthy volumes judged degraded");
    }

    @Test
    void aSubtleFailSlowVolumeIsFoundByComparingItWithItsPeers() {
        SyntheticFleetLoad fleet = SyntheticFleetLoad.builder().nodes(1).volumesPerNode(8).seed(3).periodMs(1_000)
                .startMillis(START).build();
        SyntheticVolume slow = fleet.volumes().get(4);
        long onset = START + WARM_UP.toMillis();
        slow.schedule(Episode.subtleSlow(onset, Duration.ofHours(3), 1.35));
        SyntheticFleetRun run = new SyntheticFleetRun(HealthSettings.DEFAULTS);
        run.run(fleet, onset + Duration.ofHours(3).toMillis());

        List<SyntheticFleetRun.Seen> degraded = run.into(DEGRADED);
        assertTrue(!degraded.isEmpty(), "subtle fail-slow volume not detected");
        assertTrue(degraded.stream().allMatch(s -> s.volumeId().equals(slow.volumeId())), "a healthy peer was flagged: " + degraded);
        // Acute rules may catch its heaviest tail samples early; the peers keep it DEGRADED for the chronic
        // slowdown: over the last hour of the episode it never leaves DEGRADED.
        long lastHour = onset + Duration.ofHours(2).toMillis();
        assertEquals(DEGRADED, run.volumes.get(slow.volumeId()).state(), "not DEGRADED at the end");
        assertTrue(run.transitions.stream().noneMatch(s -> s.volumeId().equals(slow.volumeId())
                && s.transition().eventMs() >= lastHour), "left DEGRADED in the last hour");
        System.out.printf(Locale.ROOT, "subtle fail-slow (1.35x median, heavier tail): first DEGRADED after %d s (%s)%n",
                (degraded.get(0).transition().eventMs() - onset) / 1_000, degraded.get(0).transition().rule().code());
    }
}
