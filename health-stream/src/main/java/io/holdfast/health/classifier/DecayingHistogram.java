package io.holdfast.health.classifier;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Latency distribution with bounded memory and exponential forgetting: fixed logarithmic bins (8 per
 * doubling, 1 µs to about 18 minutes) whose weights decay with a half-life of event time. Adding a
 * sample and reading a quantile cost a constant; nothing is ever sorted or kept per sample.
 *
 * <p>Decay is applied forward: a sample at time t gets weight 2^((t - ref)/halfLife), so old weights
 * never need touching; when the factor grows large all weights are rescaled once and {@code ref}
 * moves. Samples slightly older than the newest (peers interleaving) simply weigh a little less.
 */
public final class DecayingHistogram {

    static final int BINS_PER_DOUBLING = 8;
    static final int BINS = 30 * BINS_PER_DOUBLING;
    private static final double INV_LN2 = 1.0 / Math.log(2);
    private static final double RESCALE_EXPONENT = 40; // rescale once weights grow by 2^40

    private final long halfLifeMs;
    private final double[] weights = new double[BINS];
    private double total;
    private long refMs;
    private long lastMs = Long.MIN_VALUE;

    public DecayingHistogram(long halfLifeMs) {
        this.halfLifeMs = halfLifeMs;
    }

    public long halfLifeMs() {
        return halfLifeMs;
    }

    /** Bin of a latency in µs (values below 1 µs fall in the first bin, beyond the range in the last). */
    static int bin(double latencyUs) {
        if (!(latencyUs > 1)) {
            return 0;
        }
        int b = (int) (Math.log(latencyUs) * INV_LN2 * BINS_PER_DOUBLING);
        return Math.min(b, BINS - 1);
    }

    public void add(double latencyUs, long timeMs) {
        if (lastMs == Long.MIN_VALUE) {
            refMs = timeMs;
        }
        double exponent = (double) (timeMs - refMs) / halfLifeMs;
        if (exponent > RESCALE_EXPONENT) {
            rescaleTo(timeMs);
            exponent = 0;
        }
        double w = Math.pow(2, exponent);
        weights[bin(latencyUs)] += w;
        total += w;
        lastMs = Math.max(lastMs, timeMs);
    }

    private void rescaleTo(long newRefMs) {
        double factor = Math.pow(2, -(double) (newRefMs - refMs) / halfLifeMs);
        total = 0;
        for (int i = 0; i < BINS; i++) {
            double w = weights[i] * factor;
            weights[i] = w < 1e-12 ? 0 : w;
            total += weights[i];
        }
        refMs = newRefMs;
    }

    /** Decayed number of samples, as seen at {@code nowMs}: about the samples of the last 1.44 half-lives. */
    public double weight(long nowMs) {
        if (lastMs == Long.MIN_VALUE) {
            return 0;
        }
        return total * Math.pow(2, -(double) (nowMs - refMs) / halfLifeMs);
    }

    public boolean isEmpty() {
        return total <= 0;
    }

    public long lastUpdateMs() {
        return lastMs;
    }

    /**
     * The {@code q} quantile in µs, interpolated geometrically inside its bin; NaN when empty. Reads
     * two quantiles in one pass into {@code out} (out[0] for q1, out[1] for q2, q1 <= q2).
     */
    public void quantiles(double q1, double q2, double[] out) {
        out[0] = Double.NaN;
        out[1] = Double.NaN;
        if (total <= 0) {
            return;
        }
        double t1 = q1 * total;
        double t2 = q2 * total;
        double cumulative = 0;
        boolean first = false;
        for (int i = 0; i < BINS; i++) {
            double w = weights[i];
            if (w == 0) {
                continue;
            }
            double next = cumulative + w;
            if (!first && next >= t1) {
                out[0] = valueAt(i, (t1 - cumulative) / w);
                first = true;
            }
            if (next >= t2) {
                out[1] = valueAt(i, (t2 - cumulative) / w);
                return;
            }
            cumulative = next;
        }
        out[1] = valueAt(BINS - 1, 1);
        if (!first) {
            out[0] = out[1];
        }
    }

    public double quantile(double q) {
        double[] out = new double[2];
        quantiles(q, q, out);
        return out[0];
    }

    private static double valueAt(int bin, double fraction) {
        return Math.pow(2, (bin + Math.max(0, Math.min(1, fraction))) / BINS_PER_DOUBLING);
    }

    /** Sparse encoding: only non-empty bins. */
    public void writeTo(DataOutput out) throws IOException {
        out.writeLong(halfLifeMs);
        out.writeLong(refMs);
        out.writeLong(lastMs);
        int nonZero = 0;
        for (double w : weights) {
            if (w != 0) {
                nonZero++;
            }
        }
        out.writeShort(nonZero);
        for (int i = 0; i < BINS; i++) {
            if (weights[i] != 0) {
                out.writeShort(i);
                out.writeFloat((float) weights[i]);
            }
        }
    }

    public static DecayingHistogram readFrom(DataInput in) throws IOException {
        long halfLifeMs = in.readLong();
        if (halfLifeMs <= 0) {
            throw new IOException("corrupt histogram half-life " + halfLifeMs);
        }
        DecayingHistogram h = new DecayingHistogram(halfLifeMs);
        h.refMs = in.readLong();
        h.lastMs = in.readLong();
        int nonZero = in.readShort();
        for (int k = 0; k < nonZero; k++) {
            int bin = in.readShort();
            double w = in.readFloat();
            if (bin < 0 || bin >= BINS || !(w >= 0)) {
                throw new IOException("corrupt histogram bin " + bin + " weight " + w);
            }
            h.weights[bin] = w;
            h.total += w;
        }
        return h;
    }
}
