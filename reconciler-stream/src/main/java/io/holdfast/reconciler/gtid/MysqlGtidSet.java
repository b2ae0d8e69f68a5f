package io.holdfast.reconciler.gtid;

import io.holdfast.schemas.GtidFlavor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A MySQL GTID set, e.g. {@code 3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5:7-9,uuid2:1-3}: for each
 * source server uuid (and, since MySQL 8.4, each tag of it) the set of transaction numbers executed.
 *
 * <p>Accepted input is what MySQL prints and accepts: a single GTID ({@code uuid:23}), elements
 * separated by commas with optional whitespace or newlines (MySQL prints {@code ",\n"}), upper or
 * lower case uuids, overlapping or unsorted intervals, and tagged GTIDs ({@code uuid:1-5:tag:1-3},
 * where intervals after a tag belong to that tag). The empty string is the empty set. Uuids must be
 * in the hyphenated 8-4-4-4-12 form MySQL prints.
 *
 * <p>The value is normalized (uuids and tags lower case, keys sorted, intervals sorted and coalesced)
 * so equal sets are equal objects and render identically. Storage is one sorted {@code String[]} of
 * keys ({@code uuid} or {@code uuid:tag}) and one {@code long[]} of interval pairs per key (see
 * {@link Intervals}); merge and containment are linear merges over them, without boxing.
 *
 * <p>Merge is set union; {@code a.contains(b)} is {@code a ⊇ b}.
 */
public final class MysqlGtidSet implements ReplicationPosition {

    /** The empty set: nothing executed. */
    public static final MysqlGtidSet EMPTY = new MysqlGtidSet(new String[0], new long[0][]);

    private static final String FLAVOR = "MySQL GTID set";
    private static final int UUID_LENGTH = 36;
    private static final int MAX_TAG_LENGTH = 32;

    private final String[] keys;
    private final long[][] intervals;
    private String rendered;

    private MysqlGtidSet(String[] keys, long[][] intervals) {
        this.keys = keys;
        this.intervals = intervals;
    }

    /**
     * Parses a MySQL GTID set.
     *
     * @throws MalformedPositionException naming the text and what is wrong with it
     */
    public static MysqlGtidSet parse(String text) {
        if (text == null) {
            throw new MalformedPositionException(FLAVOR + " is null");
        }
        Map<String, PairBuffer> byKey = new TreeMap<>();
        int length = text.length();
        int from = 0;
        while (from <= length) {
            int comma = text.indexOf(',', from);
            int to = comma < 0 ? length : comma;
            int start = skipSpace(text, from, to);
            int end = trimEnd(text, start, to);
            if (start == end) {
                if (comma >= 0 || from > 0) {
                    throw MalformedPositionException.of(FLAVOR, text, "empty element between commas");
                }
                return EMPTY;
            }
            parseElement(text, start, end, byKey);
            if (comma < 0) {
                break;
            }
            from = comma + 1;
        }
        String[] keys = new String[byKey.size()];
        long[][] intervals = new long[byKey.size()][];
        int i = 0;
        for (Map.Entry<String, PairBuffer> entry : byKey.entrySet()) {
            keys[i] = entry.getKey();
            intervals[i] = Intervals.normalize(entry.getValue().pairs, entry.getValue().length);
            i++;
        }
        return new MysqlGtidSet(keys, intervals);
    }

