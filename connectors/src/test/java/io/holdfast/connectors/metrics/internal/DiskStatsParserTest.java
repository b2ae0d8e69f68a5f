package io.holdfast.connectors.metrics.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.connectors.metrics.AgentConfig;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class DiskStatsParserTest {

    private static final DeviceFilter DEFAULT_FILTER =
            new DeviceFilter(Pattern.compile(AgentConfig.DEFAULT_DEVICE_INCLUDE), Optional.empty());

    private static Map<String, DiskCounters> byDevice(DiskStatsParser.Result result) {
        return result.devices().stream().collect(Collectors.toMap(DiskCounters::device, Function.identity()));
    }

    private static List<String> accepted(DiskStatsParser.Result result) {
        return result.devices().stream().map(DiskCounters::device).filter(DEFAULT_FILTER::accepts).toList();
    }

    @Test
    void readsEveryFieldOfAFiveSixKernelLineRecordedOnThisMachine() {
        DiskStatsParser.Result result = DiskStatsParser.parse(Fixtures.text("diskstats/vm-virtio-t0.txt"));

        assertEquals(List.of(), result.unreadableLines());
        assertEquals(10, result.devices().size(), "eight loop devices, vda, zram0");
        DiskCounters vda = byDevice(result).get("vda");
        assertEquals(new DiskCounters(254, 0, "vda", 76448, 22515, 4879970, 23301, 194648, 44781, 11590344, 99345,
                0, 25628, 129765, 23113, 78, 17341584, 3733, 68663, 3385), vda);
        assertEquals(List.of("vda"), accepted(result), "loop and zram are virtual: only the virtio disk is published");
    }

    @Test
    void readsTheElevenCounterFormatOfOlderKernels() {
        DiskStatsParser.Result result = DiskStatsParser.parse(Fixtures.text("diskstats/kernel-4.14-xen.txt"));

        assertEquals(List.of(), result.unreadableLines());
        DiskCounters xvdf = byDevice(result).get("xvdf");
        assertEquals(91288410, xvdf.readsCompleted());
        assertEquals(7337640226L, xvdf.sectorsRead(), "counters beyond 32 bits");
        assertEquals(2, xvdf.inFlight());
        assertEquals(1508111820, xvdf.weightedIoMillis());
        assertEquals(0, xvdf.discardsCompleted(), "no discard fields before 4.18");
        assertEquals(0, xvdf.flushesCompleted());
        assertEquals(List.of("xvda", "xvdf"), accepted(result));
    }

    @Test
    void readsTheFifteenCounterFormatAndKeepsNvmeNamespacesButNotTheirPartitions() {
        DiskStatsParser.Result result = DiskStatsParser.parse(Fixtures.text("diskstats/kernel-5.4-nitro.txt"));

        assertEquals(List.of(), result.unreadableLines());
        assertEquals(14, byDevice(result).get("nvme1n1").inFlight());
        assertEquals(List.of("nvme0n1", "nvme1n1", "nvme2n1"), accepted(result));
    }

    @Test
    void oddLinesAreReturnedWithoutStoppingTheOthers() {
        DiskStatsParser.Result result = DiskStatsParser.parse(Fixtures.text("diskstats/edge-cases.txt"));
        Map<String, DiskCounters> devices = byDevice(result);

        assertEquals(3, result.unreadableLines().size(), result.unreadableLines().toString());
        assertTrue(result.unreadableLines().get(0).contains("sda2"), "the 4-counter partition format");
        assertTrue(result.unreadableLines().get(1).startsWith(" this line"));
        assertTrue(result.unreadableLines().get(2).contains("sdc"), "a counter that is not a number");

        DiskCounters sda = devices.get("sda");
        assertEquals(3, sda.inFlight());
        assertEquals(400, sda.flushesCompleted());
        assertEquals(90, sda.flushMillis(), "and the three counters a future kernel appended are ignored");
        assertEquals(0, devices.get("sdb").inFlight(), "an underflowed in-flight count reads as none in flight");
        assertEquals(List.of("sda", "sdb", "mmcblk0"), accepted(result), "no partitions, md, sr, ram");
    }

    @Test
    void anEmptyFileHasNoDevices() {
        DiskStatsParser.Result result = DiskStatsParser.parse("");
        assertEquals(List.of(), result.devices());
        assertEquals(List.of(), result.unreadableLines());
    }
}
