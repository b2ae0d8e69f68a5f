package io.holdfast.reconciler.entity;

import java.util.Arrays;

/**
 * A set of revision numbers kept as sorted, disjoint, non-adjacent closed ranges: the revisions of an
 * entity that are resolved (row, snapshot and tag consistent, or alerted). Revisions are written in
 * increasing order, so this is almost always one range {@code [first, last]}: an entity with a
 * thousand resolved revisions costs two numbers.
 */
public final class RevisionRanges {

    private long[] bounds; // [from0, to0, from1, to1, ...]
    private int count;     // number of ranges

    public RevisionRanges() {
        this(new long[4], 0);
    }

    private RevisionRanges(long[] bounds, int count) {
        this.bounds = bounds;
        this.count = count;
    }

    public static RevisionRanges of(long[] pairs) {
        RevisionRanges r = new RevisionRanges(Arrays.copyOf(pairs, Math.max(4, pairs.length)), pairs.length / 2);
        return r;
    }

    public boolean contains(long revision) {
        int lo = 0;
        int hi = count - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (revision < bounds[2 * mid]) {
                hi = mid - 1;
            } else if (revision > bounds[2 * mid + 1]) {
                lo = mid + 1;
            } else {
                return true;
            }
        }
        return false;
    }

    public void add(long revision) {
        if (contains(revision)) {
            return;
        }
        // Index of the first range starting after the revision.
        int i = 0;
        while (i < count && bounds[2 * i] <= revision) {
            i++;
        }
        boolean joinsPrevious = i > 0 && bounds[2 * (i - 1) + 1] == revision - 1;
        boolean joinsNext = i < count && bounds[2 * i] == revision + 1;
        if (joinsPrevious && joinsNext) {
            bounds[2 * (i - 1) + 1] = bounds[2 * i + 1];
            System.arraycopy(bounds, 2 * (i + 1), bounds, 2 * i, 2 * (count - i - 1));
            count--;
        } else if (joinsPrevious) {
            bounds[2 * (i - 1) + 1] = revision;
        } else if (joinsNext) {
            bounds[2 * i] = revision;
        } else {
            if (2 * (count + 1) > bounds.length) {
                bounds = Arrays.copyOf(bounds, bounds.length * 2);
            }
            System.arraycopy(bounds, 2 * i, bounds, 2 * (i + 1), 2 * (count - i));
            bounds[2 * i] = revision;
            bounds[2 * i + 1] = revision;
            count++;
        }
    }

    public int rangeCount() {
        return count;
    }

    /** The ranges as {@code [from0, to0, from1, to1, ...]}. */
    public long[] pairs() {
        return Arrays.copyOf(bounds, 2 * count);
    }

    public boolean isEmpty() {
        return count == 0;
    }

    /** Highest revision in the set, or {@link EntityInput#NONE}. */
    public long max() {
        return count == 0 ? EntityInput.NONE : bounds[2 * count - 1];
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                s.append(',');
            }
            s.append(bounds[2 * i]);
            if (bounds[2 * i + 1] != bounds[2 * i]) {
                s.append('-').append(bounds[2 * i + 1]);
            }
        }
        return s.append(']').toString();
    }
}