    /** One {@code uuid[:interval...][:tag:interval...]...} element, already trimmed. */
    private static void parseElement(String text, int start, int end, Map<String, PairBuffer> byKey) {
        int colon = text.indexOf(':', start);
        if (colon < 0 || colon >= end) {
            throw MalformedPositionException.of(FLAVOR, text,
                    "'" + text.substring(start, end) + "' has no transaction numbers (expected uuid:N or uuid:N-M)");
        }
        String uuid = parseUuid(text, start, trimEnd(text, start, colon));
        PairBuffer current = null;
        String tag = "";
        int from = colon + 1;
        while (true) {
            int next = text.indexOf(':', from);
            int to = next < 0 || next > end ? end : next;
            int s = skipSpace(text, from, to);
            int e = trimEnd(text, s, to);
            if (s == e) {
                throw MalformedPositionException.of(FLAVOR, text, "empty interval after '" + text.substring(start, from) + "'");
            }
            char first = text.charAt(s);
            if (first >= '0' && first <= '9') {
                if (current == null) {
                    current = byKey.computeIfAbsent(tag.isEmpty() ? uuid : uuid + ':' + tag, k -> new PairBuffer());
                }
                parseInterval(text, s, e, current);
            } else {
                if (current == null && !tag.isEmpty()) {
                    throw MalformedPositionException.of(FLAVOR, text, "tag '" + tag + "' has no transaction numbers");
                }
                tag = parseTag(text, s, e);
                current = null;
            }
            if (to == end) {
                break;
            }
            from = to + 1;
        }
        if (current == null) {
            throw MalformedPositionException.of(FLAVOR, text, "tag '" + tag + "' has no transaction numbers");
        }
    }

    private static void parseInterval(String text, int start, int end, PairBuffer out) {
        int dash = text.indexOf('-', start);
        int firstEnd = dash < 0 || dash >= end ? end : dash;
        long first = Decimal.parse(FLAVOR, text, start, firstEnd, Intervals.MAX, "transaction number");
        long last = firstEnd == end ? first
                : Decimal.parse(FLAVOR, text, firstEnd + 1, end, Intervals.MAX, "transaction number");
        if (first < 1) {
            throw MalformedPositionException.of(FLAVOR, text, "transaction numbers start at 1, not 0");
        }
        if (last < first) {
            throw MalformedPositionException.of(FLAVOR, text,
                    "interval '" + text.substring(start, end) + "' ends before it starts");
        }
        out.add(first, last);
    }

    private static String parseUuid(String text, int start, int end) {
        if (end - start != UUID_LENGTH) {
            throw MalformedPositionException.of(FLAVOR, text,
                    "'" + text.substring(start, end) + "' is not a server uuid (8-4-4-4-12 hex digits)");
        }
        char[] out = new char[UUID_LENGTH];
        for (int i = 0; i < UUID_LENGTH; i++) {
            char c = text.charAt(start + i);
            boolean dashPlace = i == 8 || i == 13 || i == 18 || i == 23;
            boolean ok = dashPlace ? c == '-' : Character.digit(c, 16) >= 0 && c < 128;
            if (!ok) {
                throw MalformedPositionException.of(FLAVOR, text,
                        "'" + text.substring(start, end) + "' is not a server uuid (8-4-4-4-12 hex digits)");
            }
            out[i] = Character.toLowerCase(c);
        }
        return new String(out);
    }

    /** MySQL 8.4 tag: a letter or underscore, then letters, digits or underscores; at most 32. */
    private static String parseTag(String text, int start, int end) {
        String tag = text.substring(start, end);
        boolean ok = tag.length() <= MAX_TAG_LENGTH;
        for (int i = 0; ok && i < tag.length(); i++) {
            char c = tag.charAt(i);
            boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
            ok = letter || (i > 0 && c >= '0' && c <= '9');
        }
        if (!ok) {
            throw MalformedPositionException.of(FLAVOR, text, "'" + tag + "' is neither an interval nor a GTID tag");
        }
        return tag.toLowerCase(java.util.Locale.ROOT);
    }

    private static int skipSpace(String text, int from, int to) {
        while (from < to && Decimal.isSpace(text.charAt(from))) {
            from++;
        }
        return from;
    }

    private static int trimEnd(String text, int from, int to) {
        while (to > from && Decimal.isSpace(text.charAt(to - 1))) {
            to--;
        }
        return to;
    }

    @Override
    public GtidFlavor flavor() {
        return GtidFlavor.MYSQL;
    }

