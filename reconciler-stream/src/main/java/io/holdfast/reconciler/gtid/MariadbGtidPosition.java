package io.holdfast.reconciler.gtid;

import io.holdfast.schemas.GtidFlavor;
import java.util.Arrays;

/**
 * A MariaDB GTID position, e.g. {@code 0-1-100,1-2-5}: for each replication domain the last GTID
 * {@code domain-server-seq} applied.
 *
 * <p>Why per domain: MariaDB numbers transactions with a sequence that increases monotonically within
 * a domain (across servers, after failover too), so a domain's progress is its highest seq; the server
 * id only says which server wrote that transaction and is kept with the winning seq. Domains are
 * independent, so two positions can each be ahead in a different domain.
 *
 * <p>Parsing accepts the comma-separated list MariaDB prints ({@code gtid_slave_pos},
 * {@code gtid_binlog_pos}, Debezium's {@code source.gtid}), with whitespace around elements. A domain
 * listed more than once (as in {@code gtid_binlog_state}, one entry per server) is reduced to its
 * highest GTID. The empty string is the empty position. Domain and server ids are 32-bit unsigned;
 * seq is accepted up to 2^63 - 1 (MariaDB's is 64-bit unsigned; larger values are rejected rather than
 * wrapped).
 *
 * <p>Merge keeps, per domain, the higher GTID; {@code contains} holds when this has every domain of the
 * other at a GTID at least as high. "Higher" is by seq, and on equal seq by server id: two different
 * servers writing the same seq in one domain is an anomaly (forbidden by {@code gtid_strict_mode}),
 * and ordering it by server id keeps merge commutative and keeps {@code compare(...) == EQUAL} the same
 * as {@code equals}.
 */
public final class MariadbGtidPosition implements ReplicationPosition {

    /** The empty position: no domain seen. */
    public static final MariadbGtidPosition EMPTY = new MariadbGtidPosition(new long[0], new long[0], new long[0]);

    private static final String FLAVOR = "MariaDB GTID";
    private static final long MAX_ID = 0xFFFF_FFFFL;

    /** Sorted, distinct domain ids; {@code servers[i]} and {@code seqs[i]} belong to {@code domains[i]}. */
    private final long[] domains;
    private final long[] servers;
    private final long[] seqs;

    private MariadbGtidPosition(long[] domains, long[] servers, long[] seqs) {
        this.domains = domains;
        this.servers = servers;
        this.seqs = seqs;
    }

