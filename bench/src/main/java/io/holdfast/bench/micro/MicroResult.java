package io.holdfast.bench.micro;

/**
 * One micro-benchmark's throughput over its measurement iterations.
 *
 * @param benchmark    class and method, e.g. {@code ClassifierSampleBench.classify}
 * @param score        mean over the measurement iterations, in {@code unit}
 * @param scoreError   half-width of the 99.9 % confidence interval of the mean, in {@code unit}
 * @param min          slowest measurement iteration
 * @param median       median measurement iteration
 * @param max          fastest measurement iteration
 * @param unit         JMH's unit of the scores, {@code ops/s}
 * @param nanosPerOp   {@code 1e9 / score}: the mean time of one operation
 * @param bytesPerOp   bytes allocated per operation (JMH's {@code gc.alloc.rate.norm}); NaN if not measured
 */
public record MicroResult(String benchmark, double score, double scoreError, double min, double median, double max,
                          String unit, double nanosPerOp, double bytesPerOp) {
}
