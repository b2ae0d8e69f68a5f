package io.holdfast.topology.synthetic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.schemas.VolumeMetric;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SyntheticFleetLoadTest {

    private static SyntheticFleetLoad fleet(long seed) {
        return SyntheticFleetLoad.builder().nodes(4).volumesPerNode(3).cells("a", "b").seed(seed).periodMs(1_000)
                .startMillis(10_000).build();
    }

    @Test
    void samplesComeInEventTimeOrderAndEveryVolumeKeepsItsPeriod() {
        SyntheticFleetLoad fleet = fleet(11);
        List<SyntheticSample> samples = new ArrayList<>();
        fleet.forEachUntil(10_000 + 120_000, samples::add);

        Map<String, Long> lastByVolume = new HashMap<>();
        long previous = Long.MIN_VALUE;
        for (SyntheticSample sample : samples) {
            assertTrue(sample.eventMillis() >= previous, "event-time order");
            previous = sample.eventMillis();
            Long last = lastByVolume.put(sample.volumeId(), sample.eventMillis());
            if (last != null) {
                assertEquals(1_000, sample.eventMillis() - last, sample.volumeId());
            }
        }
        assertEquals(12, lastByVolume.size());
        assertTrue(samples.size() >= 12 * 119 && samples.size() <= 12 * 120, "samples: " + samples.size());
        Set<Long> phases = new HashSet<>();
        lastByVolume.values().forEach(t -> phases.add(t % 1_000));
        assertTrue(phases.size() > 1, "volumes report at different moments within the second");
    }

    @Test
    void volumesAreNamedAndGroupedByNodeAndCell() {
        SyntheticFleetLoad fleet = fleet(12);
        Map<String, VolumeMetric> firstByVolume = new HashMap<>();
        fleet.forEachUntil(12_000, s -> firstByVolume.putIfAbsent(s.volumeId(), s.metric()));

        VolumeMetric first = firstByVolume.get("vol-0000");
        assertEquals("node-00", first.getNode());
        assertEquals("node-00", first.getPeerGroup());
        assertEquals("a", first.getCell());
        assertEquals("nvme1n1", first.getDevice());
        VolumeMetric fourth = firstByVolume.get("vol-0003");
        assertEquals("node-01", fourth.getNode());
        assertEquals("b", fourth.getCell());
        assertThrows(IllegalArgumentException.class, () -> fleet.volume("vol-9999"));
    }

    @Test
    void theSameSeedAndEpisodesGiveTheSameFleetSamples() {
        SyntheticFleetLoad a = fleet(13);
        SyntheticFleetLoad b = fleet(13);
        a.volume("vol-0005").schedule(Episode.degraded(40_000, Duration.ofSeconds(30), 400));
        b.volume("vol-0005").schedule(Episode.degraded(40_000, Duration.ofSeconds(30), 400));
        for (int i = 0; i < 2_000; i++) {
            SyntheticSample x = a.next();
            SyntheticSample y = b.next();
            assertEquals(x, y);
        }
    }
}
