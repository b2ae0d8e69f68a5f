package io.holdfast.connectors.writer;

import java.util.Random;

/**
 * Crashes injected into writes, to produce the half-done states the reconciler repairs. After each of
 * the S3, row and head steps, the write stops with that step's probability (given that it got that far),
 * exactly as if the process had died there. Draws come from one seeded {@link Random}, so that a
 * single-threaded run is repeatable.
 */
public final class FailurePlan {

    private static final FailurePlan NONE = new FailurePlan(0, 0, 0, 0);

    private final double afterS3;
    private final double afterRow;
    private final double afterHead;
    private final Random random;

    /**
     * @param afterS3   probability of stopping once the snapshot is in S3
     * @param afterRow  probability of stopping once the revision row is in, for a write that got that far
     * @param afterHead probability of stopping once the head is advanced, for a write that got that far
     * @throws IllegalArgumentException if a probability is outside [0, 1]
     */
    public FailurePlan(double afterS3, double afterRow, double afterHead, long seed) {
        this.afterS3 = probability("after S3", afterS3);
        this.afterRow = probability("after the row", afterRow);
        this.afterHead = probability("after the head", afterHead);
        this.random = new Random(seed);
    }

    /** Every write goes to the end. */
    public static FailurePlan none() {
        return NONE;
    }

    /** Whether the write that has just finished {@code step} stops there. Never stops at {@link StoppedAfter#NONE}. */
    public boolean stopsAfter(StoppedAfter step) {
        double p = switch (step) {
            case S3 -> afterS3;
            case ROW -> afterRow;
            case HEAD -> afterHead;
            case NONE -> 0;
        };
        if (p <= 0) {
            return false;
        }
        if (p >= 1) {
            return true;
        }
        synchronized (random) {
            return random.nextDouble() < p;
        }
    }

    private static double probability(String what, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("the probability of stopping " + what + " must be between 0 and 1, not " + p);
        }
        return p;
    }

    @Override
    public String toString() {
        return "stop after S3 " + afterS3 + ", after the row " + afterRow + ", after the head " + afterHead;
    }
}