    /**
     * Parses a comma-separated {@code domain-server-seq} list.
     *
     * @throws MalformedPositionException naming the text and what is wrong with it
     */
    public static MariadbGtidPosition parse(String text) {
        if (text == null) {
            throw new MalformedPositionException(FLAVOR + " position is null");
        }
        int count = 1;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == ',') {
                count++;
            }
        }
        long[] triples = new long[count * 3];
        int n = 0;
        int from = 0;
        for (int element = 0; element < count; element++) {
            int comma = text.indexOf(',', from);
            int to = comma < 0 ? text.length() : comma;
            int start = from;
            int end = to;
            while (start < end && Decimal.isSpace(text.charAt(start))) {
                start++;
            }
            while (end > start && Decimal.isSpace(text.charAt(end - 1))) {
                end--;
            }
            if (start == end) {
                if (count == 1) {
                    return EMPTY;
                }
                throw MalformedPositionException.of(FLAVOR, text, "empty element between commas");
            }
            parseGtid(text, start, end, triples, n);
            n += 3;
            from = to + 1;
        }
        return fromTriples(triples, n);
    }

    /** The position holding exactly one GTID. */
    public static MariadbGtidPosition of(long domain, long server, long seq) {
        if (domain < 0 || domain > MAX_ID || server < 0 || server > MAX_ID || seq < 0) {
            throw new IllegalArgumentException("not a MariaDB GTID: " + domain + "-" + server + "-" + seq);
        }
        return new MariadbGtidPosition(new long[] {domain}, new long[] {server}, new long[] {seq});
    }

    private static void parseGtid(String text, int start, int end, long[] out, int at) {
        int dash1 = text.indexOf('-', start);
        int dash2 = dash1 < 0 ? -1 : text.indexOf('-', dash1 + 1);
        int dash3 = dash2 < 0 ? -1 : text.indexOf('-', dash2 + 1);
        if (dash1 < 0 || dash2 < 0 || dash2 >= end || (dash3 >= 0 && dash3 < end)) {
            throw MalformedPositionException.of(FLAVOR, text,
                    "'" + text.substring(start, end) + "' is not domain-server-seq");
        }
        out[at] = Decimal.parse(FLAVOR, text, start, dash1, MAX_ID, "domain id");
        out[at + 1] = Decimal.parse(FLAVOR, text, dash1 + 1, dash2, MAX_ID, "server id");
        out[at + 2] = Decimal.parse(FLAVOR, text, dash2 + 1, end, Long.MAX_VALUE, "seq");
    }

    /** Sorts {@code domain, server, seq} triples by domain, keeping the highest GTID of each domain. */
    private static MariadbGtidPosition fromTriples(long[] triples, int length) {
        int count = length / 3;
        // insertion sort by domain: positions list a handful of domains
        for (int i = 1; i < count; i++) {
            for (int j = i; j > 0 && triples[3 * j] < triples[3 * (j - 1)]; j--) {
                for (int k = 0; k < 3; k++) {
                    long swap = triples[3 * j + k];
                    triples[3 * j + k] = triples[3 * (j - 1) + k];
                    triples[3 * (j - 1) + k] = swap;
                }
            }
        }
        long[] domains = new long[count];
        long[] servers = new long[count];
        long[] seqs = new long[count];
        int n = 0;
        for (int i = 0; i < count; i++) {
            long domain = triples[3 * i];
            long server = triples[3 * i + 1];
            long seq = triples[3 * i + 2];
            if (n > 0 && domains[n - 1] == domain) {
                if (higher(seq, server, seqs[n - 1], servers[n - 1])) {
                    servers[n - 1] = server;
                    seqs[n - 1] = seq;
                }
            } else {
                domains[n] = domain;
                servers[n] = server;
                seqs[n] = seq;
                n++;
            }
        }
        return n == count ? new MariadbGtidPosition(domains, servers, seqs)
                : new MariadbGtidPosition(Arrays.copyOf(domains, n), Arrays.copyOf(servers, n), Arrays.copyOf(seqs, n));
    }

    /** GTID order within one domain: by seq, then (anomaly tie-break) by server id. */
    private static boolean higher(long seq, long server, long thanSeq, long thanServer) {
        return seq > thanSeq || (seq == thanSeq && server > thanServer);
    }

    @Override
    public GtidFlavor flavor() {
        return GtidFlavor.MARIADB;
    }

    /** Per domain, the higher of the two GTIDs. */
    @Override
    public MariadbGtidPosition merge(ReplicationPosition other) {
        Positions.requireSameFlavor(this, other);
        MariadbGtidPosition that = (MariadbGtidPosition) other;
        if (contains(that)) {
            return this;
        }
        if (that.contains(this)) {
            return that;
        }
        int capacity = domains.length + that.domains.length;
        long[] d = new long[capacity];
        long[] s = new long[capacity];
        long[] q = new long[capacity];
        int i = 0;
        int j = 0;
        int n = 0;
        while (i < domains.length || j < that.domains.length) {
            boolean takeThis;
            if (j >= that.domains.length) {
                takeThis = true;
            } else if (i >= domains.length) {
                takeThis = false;
            } else if (domains[i] != that.domains[j]) {
                takeThis = domains[i] < that.domains[j];
            } else {
                takeThis = !higher(that.seqs[j], that.servers[j], seqs[i], servers[i]);
                if (takeThis) {
                    j++;
                } else {
                    i++;
                }
            }
            if (takeThis) {
                d[n] = domains[i];
                s[n] = servers[i];
                q[n++] = seqs[i++];
            } else {
                d[n] = that.domains[j];
                s[n] = that.servers[j];
                q[n++] = that.seqs[j++];
            }
        }
        return new MariadbGtidPosition(Arrays.copyOf(d, n), Arrays.copyOf(s, n), Arrays.copyOf(q, n));
    }

    /** Every domain of {@code other} is here at a GTID at least as high. */
    @Override
    public boolean contains(ReplicationPosition other) {
        Positions.requireSameFlavor(this, other);
        MariadbGtidPosition that = (MariadbGtidPosition) other;
        int i = 0;
        for (int j = 0; j < that.domains.length; j++) {
            while (i < domains.length && domains[i] < that.domains[j]) {
                i++;
            }
            if (i >= domains.length || domains[i] != that.domains[j]
                    || higher(that.seqs[j], that.servers[j], seqs[i], servers[i])) {
                return false;
            }
        }
        return true;
    }

    /** The highest seq seen in {@code domain}, or -1 if the domain is absent. */
    public long seq(long domain) {
        int index = Arrays.binarySearch(domains, domain);
        return index < 0 ? -1 : seqs[index];
    }

    /** The server id of the highest GTID seen in {@code domain}, or -1 if the domain is absent. */
    public long serverId(long domain) {
        int index = Arrays.binarySearch(domains, domain);
        return index < 0 ? -1 : servers[index];
    }

    /** Whether no domain has been seen. */
    public boolean isEmpty() {
        return domains.length == 0;
    }

    /** Canonical text: {@code domain-server-seq} per domain, sorted by domain, joined by {@code ","}. */
    @Override
    public String render() {
        StringBuilder out = new StringBuilder(domains.length * 16);
        for (int i = 0; i < domains.length; i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(domains[i]).append('-').append(servers[i]).append('-').append(seqs[i]);
        }
        return out.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MariadbGtidPosition that && Arrays.equals(domains, that.domains)
                && Arrays.equals(servers, that.servers) && Arrays.equals(seqs, that.seqs);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(domains) + Arrays.hashCode(servers)) + Arrays.hashCode(seqs);
    }

    @Override
    public String toString() {
        return "MariadbGtidPosition[" + render() + "]";
    }
}
