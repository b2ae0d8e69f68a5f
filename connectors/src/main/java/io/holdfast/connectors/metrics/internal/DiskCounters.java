package io.holdfast.connectors.metrics.internal;

/**
 * One line of {@code /proc/diskstats}: the kernel's cumulative counters of one block device
 * (Documentation/admin-guide/iostats.rst). Times are milliseconds; sectors are 512 bytes whatever
 * the device's sector size. Discard fields exist since Linux 4.18 and flush fields since 5.5: they
 * are 0 on older kernels. {@code inFlight} is a gauge, every other field only grows (until the
 * counters wrap or the device is re-created).
 */
public record DiskCounters(int major, int minor, String device,
                           long readsCompleted, long readsMerged, long sectorsRead, long readMillis,
                           long writesCompleted, long writesMerged, long sectorsWritten, long writeMillis,
                           long inFlight, long ioMillis, long weightedIoMillis,
                           long discardsCompleted, long discardsMerged, long sectorsDiscarded, long discardMillis,
                           long flushesCompleted, long flushMillis) {

    public static final int SECTOR_BYTES = 512;

    /** Operations of every kind that completed since boot. */
    public long completedOperations() {
        return readsCompleted + writesCompleted + discardsCompleted + flushesCompleted;
    }
}
