package io.holdfast.reconciler.gtid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The semilattice laws every flavor must obey, so that the workflow state built on merge is
 * insensitive to redelivery and reordering. Values are drawn from small pools (few uuids, domains,
 * shards, low numbers) so that overlaps, equal values and containment actually occur.
 */
class ReplicationPositionPropertiesTest {

    private static final List<String> UUIDS = List.of(
            "3e11fa47-71ca-11e1-9e33-c80aa9429562", "4F22AB58-82DB-22F2-AF44-D91BB0530673",
            "00000000-0000-0000-0000-000000000001");

    @Property
    void mergeIsCommutative(@ForAll("sameFlavorTriples") List<ReplicationPosition> p) {
        assertEquals(p.get(0).merge(p.get(1)), p.get(1).merge(p.get(0)));
    }

    @Property
    void mergeIsAssociative(@ForAll("sameFlavorTriples") List<ReplicationPosition> p) {
        assertEquals(p.get(0).merge(p.get(1)).merge(p.get(2)), p.get(0).merge(p.get(1).merge(p.get(2))));
    }

    @Property
    void mergeIsIdempotent(@ForAll("sameFlavorTriples") List<ReplicationPosition> p) {
        assertEquals(p.get(0), p.get(0).merge(p.get(0)));
        ReplicationPosition ab = p.get(0).merge(p.get(1));
        assertEquals(ab, ab.merge(p.get(1)));
    }

    @Property
    void mergeContainsBothOperands(@ForAll("sameFlavorTriples") List<ReplicationPosition> p) {
        ReplicationPosition ab = p.get(0).merge(p.get(1));
        assertTrue(ab.contains(p.get(0)));
        assertTrue(ab.contains(p.get(1)));
    }

    @Property
    void containsIsTheOrderOfMerge(@ForAll("sameFlavorTriples") List<ReplicationPosition> p) {
        assertEquals(p.get(0).contains(p.get(1)), p.get(0).merge(p.get(1)).equals(p.get(0)));
    }

    @Property
    void compareIsConsistentWithContainsAndEquals(@ForAll("sameFlavorTriples") List<ReplicationPosition> p) {
        ReplicationPosition a = p.get(0);
        ReplicationPosition b = p.get(1);
        PositionOrder order = a.compare(b);
        PositionOrder expected = a.contains(b)
                ? (b.contains(a) ? PositionOrder.EQUAL : PositionOrder.AFTER)
                : (b.contains(a) ? PositionOrder.BEFORE : PositionOrder.CONCURRENT);
        assertEquals(expected, order);
        assertEquals(order == PositionOrder.EQUAL, a.equals(b));
        assertEquals(mirror(order), b.compare(a));
    }

    @Property
    void containsIsTransitive(@ForAll("sameFlavorTriples") List<ReplicationPosition> p) {
        ReplicationPosition abc = p.get(0).merge(p.get(1)).merge(p.get(2));
        ReplicationPosition ab = p.get(0).merge(p.get(1));
        assertTrue(abc.contains(ab) && ab.contains(p.get(0)) && abc.contains(p.get(0)));
    }

    @Property
    void renderParsesBackToAnEqualValue(@ForAll("sameFlavorTriples") List<ReplicationPosition> p) {
        for (ReplicationPosition x : p) {
            ReplicationPosition parsed = ReplicationPosition.parse(x.flavor(), x.render());
            assertEquals(x, parsed);
            assertEquals(x.hashCode(), parsed.hashCode());
            assertEquals(x.render(), parsed.render());
            assertEquals(x, ReplicationPosition.fromAvro(x.toAvro()));
        }
    }

    @Property
    void mysqlSetsAgreeWithANaiveSetModel(@ForAll("mysqlTexts") String a, @ForAll("mysqlTexts") String b) {
        MysqlGtidSet x = MysqlGtidSet.parse(a);
        MysqlGtidSet y = MysqlGtidSet.parse(b);
        Set<String> mx = model(a);
        Set<String> my = model(b);
        Set<String> union = new TreeSet<>(mx);
        union.addAll(my);
        assertEquals(union, model(x.merge(y).render()));
        assertEquals(mx.containsAll(my), x.contains(y));
    }

