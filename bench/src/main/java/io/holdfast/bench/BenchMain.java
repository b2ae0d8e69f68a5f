package io.holdfast.bench;

import io.holdfast.embedded.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * Entry point of {@code bench/run}: starts the embedded broker (with a full JIT, unlike the tests'),
 * runs each benchmark against its baseline in the same run, and prints min / median / max.
 *
 * <p>Options: {@code --volumes N} (10000), {@code --samples M} per volume (100), {@code --runs R} (3).
 */
public final class BenchMain {

    private BenchMain() {}

    public static void main(String[] args) throws Exception {
        int volumes = intArg(args, "--volumes", 10_000);
        int samples = intArg(args, "--samples", 100);
        int runs = intArg(args, "--runs", 3);
        Path dir = Files.createTempDirectory("holdfast-bench-");
        System.out.printf(Locale.ROOT, "machine: %d cores, %d MiB max heap; Java %s%n",
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20, Runtime.version());
        try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafka.Options.in(dir.resolve("kafka"))
                .withJvmArgs(List.of("-Xms1g", "-Xmx1g", "-XX:+UseParallelGC")))) {
            HealthThroughputBench bench = new HealthThroughputBench(kafka, volumes, samples, 10, 2, dir.resolve("state"));
            System.out.printf(Locale.ROOT, "health classifier throughput, 1 stream thread, exactly_once_v2: %,d volumes x %d samples%n",
                    volumes, samples);
            long began = System.nanoTime();
            String prefix = bench.prepare();
            System.out.printf(Locale.ROOT, "  input written in %.1f s%n", (System.nanoTime() - began) / 1e9);
            List<HealthThroughputBench.Run> passThrough = new ArrayList<>();
            List<HealthThroughputBench.Run> health = new ArrayList<>();
            for (int r = 0; r < runs; r++) {
                passThrough.add(bench.runPassThrough(prefix, r));
                System.out.println("  pass-through run " + (r + 1) + ": " + HealthThroughputBench.format(passThrough.get(r)));
                health.add(bench.runHealth(prefix, r));
                System.out.println("  health       run " + (r + 1) + ": " + HealthThroughputBench.format(health.get(r)));
            }
            double baseline = median(passThrough, HealthThroughputBench.Run::perSecond);
            double classifier = median(health, HealthThroughputBench.Run::perSecond);
            System.out.printf(Locale.ROOT, "%-28s %12s %12s %12s%n", "samples/s", "min", "median", "max");
            row("pass-through (baseline)", passThrough);
            row("health classifier", health);
            System.out.printf(Locale.ROOT, "ratio health / pass-through (medians): %.2f%n", classifier / baseline);
        }
    }

    private static void row(String name, List<HealthThroughputBench.Run> runs) {
        List<Double> v = runs.stream().map(HealthThroughputBench.Run::perSecond).sorted().toList();
        System.out.printf(Locale.ROOT, "%-28s %,12.0f %,12.0f %,12.0f%n", name, v.get(0), v.get(v.size() / 2), v.get(v.size() - 1));
    }

    private static double median(List<HealthThroughputBench.Run> runs, ToDoubleFunction<HealthThroughputBench.Run> f) {
        List<HealthThroughputBench.Run> sorted = new ArrayList<>(runs);
        sorted.sort(Comparator.comparingDouble(f));
        return f.applyAsDouble(sorted.get(sorted.size() / 2));
    }

    private static int intArg(String[] args, String name, int fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                try {
                    return Integer.parseInt(args[i + 1]);
                } catch (NumberFormatException e) {
                    System.err.println("bench: " + name + " needs a number, not '" + args[i + 1] + "'");
                    System.exit(2);
                }
            }
        }
        return fallback;
    }
}
