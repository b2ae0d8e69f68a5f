package io.holdfast.connectors.metrics.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses the text of {@code /proc/diskstats}: a pure function, so that it is tested on recorded
 * snapshots. A line is {@code major minor name} followed by 11 (before Linux 4.18), 15 (4.18+) or
 * 17 (5.5+) counters; kernels before 2.6.25 printed 4 counters for partitions, and future kernels
 * may append more. Lines that cannot be read are returned, not thrown: one odd device must not stop
 * the others from being sampled.
 */
public final class DiskStatsParser {

    private static final int MIN_COUNTERS = 11;
    /**
     * {@code inFlight} is an unsigned int; some kernels let it underflow after an accounting race and
     * print values near 2^32 for an idle device. No device has two billion requests in flight.
     */
    private static final long IMPLAUSIBLE_IN_FLIGHT = 1L << 31;

    private DiskStatsParser() {}

    /** The devices of {@code text}, and the lines that were not device statistics. */
    public record Result(List<DiskCounters> devices, List<String> unreadableLines) {}

    public static Result parse(String text) {
        List<DiskCounters> devices = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            DiskCounters counters = parseLine(line);
            if (counters == null) {
                unreadable.add(line);
            } else {
                devices.add(counters);
            }
        }
        return new Result(List.copyOf(devices), List.copyOf(unreadable));
    }

    private static DiskCounters parseLine(String line) {
        String[] fields = line.trim().split("\\s+");
        if (fields.length < 3 + MIN_COUNTERS) {
            return null;
        }
        try {
            int major = Integer.parseInt(fields[0]);
            int minor = Integer.parseInt(fields[1]);
            long[] c = new long[17];
            for (int i = 0; i < Math.min(c.length, fields.length - 3); i++) {
                c[i] = Long.parseUnsignedLong(fields[3 + i]);
            }
            long inFlight = c[8] >= IMPLAUSIBLE_IN_FLIGHT || c[8] < 0 ? 0 : c[8];
            return new DiskCounters(major, minor, fields[2],
                    c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], inFlight, c[9], c[10],
                    c[11], c[12], c[13], c[14], c[15], c[16]);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