    private static PositionOrder mirror(PositionOrder order) {
        return switch (order) {
            case BEFORE -> PositionOrder.AFTER;
            case AFTER -> PositionOrder.BEFORE;
            default -> order;
        };
    }

    /** Expands a GTID set text of small numbers into its set of {@code uuid[:tag]#n} members. */
    private static Set<String> model(String text) {
        Set<String> members = new TreeSet<>();
        for (String element : text.split(",")) {
            element = element.trim();
            if (element.isEmpty()) {
                continue;
            }
            String[] parts = element.split(":");
            String key = parts[0].toLowerCase();
            for (int i = 1; i < parts.length; i++) {
                String part = parts[i].trim();
                if (!Character.isDigit(part.charAt(0))) {
                    key = parts[0].toLowerCase() + ":" + part.toLowerCase();
                    continue;
                }
                String[] range = part.split("-");
                long lo = Long.parseLong(range[0]);
                long hi = range.length == 1 ? lo : Long.parseLong(range[1]);
                for (long n = lo; n <= hi; n++) {
                    members.add(key + "#" + n);
                }
            }
        }
        return members;
    }

    @Provide
    Arbitrary<List<ReplicationPosition>> sameFlavorTriples() {
        return Arbitraries.oneOf(
                mysqlTexts().map(t -> (ReplicationPosition) MysqlGtidSet.parse(t)).list().ofSize(3),
                mariadbTexts().map(t -> (ReplicationPosition) MariadbGtidPosition.parse(t)).list().ofSize(3),
                vgtids().list().ofSize(3));
    }

    @Provide
    Arbitrary<String> mysqlTexts() {
        Arbitrary<String> interval = Combinators.combine(Arbitraries.longs().between(1, 40),
                Arbitraries.longs().between(0, 6)).as((start, length) -> length == 0 ? "" + start : start + "-" + (start + length));
        Arbitrary<String> tag = Arbitraries.of("", "", "Batch", "tag_2");
        Arbitrary<String> element = Combinators.combine(Arbitraries.of(UUIDS), tag,
                interval.list().ofMinSize(1).ofMaxSize(4)).as((uuid, t, intervals) ->
                uuid + (t.isEmpty() ? "" : ":" + t) + ":" + String.join(":", intervals));
        return element.list().ofMaxSize(4).map(elements -> String.join(",\n", elements));
    }

    @Provide
    Arbitrary<String> mariadbTexts() {
        Arbitrary<String> gtid = Combinators.combine(Arbitraries.longs().between(0, 3), Arbitraries.longs().between(1, 3),
                Arbitraries.longs().between(0, 30)).as((d, s, q) -> d + "-" + s + "-" + q);
        return gtid.list().ofMaxSize(4).map(list -> String.join(",", list));
    }

    /** Shards of a fixed flavor each (a shard's flavor never changes), so merges are always defined. */
    Arbitrary<ReplicationPosition> vgtids() {
        Arbitrary<VitessVgtid.Shard> minus80 = mysqlTexts().map(t ->
                new VitessVgtid.Shard("commerce", "-80", MysqlGtidSet.parse(t)));
        Arbitrary<VitessVgtid.Shard> plus80 = mysqlTexts().map(t ->
                new VitessVgtid.Shard("commerce", "80-", MysqlGtidSet.parse(t)));
        Arbitrary<VitessVgtid.Shard> customer = mariadbTexts().map(t ->
                new VitessVgtid.Shard("customer", "0", MariadbGtidPosition.parse(t)));
        return Combinators.combine(minus80.optional(), plus80.optional(), customer.optional()).as((a, b, c) -> {
            List<VitessVgtid.Shard> shards = new ArrayList<>();
            a.ifPresent(shards::add);
            b.ifPresent(shards::add);
            c.ifPresent(shards::add);
            return VitessVgtid.of(shards);
        });
    }
}
