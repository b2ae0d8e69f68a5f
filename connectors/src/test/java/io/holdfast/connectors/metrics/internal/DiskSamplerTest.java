package io.holdfast.connectors.metrics.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.connectors.metrics.AgentConfig;
import io.holdfast.schemas.MetricSource;
import io.holdfast.schemas.VolumeMetric;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class DiskSamplerTest {

    private static final long SECOND_NANOS = 1_000_000_000L;
    private static final long T0 = 1_767_225_600_000L;

    private static DiskSampler sampler() {
        return new DiskSampler(new DeviceFilter(Pattern.compile(AgentConfig.DEFAULT_DEVICE_INCLUDE), Optional.empty()),
                new DiskSampler.Identity("node-7", "rack-3", "eu-west-1a", Map.of("nvme1n1", "vol-0abc")));
    }

    private static List<DiskCounters> recorded(String name) {
        return DiskStatsParser.parse(Fixtures.text("diskstats/" + name)).devices();
    }

    /** A device line with the given counters, the others zero. */
    private static DiskCounters disk(String device, long reads, long readMs, long writes, long writeMs, long inFlight,
                                     long ioMs, long weightedMs) {
        return new DiskCounters(259, 1, device, reads, 0, reads * 8, readMs, writes, 0, writes * 16, writeMs, inFlight,
                ioMs, weightedMs, 0, 0, 0, 0, 0, 0);
    }

    @Test
    void aPeriodThatCameAMillisecondEarlyIsStillReportedAsOneSecond() {
        // A 1 s timer's tick 1 ms early must not produce a sample the health app refuses (periods >= 1,000 ms).
        assertEquals(1_000, DiskSampler.reportedPeriod(999.4));
        assertEquals(1_000, DiskSampler.reportedPeriod(998.0));
        assertEquals(1_003, DiskSampler.reportedPeriod(1_002.6));
        assertEquals(15_000, DiskSampler.reportedPeriod(15_000.2));
    }

    @Test
    void theFirstReadingIsOnlyABaseline() {
        DiskSampler sampler = sampler();
        assertEquals(List.of(), sampler.observe(recorded("vm-virtio-t0.txt"), 0, T0));
        assertEquals(1, sampler.devices());
    }

    @Test
    void deltasOfARecordedReadBurstBecomeLatencyBytesQueueAndIdle() {
        DiskSampler sampler = sampler();
        sampler.observe(recorded("vm-virtio-t1.txt"), 0, T0);
        long elapsedNanos = 2 * SECOND_NANOS + 500_000_000L;
        List<VolumeMetric> samples = sampler.observe(recorded("vm-virtio-t2.txt"), elapsedNanos, T0 + 2_500);

        assertEquals(1, samples.size());
        VolumeMetric vda = samples.get(0);
        assertEquals("node-7:vda", vda.getVolumeId());
        assertEquals("rack-3", vda.getPeerGroup());
        assertEquals("node-7", vda.getNode());
        assertEquals("eu-west-1a", vda.getCell());
        assertEquals("vda", vda.getDevice());
        assertEquals(MetricSource.NODE_AGENT, vda.getSource());
        assertEquals(T0 + 2_500, vda.getEventTime().toEpochMilli());
        assertEquals(2_500L, vda.getSamplePeriodMs());
        // t1 -> t2: 1,103 reads of 248,944 sectors in 2,797 ms; no writes.
        assertEquals(1_103L, vda.getReadOps());
        assertEquals(0L, vda.getWriteOps());
        assertEquals(248_944L * 512, vda.getReadBytes());
        assertEquals(0L, vda.getWriteBytes());
        assertEquals(248_944L * 512, vda.getTotalBytes());
        assertEquals(2_797_000.0 / 1_103, vda.getReadLatencyUs(), 1e-9);
        assertNull(vda.getWriteLatencyUs(), "no write completed, so no write latency");
        assertEquals(2_797_000.0 / 1_103, vda.getLatencyUs(), 1e-9);
        assertEquals((132_712 - 129_915) / 2_500.0, vda.getQueueDepth(), 1e-9, "weighted I/O time over the period");
        assertEquals(1 - (26_000 - 25_700) / 2_500.0, vda.getIdleRatio(), 1e-9);
        assertFalse(vda.getStalled());
    }

    @Test
    void latencyIsPerOperationAndTheOverallFigureIsWeightedByOperations() {
        DiskSampler sampler = sampler();
        sampler.observe(List.of(disk("nvme1n1", 1_000, 500, 2_000, 3_000, 0, 10_000, 20_000)), 0, T0);
        VolumeMetric m = sampler.observe(List.of(disk("nvme1n1", 1_400, 700, 2_100, 3_200, 1, 10_500, 20_450)),
                SECOND_NANOS, T0 + 1_000).get(0);

        assertEquals("vol-0abc", m.getVolumeId(), "a configured volume id wins over node:device");
        assertEquals(400L, m.getReadOps());
        assertEquals(100L, m.getWriteOps());
        assertEquals(500.0, m.getReadLatencyUs(), 1e-9);
        assertEquals(2_000.0, m.getWriteLatencyUs(), 1e-9);
        assertEquals((200 + 200) * 1000.0 / 500, m.getLatencyUs(), 1e-9);
        assertEquals(400L * 8 * 512, m.getReadBytes());
        assertEquals(0.45, m.getQueueDepth(), 1e-9);
        assertEquals(0.5, m.getIdleRatio(), 1e-9);
    }

    @Test
    void ioQueuedThroughAWholePeriodWithNothingCompletedIsAStall() {
        DiskSampler sampler = sampler();
        sampler.observe(List.of(disk("sda", 100, 50, 100, 50, 4, 1_000, 2_000)), 0, T0);
        VolumeMetric stalled = sampler.observe(List.of(disk("sda", 100, 50, 100, 50, 6, 1_000, 2_000)),
                SECOND_NANOS, T0 + 1_000).get(0);

        assertTrue(stalled.getStalled());
        assertEquals(0L, stalled.getReadOps());
        assertEquals(0L, stalled.getWriteOps());
        assertNull(stalled.getLatencyUs());
        assertEquals(6.0, stalled.getQueueDepth(), "nothing completed: the operations in flight are the queue");
        assertEquals(0.0, stalled.getIdleRatio(), "a stalled device is never idle, whatever the busy counter says");
    }

    @Test
    void aRequestArrivingJustBeforeAReadingOfAnIdleDiskIsNoStall() {
        DiskSampler sampler = sampler();
        sampler.observe(List.of(disk("sda", 100, 50, 100, 50, 0, 1_000, 2_000)), 0, T0);
        VolumeMetric m = sampler.observe(List.of(disk("sda", 100, 50, 100, 50, 1, 1_000, 2_000)),
                SECOND_NANOS, T0 + 1_000).get(0);

        assertFalse(m.getStalled());
        assertEquals(1.0, m.getIdleRatio());
    }

    @Test
    void aCounterGoingBackwardSkipsThePeriodAndStartsANewBaseline() {
        DiskSampler sampler = sampler();
        sampler.observe(List.of(disk("sda", 5_000, 900, 5_000, 900, 0, 4_000, 8_000)), 0, T0);
        assertEquals(List.of(), sampler.observe(List.of(disk("sda", 10, 2, 20, 4, 0, 8, 16)), SECOND_NANOS, T0 + 1_000));
        assertEquals(1, sampler.resets());

        VolumeMetric after = sampler.observe(List.of(disk("sda", 110, 52, 20, 4, 0, 58, 66)), 2 * SECOND_NANOS, T0 + 2_000).get(0);
        assertEquals(100L, after.getReadOps());
        assertEquals(500.0, after.getReadLatencyUs(), 1e-9);
    }

    @Test
    void devicesThatAppearStartWithABaselineAndDevicesThatVanishAreForgotten() {
        DiskSampler sampler = sampler();
        sampler.observe(List.of(disk("sda", 1, 1, 1, 1, 0, 1, 1)), 0, T0);
        List<VolumeMetric> second = sampler.observe(List.of(disk("sda", 2, 2, 2, 2, 0, 2, 2), disk("sdb", 7, 7, 7, 7, 0, 7, 7)),
                SECOND_NANOS, T0 + 1_000);
        assertEquals(List.of("node-7:sda"), second.stream().map(VolumeMetric::getVolumeId).toList());

        List<VolumeMetric> third = sampler.observe(List.of(disk("sdb", 8, 8, 8, 8, 0, 8, 8)), 2 * SECOND_NANOS, T0 + 2_000);
        assertEquals(List.of("node-7:sdb"), third.stream().map(VolumeMetric::getVolumeId).toList());
        List<VolumeMetric> fourth = sampler.observe(List.of(disk("sda", 9, 9, 9, 9, 0, 9, 9), disk("sdb", 9, 9, 9, 9, 0, 9, 9)),
                3 * SECOND_NANOS, T0 + 3_000);
        assertEquals(List.of("node-7:sdb"), fourth.stream().map(VolumeMetric::getVolumeId).toList(),
                "sda came back: a new baseline, not a delta over the gap");
    }

    @Test
    void eventTimesKeepIncreasingWhenTheWallClockStepsBack() {
        DiskSampler sampler = sampler();
        sampler.observe(List.of(disk("sda", 1, 1, 1, 1, 0, 1, 1)), 0, T0);
        VolumeMetric first = sampler.observe(List.of(disk("sda", 2, 2, 2, 2, 0, 2, 2)), SECOND_NANOS, T0 + 1_000).get(0);
        VolumeMetric second = sampler.observe(List.of(disk("sda", 3, 3, 3, 3, 0, 3, 3)), 2 * SECOND_NANOS, T0 + 500).get(0);
        assertTrue(second.getEventTime().isAfter(first.getEventTime()), first.getEventTime() + " then " + second.getEventTime());
        assertEquals(1_000L, second.getSamplePeriodMs(), "the period comes from the monotonic clock");
    }

    @Test
    void excludedDevicesAreNotPublished() {
        DiskSampler sampler = new DiskSampler(
                new DeviceFilter(Pattern.compile(AgentConfig.DEFAULT_DEVICE_INCLUDE), Optional.of(Pattern.compile("nvme0n1"))),
                new DiskSampler.Identity("n", "n", null, Map.of()));
        sampler.observe(recorded("kernel-5.4-nitro.txt"), 0, T0);
        assertEquals(2, sampler.devices(), "nvme1n1 and nvme2n1; the root disk, its partition and dm-0 excluded");
    }
}
