package io.holdfast.bench.micro;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the micro-benchmarks of the hot paths ({@link ClassifierSampleBench}, {@link EntityMergeBench},
 * {@link ChangeEventParseBench})
 * with JMH: throughput on one thread, in one forked JVM per benchmark with a 1 GiB heap, and JMH's GC
 * profiler for the bytes allocated per operation. Full: 3 warmup and 5 measurement iterations of 2 s;
 * quick: 2 and 3 of 1 s.
 *
 * <p>The forks get this JVM's classpath: JMH passes {@code java.class.path} on, and the launcher has
 * already expanded a {@code lib/*} entry there into the jars themselves, so {@code bench/run}'s
 * {@code -cp "bench/target/classes:bench/target/lib/*"} reaches the forks whole.
 *
 * <p>Usage: {@code java -cp "bench/target/classes:bench/target/lib/*" io.holdfast.bench.micro.MicroBench [--quick]}.
 */
public final class MicroBench {

    static final String ALLOCATION = "gc.alloc.rate.norm";

    private MicroBench() {}

    public static void main(String[] args) throws RunnerException {
        boolean quick = false;
        for (String arg : args) {
            if (arg.equals("--quick")) {
                quick = true;
            } else {
                System.err.println("unknown option '" + arg + "'; usage: MicroBench [--quick]");
                System.exit(2);
            }
        }
        List<MicroResult> results = run(quick);
        System.out.println();
        System.out.println(table(results));
    }

    public static List<MicroResult> run(boolean quick) throws RunnerException {
        int warmups = quick ? 2 : 3;
        int measurements = quick ? 3 : 5;
        TimeValue iteration = TimeValue.seconds(quick ? 1 : 2);
        Options options = new OptionsBuilder()
                .include(benchmarksOf(ClassifierSampleBench.class))
                .include(benchmarksOf(EntityMergeBench.class))
                .include(benchmarksOf(ChangeEventParseBench.class))
                .mode(Mode.Throughput)
                .timeUnit(TimeUnit.SECONDS)
                .threads(1)
                .forks(1)
                .jvmArgs("-Xms1g", "-Xmx1g")
                .warmupIterations(warmups)
                .warmupTime(iteration)
                .measurementIterations(measurements)
                .measurementTime(iteration)
                .addProfiler(GCProfiler.class)
                .shouldFailOnError(true)
                .build();
        Collection<RunResult> runs = new Runner(options).run();
        List<MicroResult> results = new ArrayList<>();
        for (RunResult run : runs) {
            results.add(summarize(run));
        }
        results.sort(Comparator.comparing(MicroResult::benchmark));
        return results;
    }

    /** Rows of fixed-width columns, a header first. */
    public static String table(List<MicroResult> results) {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-50s %14s %12s %14s %14s %14s %10s %10s%n",
                "benchmark", "ops/s", "± (99.9%)", "min", "median", "max", "ns/op", "B/op"));
        for (MicroResult r : results) {
            out.append(String.format(Locale.ROOT, "%-50s %,14.0f %,12.0f %,14.0f %,14.0f %,14.0f %,10.1f %,10.1f%n",
                    r.benchmark(), r.score(), r.scoreError(), r.min(), r.median(), r.max(), r.nanosPerOp(), r.bytesPerOp()));
        }
        return out.toString();
    }

    private static String benchmarksOf(Class<?> benchmarks) {
        return "^" + Pattern.quote(benchmarks.getName() + ".");
    }

    private static MicroResult summarize(RunResult run) {
        Result<?> primary = run.getPrimaryResult();
        List<Double> iterations = new ArrayList<>();
        for (BenchmarkResult fork : run.getBenchmarkResults()) {
            for (IterationResult iteration : fork.getIterationResults()) {
                iterations.add(iteration.getPrimaryResult().getScore());
            }
        }
        double[] scores = iterations.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        String name = run.getParams().getBenchmark();
        String shortName = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
        return new MicroResult(shortName, primary.getScore(), primary.getScoreError(), scores[0], median(scores),
                scores[scores.length - 1], primary.getScoreUnit(), 1e9 / primary.getScore(), allocation(run));
    }

    private static double median(double[] sorted) {
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static double allocation(RunResult run) {
        Result<?> allocated = run.getSecondaryResults().get(ALLOCATION);
        return allocated == null ? Double.NaN : allocated.getScore();
    }
}
