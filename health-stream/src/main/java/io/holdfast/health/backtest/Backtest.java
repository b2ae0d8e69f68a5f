package io.holdfast.health.backtest;

import io.holdfast.health.classifier.HealthSettings;
import io.holdfast.health.classifier.PeerGroupState;
import io.holdfast.health.classifier.Sample;
import io.holdfast.health.classifier.VolumeHealthClassifier;
import io.holdfast.health.classifier.VolumeState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Replays recorded traces through the classifier the stream app runs, in event time, one peer group
 * (host) at a time, and turns each drive's time in DEGRADED/STALLED into a verdict. Hosts are
 * independent (a peer group only ever sees its own volumes), so they run in parallel.
 */
public final class Backtest {

    /** Sampling period assumed for a drive's first sample and across gaps longer than 60 s. */
    static final long DEFAULT_PERIOD_MS = 15_000;

    /**
     * How a replay is judged.
     *
     * @param minDegradedFraction a drive is {@code slow} when it spent at least this share of its observed
     *                            time DEGRADED or STALLED
     * @param minDegradedSeconds  ... and at least this long in total
     */
    public record Options(HealthSettings settings, double minDegradedFraction, long minDegradedSeconds, int threads) {
        public static final double DEFAULT_MIN_DEGRADED_FRACTION = 0.35;
        public static final long DEFAULT_MIN_DEGRADED_SECONDS = 3_600;
    }

    /** Told about each host as it is done (for a progress bar). */
    public interface Progress {
        void hostDone(PerseusTraces.Host host, int rows);
    }

    private Backtest() {}

    public static List<DriveResult> run(List<PerseusTraces.Host> hosts, Options options, Progress progress)
            throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, options.threads()), r -> {
            Thread t = new Thread(r, "holdfast-backtest");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<List<DriveResult>>> futures = new ArrayList<>();
            for (PerseusTraces.Host host : hosts) {
                futures.add(pool.submit(() -> {
                    PerseusTraces.HostRows rows = PerseusTraces.read(host);
                    List<DriveResult> results = replay(rows, options);
                    progress.hostDone(host, rows.size());
                    return results;
                }));
            }
            List<DriveResult> all = new ArrayList<>();
            for (Future<List<DriveResult>> f : futures) {
                try {
                    all.addAll(f.get());
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    throw cause instanceof RuntimeException re ? re : new IllegalStateException(cause);
                }
            }
            all.sort(Comparator.comparing(DriveResult::cluster).thenComparing(DriveResult::host, Backtest::natural)
                    .thenComparing(DriveResult::disk, Backtest::natural));
            return all;
        } finally {
            pool.shutdownNow();
        }
    }

    /** One host's rows through one classifier and one peer group, in time order. */
    static List<DriveResult> replay(PerseusTraces.HostRows rows, Options options) {
        VolumeHealthClassifier classifier = new VolumeHealthClassifier(options.settings());
        PeerGroupState group = classifier.newPeerGroup();
        int disks = rows.disks().length;
        VolumeState[] volumes = new VolumeState[disks];
        long[] lastSeen = new long[disks];
        long[] period = new long[disks];
        long[] samples = new long[disks];
        long[] missing = new long[disks];
        long[] observedMs = new long[disks];
        for (int d = 0; d < disks; d++) {
            volumes[d] = classifier.newVolume(rows.host().host() + ":" + rows.disks()[d]);
            lastSeen[d] = Long.MIN_VALUE;
            period[d] = DEFAULT_PERIOD_MS;
        }
        VolumeHealthClassifier.Sink ignore = (v, t) -> { };
        Sample sample = new Sample();
        for (int i = 0; i < rows.size(); i++) {
            int d = rows.disk()[i];
            long t = rows.tsMs()[i];
            if (t <= lastSeen[d]) {
                continue; // duplicate or out of order: the stream app skips these too
            }
            if (lastSeen[d] != Long.MIN_VALUE) {
                long delta = t - lastSeen[d];
                if (delta >= 1_000 && delta <= 60_000) {
                    period[d] = delta;
                }
            }
            lastSeen[d] = t;
            samples[d]++;
            double latency = rows.latency()[i];
            double throughput = rows.throughput()[i];
            if (Double.isNaN(latency) || Double.isNaN(throughput) || latency < 0 || throughput < 0) {
                // NA: the drive reported, without a usable value. The classifier takes it as presence only.
                missing[d]++;
                latency = Double.NaN;
                throughput = Double.NaN;
            } else {
                observedMs[d] += period[d];
            }
            sample.set(t, period[d], latency, throughput, Double.NaN, Double.NaN, Double.NaN, false);
            classifier.onSample(volumes[d], group, sample, ignore);
            if ((i & 0xFFF) == 0) {
                group.forgetStaleBuckets(t);
            }
        }
        List<DriveResult> results = new ArrayList<>(disks);
        for (int d = 0; d < disks; d++) {
            VolumeState v = volumes[d];
            long degradedSeconds = v.degradedCoverMs() / 1000;
            long observedSeconds = observedMs[d] / 1000;
            boolean slow = degradedSeconds >= options.minDegradedSeconds()
                    && degradedSeconds >= options.minDegradedFraction() * observedSeconds;
            results.add(new DriveResult(rows.host().cluster(), rows.host().host(), rows.disks()[d], samples[d], missing[d],
                    observedSeconds, degradedSeconds, v.episodes(),
                    v.firstDegradedMs() == Long.MIN_VALUE ? -1 : v.firstDegradedMs() / 1000, slow));
        }
        return results;
    }

    private static int natural(String a, String b) {
        String pa = a.replaceAll("\\d+", "");
        String pb = b.replaceAll("\\d+", "");
        int c = pa.compareTo(pb);
        if (c != 0) {
            return c;
        }
        String da = a.replaceAll("\\D+", "");
        String db = b.replaceAll("\\D+", "");
        if (!da.isEmpty() && !db.isEmpty() && da.length() < 18 && db.length() < 18) {
            return Long.compare(Long.parseLong(da), Long.parseLong(db));
        }
        return a.compareTo(b);
    }
}
