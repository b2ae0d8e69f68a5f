package io.holdfast.reconciler.gtid;

import java.util.Arrays;

/**
 * Arithmetic on sets of transaction numbers stored as flat {@code long[]} arrays of inclusive
 * {@code [start, end]} pairs: {@code {s0, e0, s1, e1, ...}}.
 *
 * <p>Why flat arrays: a MySQL GTID set is merged and compared on every change event, and a set with
 * gaps (skipped transactions, errant GTIDs) can have many intervals; flat primitive arrays keep that
 * free of boxing and per-interval objects. A <em>normalized</em> array is sorted by start, and its
 * intervals neither overlap nor touch ({@code e_i + 1 < s_{i+1}}), so each set has exactly one form.
 * Numbers are at most {@link #MAX} so that {@code end + 1} never overflows.
 */
final class Intervals {

    /** Largest transaction number: MySQL's GNO is below 2^63 - 1. */
    static final long MAX = Long.MAX_VALUE - 1;

    private Intervals() {
    }

    /** Sorts and coalesces {@code pairs[0, length)} (any order, overlaps allowed) into a new array. */
    static long[] normalize(long[] pairs, int length) {
        int count = length / 2;
        long[] sorted = sortPairs(Arrays.copyOf(pairs, length), count);
        long[] out = new long[length];
        int n = 0;
        for (int i = 0; i < count; i++) {
            long start = sorted[2 * i];
            long end = sorted[2 * i + 1];
            if (n > 0 && start <= out[n - 1] + 1) {
                out[n - 1] = Math.max(out[n - 1], end);
            } else {
                out[n++] = start;
                out[n++] = end;
            }
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    /** Union of two normalized arrays, normalized; returns an input itself when it already is the union. */
    static long[] union(long[] a, long[] b) {
        if (covers(a, b)) {
            return a;
        }
        if (covers(b, a)) {
            return b;
        }
        long[] out = new long[a.length + b.length];
        int i = 0;
        int j = 0;
        int n = 0;
        while (i < a.length || j < b.length) {
            long start;
            long end;
            if (j >= b.length || (i < a.length && a[i] <= b[j])) {
                start = a[i];
                end = a[i + 1];
                i += 2;
            } else {
                start = b[j];
                end = b[j + 1];
                j += 2;
            }
            if (n > 0 && start <= out[n - 1] + 1) {
                out[n - 1] = Math.max(out[n - 1], end);
            } else {
                out[n++] = start;
                out[n++] = end;
            }
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    /** Whether every number in normalized {@code b} is in normalized {@code a}. */
    static boolean covers(long[] a, long[] b) {
        int i = 0;
        for (int j = 0; j < b.length; j += 2) {
            long start = b[j];
            long end = b[j + 1];
            while (i < a.length && a[i + 1] < start) {
                i += 2;
            }
            // a is normalized, so its gaps are real: one interval of a must hold all of [start, end]
            if (i >= a.length || a[i] > start || a[i + 1] < end) {
                return false;
            }
        }
        return true;
    }

    /** Appends the canonical MySQL text of normalized {@code pairs}: {@code :1-5:7:9-12}. */
    static void render(long[] pairs, StringBuilder out) {
        for (int i = 0; i < pairs.length; i += 2) {
            out.append(':').append(pairs[i]);
            if (pairs[i + 1] != pairs[i]) {
                out.append('-').append(pairs[i + 1]);
            }
        }
    }

    /** Bottom-up merge sort of {@code count} pairs by start; no boxing, one scratch array. */
    private static long[] sortPairs(long[] pairs, int count) {
        if (isSorted(pairs, count)) {
            return pairs;
        }
        long[] src = pairs;
        long[] dst = new long[pairs.length];
        for (int width = 1; width < count; width *= 2) {
            for (int lo = 0; lo < count; lo += 2 * width) {
                int mid = Math.min(lo + width, count);
                int hi = Math.min(lo + 2 * width, count);
                int i = lo;
                int j = mid;
                for (int k = lo; k < hi; k++) {
                    int from = (i < mid && (j >= hi || src[2 * i] <= src[2 * j])) ? i++ : j++;
                    dst[2 * k] = src[2 * from];
                    dst[2 * k + 1] = src[2 * from + 1];
                }
            }
            long[] swap = src;
            src = dst;
            dst = swap;
        }
        return src;
    }

    private static boolean isSorted(long[] pairs, int count) {
        for (int i = 1; i < count; i++) {
            if (pairs[2 * i] < pairs[2 * i - 2]) {
                return false;
            }
        }
        return true;
    }
}
