package io.holdfast.connectors.metrics.internal;

import io.holdfast.schemas.MetricSource;
import io.holdfast.schemas.VolumeMetric;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns successive {@code /proc/diskstats} readings into one {@link VolumeMetric} per device per
 * period, from the deltas of the kernel's counters over the time actually elapsed:
 * <ul>
 *   <li>operations and bytes: completed reads and writes, sectors x 512;</li>
 *   <li>latency: time spent reading (writing) over reads (writes) completed, the kernel's
 *       per-operation service time including queueing, like iostat's r_await/w_await;</li>
 *   <li>queue depth: the weighted I/O time over the period, the average number of operations in
 *       flight (iostat's aqu-sz); the kernel adds an operation's time when it completes, so for a
 *       period in which nothing completed the operations in flight at its end are used instead;</li>
 *   <li>idle ratio: 1 - time with I/O in flight / period;</li>
 *   <li>stalled: operations were in flight at the start and at the end of the period and none
 *       completed in between, i.e. some operation has waited the whole period. Requiring them at the
 *       start too keeps an idle disk whose first request arrives just before a reading from being
 *       called stalled. A stalled device is never idle (the kernel may not have accounted the busy
 *       time of an operation that has not completed yet).</li>
 * </ul>
 * The first reading of a device only sets its baseline. A counter that went backward (the device was
 * re-created, or a 32-bit counter wrapped) makes that period's figures meaningless: it is skipped,
 * counted, and the reading becomes the new baseline.
 *
 * <p>Not thread-safe: one agent thread feeds it.
 */
public final class DiskSampler {

    /** How the samples of a device are labelled. */
    public record Identity(String node, String peerGroup, String cell, Map<String, String> volumeIds) {
        public String volumeId(String device) {
            String configured = volumeIds.get(device);
            return configured != null ? configured : node + ":" + device;
        }
    }

    private record Baseline(DiskCounters counters, long nanos) {}

    private final DeviceFilter filter;
    private final Identity identity;
    private final Map<String, Baseline> baselines = new HashMap<>();
    private long lastEventMillis = Long.MIN_VALUE;
    private long resets;

    public DiskSampler(DeviceFilter filter, Identity identity) {
        this.filter = filter;
        this.identity = identity;
    }

    /**
     * Samples of the devices in {@code reading} that the filter accepts and that had a baseline.
     *
     * @param monotonicNanos when the reading was taken, on a monotonic clock ({@link System#nanoTime()})
     * @param wallMillis the same moment on the wall clock: the samples' event time, kept strictly
     *                   increasing even if the wall clock steps back
     */
    public List<VolumeMetric> observe(List<DiskCounters> reading, long monotonicNanos, long wallMillis) {
        long eventMillis = Math.max(wallMillis, lastEventMillis + 1);
        lastEventMillis = eventMillis;
        List<VolumeMetric> samples = new ArrayList<>();
        Map<String, Baseline> seen = new HashMap<>();
        for (DiskCounters now : reading) {
            if (!filter.accepts(now.device())) {
                continue;
            }
            seen.put(now.device(), new Baseline(now, monotonicNanos));
            Baseline before = baselines.get(now.device());
            if (before == null || monotonicNanos <= before.nanos()) {
                continue;
            }
            if (wentBackward(before.counters(), now)) {
                resets++;
                continue;
            }
            samples.add(sample(before.counters(), now, (monotonicNanos - before.nanos()) / 1e6, eventMillis));
        }
        baselines.clear();
        baselines.putAll(seen);
        return samples;
    }

    /** Periods skipped because a device's counters went backward. */
    public long resets() {
        return resets;
    }

    /** Devices accepted by the filter in the latest reading. */
    public int devices() {
        return baselines.size();
    }

    private VolumeMetric sample(DiskCounters before, DiskCounters now, double elapsedMillis, long eventMillis) {
        long reads = now.readsCompleted() - before.readsCompleted();
        long writes = now.writesCompleted() - before.writesCompleted();
        long readMillis = now.readMillis() - before.readMillis();
        long writeMillis = now.writeMillis() - before.writeMillis();
        long readBytes = (now.sectorsRead() - before.sectorsRead()) * DiskCounters.SECTOR_BYTES;
        long writeBytes = (now.sectorsWritten() - before.sectorsWritten()) * DiskCounters.SECTOR_BYTES;
        long completed = now.completedOperations() - before.completedOperations();
        boolean stalled = before.inFlight() > 0 && now.inFlight() > 0 && completed == 0;

        double queueDepth = completed > 0
                ? (now.weightedIoMillis() - before.weightedIoMillis()) / elapsedMillis
                : now.inFlight();
        double busy = (now.ioMillis() - before.ioMillis()) / elapsedMillis;
        double idleRatio = stalled ? 0 : Math.max(0, Math.min(1, 1 - busy));

        return new VolumeMetric(identity.volumeId(now.device()), identity.peerGroup(), identity.node(), identity.cell(),
                now.device(), Instant.ofEpochMilli(eventMillis), reportedPeriod(elapsedMillis),
                reads > 0 ? readMillis * 1000.0 / reads : null,
                writes > 0 ? writeMillis * 1000.0 / writes : null,
                reads + writes > 0 ? (readMillis + writeMillis) * 1000.0 / (reads + writes) : null,
                reads, writes, readBytes, writeBytes, readBytes + writeBytes,
                queueDepth, idleRatio, stalled, MetricSource.NODE_AGENT);
    }

    /**
     * The period as VolumeMetric states it (1,000 ms at least): a 1 s timer's ticks jitter by a millisecond
     * or two, and a 999 ms period would be refused by the health app as outside the contract. The figures
     * above are computed over the time that really elapsed.
     */
    static long reportedPeriod(double elapsedMillis) {
        return Math.max(MIN_REPORTED_PERIOD_MS, Math.round(elapsedMillis));
    }

    private static final long MIN_REPORTED_PERIOD_MS = 1_000;

    private static boolean wentBackward(DiskCounters before, DiskCounters now) {
        return now.readsCompleted() < before.readsCompleted() || now.readsMerged() < before.readsMerged()
                || now.sectorsRead() < before.sectorsRead() || now.readMillis() < before.readMillis()
                || now.writesCompleted() < before.writesCompleted() || now.writesMerged() < before.writesMerged()
                || now.sectorsWritten() < before.sectorsWritten() || now.writeMillis() < before.writeMillis()
                || now.ioMillis() < before.ioMillis() || now.weightedIoMillis() < before.weightedIoMillis()
                || now.discardsCompleted() < before.discardsCompleted() || now.discardMillis() < before.discardMillis()
                || now.flushesCompleted() < before.flushesCompleted() || now.flushMillis() < before.flushMillis();
    }
}