    /** Set union. */
    @Override
    public MysqlGtidSet merge(ReplicationPosition other) {
        Positions.requireSameFlavor(this, other);
        MysqlGtidSet that = (MysqlGtidSet) other;
        if (contains(that)) {
            return this;
        }
        if (that.contains(this)) {
            return that;
        }
        List<String> mergedKeys = new ArrayList<>(keys.length + that.keys.length);
        List<long[]> mergedIntervals = new ArrayList<>(keys.length + that.keys.length);
        int i = 0;
        int j = 0;
        while (i < keys.length || j < that.keys.length) {
            int order = i >= keys.length ? 1 : j >= that.keys.length ? -1 : keys[i].compareTo(that.keys[j]);
            if (order < 0) {
                mergedKeys.add(keys[i]);
                mergedIntervals.add(intervals[i++]);
            } else if (order > 0) {
                mergedKeys.add(that.keys[j]);
                mergedIntervals.add(that.intervals[j++]);
            } else {
                mergedKeys.add(keys[i]);
                mergedIntervals.add(Intervals.union(intervals[i++], that.intervals[j++]));
            }
        }
        return new MysqlGtidSet(mergedKeys.toArray(new String[0]), mergedIntervals.toArray(new long[0][]));
    }

    /** Superset: every transaction of {@code other} is in this set. */
    @Override
    public boolean contains(ReplicationPosition other) {
        Positions.requireSameFlavor(this, other);
        MysqlGtidSet that = (MysqlGtidSet) other;
        int i = 0;
        for (int j = 0; j < that.keys.length; j++) {
            while (i < keys.length && keys[i].compareTo(that.keys[j]) < 0) {
                i++;
            }
            if (i >= keys.length || !keys[i].equals(that.keys[j]) || !Intervals.covers(intervals[i], that.intervals[j])) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code uuid:gno} (untagged) is in this set; the uuid in any case. */
    public boolean containsGtid(String uuid, long gno) {
        int index = Arrays.binarySearch(keys, uuid.toLowerCase(java.util.Locale.ROOT));
        return index >= 0 && Intervals.covers(intervals[index], new long[] {gno, gno});
    }

    /** Whether no transaction is in this set. */
    public boolean isEmpty() {
        return keys.length == 0;
    }

    /**
     * Canonical text: elements sorted by uuid and joined by {@code ","} without whitespace, uuids and
     * tags lower case, the untagged intervals of a uuid first and then each tag in order, single
     * transactions as {@code N} and runs as {@code N-M}. The empty set renders as {@code ""}.
     */
    @Override
    public String render() {
        String text = rendered;
        if (text == null) {
            StringBuilder out = new StringBuilder(keys.length * 48);
            for (int i = 0; i < keys.length; i++) {
                String key = keys[i];
                boolean sameUuid = i > 0 && keys[i - 1].regionMatches(0, key, 0, UUID_LENGTH);
                if (!sameUuid) {
                    if (i > 0) {
                        out.append(',');
                    }
                    out.append(key, 0, UUID_LENGTH);
                }
                if (key.length() > UUID_LENGTH) {
                    out.append(key, UUID_LENGTH, key.length());
                }
                Intervals.render(intervals[i], out);
            }
            text = out.toString();
            rendered = text;
        }
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MysqlGtidSet that && Arrays.equals(keys, that.keys)
                && Arrays.deepEquals(intervals, that.intervals);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(keys) + Arrays.deepHashCode(intervals);
    }

    @Override
    public String toString() {
        return "MysqlGtidSet[" + render() + "]";
    }

    /** Growable buffer of interval pairs used while parsing. */
    private static final class PairBuffer {
        private long[] pairs = new long[4];
        private int length;

        void add(long start, long end) {
            if (length + 2 > pairs.length) {
                pairs = Arrays.copyOf(pairs, pairs.length * 2);
            }
            pairs[length++] = start;
            pairs[length++] = end;
        }
    }
}
