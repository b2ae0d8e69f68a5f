package io.holdfast.topology.synthetic.internal;

import java.util.SplittableRandom;

/**
 * The random draws of one sample, taken all at once and always the same number of them. Every part
 * of the period uses these draws, so an episode changes the samples it overlaps and no others: the
 * same volume with and without an episode produces identical samples outside it.
 */
public final class SampleNoise {

    /** Standard normal: the device-wide latency fluctuation of the period. */
    public double shared;
    /** Standard normal: read latency's own fluctuation. */
    public double read;
    /** Standard normal: write latency's own fluctuation. */
    public double write;
    /** Standard normal: Poisson-like fluctuation of the operation count. */
    public double ops;
    /** Standard normal: fluctuation of the read share of the operations. */
    public double split;
    /** Standard normal: fluctuation of the average I/O size. */
    public double size;
    /** Uniform in [0, 1): whether a tail event hits the period. */
    public double tailChance;
    /** Uniform in [0, 1): how large the tail event is. */
    public double tailSize;

    public void draw(SplittableRandom random) {
        shared = random.nextGaussian();
        read = random.nextGaussian();
        write = random.nextGaussian();
        ops = random.nextGaussian();
        split = random.nextGaussian();
        size = random.nextGaussian();
        tailChance = random.nextDouble();
        tailSize = random.nextDouble();
    }
}
