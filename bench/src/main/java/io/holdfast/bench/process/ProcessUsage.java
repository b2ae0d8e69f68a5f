package io.holdfast.bench.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time and resident memory of a process, read from Linux's {@code /proc}: the figures a user pays
 * for, whatever the JVM thinks of itself. CPU is user + system time of every thread of the process.
 */
public final class ProcessUsage {

    /** USER_HZ: the unit of {@code /proc/<pid>/stat}'s times; 100 on every Linux this runs on. */
    private static final double TICKS_PER_SECOND = 100.0;

    private ProcessUsage() {
    }

    /** User + system CPU seconds used so far by {@code pid}, or NaN when it cannot be read. */
    public static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name (field 2) may hold spaces; fields after it are counted from its closing paren.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND; // utime, stime
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** The highest resident set size of {@code pid} in its lifetime so far (VmHWM), bytes; -1 when unknown. */
    public static long peakRssBytes(long pid) {
        return statusKiB(pid, "VmHWM:") * 1024;
    }

    private static long statusKiB(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // unknown
        }
        return -1;
    }
}
