package io.holdfast.launcher;

import io.holdfast.health.HealthConfig;
import io.holdfast.health.backtest.Backtest;
import io.holdfast.health.backtest.DriveResult;
import io.holdfast.health.backtest.Labels;
import io.holdfast.health.backtest.PerseusTraces;
import io.holdfast.health.backtest.Scores;
import io.holdfast.launcher.internal.Failures;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code holdfast health ...}: the volume-health classifier offline. */
@Command(name = "health", mixinStandardHelpOptions = true, description = "Volume health: offline tools.",
        subcommands = HealthCommand.BacktestCommand.class)
final class HealthCommand implements Runnable {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    enum Format { PERSEUS_CSV }

    @Command(name = "backtest", mixinStandardHelpOptions = true,
            description = {"Replay recorded drive traces through the classifier the health app runs, in event time, one "
                    + "peer group (host) at a time, and give each drive a verdict: slow when it spent at least "
                    + "--min-degraded-fraction of its observed time DEGRADED or STALLED (and at least --min-degraded-seconds).",
                    "Writes CSV (cluster,host,disk,samples,na_samples,degraded_seconds,episodes,first_degraded_ts,verdict); "
                            + "with --labels also prints precision, recall and F1 per cluster."})
    static final class BacktestCommand implements Callable<Integer> {

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--format", required = true, paramLabel = "FORMAT",
                description = "Trace format: perseus-csv (cluster_X/host_N/YYYY-MM-DD.csv[.gz], columns ts,disk_id,throughput,latency).",
                converter = FormatConverter.class)
        Format format;

        @Parameters(index = "0", paramLabel = "DIR", description = "A cluster_X directory, or a directory holding several.")
        Path dir;

        @Option(names = "--labels", paramLabel = "FILE", description = "Drives verified slow (slow_drive_info.csv format).")
        Path labels;

        @Option(names = "--out", paramLabel = "FILE", description = "Write the per-drive CSV here instead of stdout.")
        Path out;

        @Option(names = "--min-degraded-fraction", paramLabel = "F", defaultValue = "0.35",
                description = "Share of a drive's observed time spent DEGRADED or STALLED that makes it slow (default ${DEFAULT-VALUE}).")
        double minDegradedFraction;

        @Option(names = "--min-degraded-seconds", paramLabel = "S", defaultValue = "3600",
                description = "Least total time DEGRADED or STALLED for a slow verdict (default ${DEFAULT-VALUE}).")
        long minDegradedSeconds;

        @Option(names = "--threads", paramLabel = "N", description = "Hosts replayed in parallel (default: available processors).")
        Integer threads;

        @picocli.CommandLine.Mixin
        io.holdfast.launcher.internal.ConfigOptions config;

        @Override
        public Integer call() throws Exception {
            if (minDegradedFraction < 0 || minDegradedFraction > 1) {
                throw new Failures.UserError("--min-degraded-fraction must be between 0 and 1, not " + minDegradedFraction);
            }
            HealthConfig health = HealthConfig.ofValidated(config.validated(Map.of()));
            List<PerseusTraces.Host> hosts;
            try {
                hosts = PerseusTraces.discover(dir);
            } catch (IOException e) {
                throw new Failures.UserError(e.getMessage());
            }
            Labels truth = null;
            if (labels != null) {
                try {
                    truth = Labels.read(labels);
                } catch (IOException e) {
                    throw new Failures.UserError(e.getMessage());
                }
            }
            int parallelism = threads != null ? Math.max(1, threads) : Runtime.getRuntime().availableProcessors();
            ProgressBar progress = new ProgressBar(spec.commandLine().getErr(), hosts.size());
            long began = System.nanoTime();
            List<DriveResult> results = Backtest.run(hosts,
                    new Backtest.Options(health.settings(), minDegradedFraction, minDegradedSeconds, parallelism), progress);
            progress.finish();
            double seconds = (System.nanoTime() - began) / 1e9;

            PrintWriter stdout = spec.commandLine().getOut();
            if (out != null) {
                try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
                    writeCsv(w, results);
                }
            } else {
                writeCsv(stdout, results);
                stdout.flush();
            }
            PrintWriter report = out != null ? stdout : spec.commandLine().getErr();
            long slow = results.stream().filter(DriveResult::slow).count();
            report.printf(Locale.ROOT, "%d drives, %d samples in %.1f s (%.0f samples/s); %d judged slow%n",
                    results.size(), progress.rows.get(), seconds, progress.rows.get() / seconds, slow);
            if (truth != null) {
                report.print(Scores.table(Scores.perCluster(results, truth)));
            }
            report.flush();
            return 0;
        }

        private static void writeCsv(Writer w, List<DriveResult> results) throws IOException {
            w.write(DriveResult.CSV_HEADER);
            w.write('\n');
            for (DriveResult r : results) {
                w.write(r.csv());
                w.write('\n');
            }
        }
    }

    static final class FormatConverter implements picocli.CommandLine.ITypeConverter<Format> {
        @Override
        public Format convert(String value) {
            if ("perseus-csv".equalsIgnoreCase(value)) {
                return Format.PERSEUS_CSV;
            }
            throw new picocli.CommandLine.TypeConversionException("unknown format '" + value + "' (supported: perseus-csv)");
        }
    }

    /** A one-line progress bar on stderr, redrawn as hosts finish. */
    static final class ProgressBar implements Backtest.Progress {
        private final PrintWriter err;
        private final int total;
        private final AtomicInteger done = new AtomicInteger();
        final AtomicLong rows = new AtomicLong();
        private final long began = System.nanoTime();

        ProgressBar(PrintWriter err, int total) {
            this.err = err;
            this.total = total;
            draw(0);
        }

        @Override
        public void hostDone(PerseusTraces.Host host, int hostRows) {
            rows.addAndGet(hostRows);
            draw(done.incrementAndGet());
        }

        private synchronized void draw(int n) {
            int width = 30;
            int filled = total == 0 ? width : n * width / total;
            err.printf(Locale.ROOT, "\r[%s%s] %d/%d hosts, %,d samples, %.0f s", "#".repeat(filled), ".".repeat(width - filled),
                    n, total, rows.get(), (System.nanoTime() - began) / 1e9);
            err.flush();
        }

        void finish() {
            err.println();
            err.flush();
        }
    }
}
