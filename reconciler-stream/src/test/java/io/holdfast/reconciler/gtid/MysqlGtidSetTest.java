package io.holdfast.reconciler.gtid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.schemas.GtidFlavor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MysqlGtidSetTest {

    static final String A = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
    static final String B = "4f22ab58-82db-22f2-af44-d91bb0530673";

    @Test
    void parsesSingleGtidAsDebeziumWritesIt() {
        MysqlGtidSet set = MysqlGtidSet.parse(A + ":23");
        assertEquals(A + ":23", set.render());
        assertTrue(set.containsGtid(A, 23));
        assertFalse(set.containsGtid(A, 22));
    }

    @Test
    void normalisesCaseOrderOverlapsAndAdjacency() {
        MysqlGtidSet set = MysqlGtidSet.parse(B + ":1-3," + A.toUpperCase() + ":7-9:1-5:6:20:10-12:11");
        assertEquals(A + ":1-12:20," + B + ":1-3", set.render());
    }

    @Test
    void acceptsWhitespaceAndNewlinesAsMysqlPrintsThem() {
        MysqlGtidSet printed = MysqlGtidSet.parse(A + ":1-5,\n" + B + ":1-3\n");
        assertEquals(MysqlGtidSet.parse(A + ":1-5," + B + ":1-3"), printed);
        assertEquals(A + ":1-5," + B + ":1-3", printed.render());
    }

    @Test
    void sameUuidListedTwiceIsOneElement() {
        assertEquals(A + ":1-9", MysqlGtidSet.parse(A + ":1-4," + A + ":5-9").render());
    }

    @Test
    void emptyTextIsTheEmptySet() {
        assertSame(MysqlGtidSet.EMPTY, MysqlGtidSet.parse(""));
        assertSame(MysqlGtidSet.EMPTY, MysqlGtidSet.parse("  \n"));
        assertEquals("", MysqlGtidSet.EMPTY.render());
        assertTrue(MysqlGtidSet.EMPTY.isEmpty());
    }

    @Test
    void tagged84GtidsAreKeptPerTag() {
        MysqlGtidSet set = MysqlGtidSet.parse(A + ":Batch:3-4:1-2, " + A + ":1-5:batch:5");
        assertEquals(A + ":1-5:batch:1-5", set.render());
        assertTrue(set.contains(MysqlGtidSet.parse(A + ":batch:2")));
        assertFalse(set.contains(MysqlGtidSet.parse(A + ":other:2")));
        assertFalse(MysqlGtidSet.parse(A + ":batch:1-5").contains(MysqlGtidSet.parse(A + ":1")));
        assertEquals(set, MysqlGtidSet.parse(set.render()));
    }

    @Test
    void mergeIsUnion() {
        MysqlGtidSet left = MysqlGtidSet.parse(A + ":1-5");
        MysqlGtidSet right = MysqlGtidSet.parse(A + ":6-9:12," + B + ":1");
        assertEquals(A + ":1-9:12," + B + ":1", left.merge(right).render());
    }

    @Test
    void mergeReturnsAnOperandThatAlreadyHoldsEverything() {
        MysqlGtidSet big = MysqlGtidSet.parse(A + ":1-100");
        assertSame(big, big.merge(MysqlGtidSet.parse(A + ":5-7")));
        assertSame(big, MysqlGtidSet.parse(A + ":5-7").merge(big));
    }

    @Test
    void comparesAsSets() {
        MysqlGtidSet base = MysqlGtidSet.parse(A + ":1-5");
        assertEquals(PositionOrder.EQUAL, base.compare(MysqlGtidSet.parse(A.toUpperCase() + ":1-3:4-5")));
        assertEquals(PositionOrder.BEFORE, base.compare(MysqlGtidSet.parse(A + ":1-6")));
        assertEquals(PositionOrder.AFTER, base.compare(MysqlGtidSet.parse(A + ":2-4")));
        assertEquals(PositionOrder.AFTER, base.compare(MysqlGtidSet.EMPTY));
        // a gap: 1-5 does not contain 1-3:7, nor the reverse
        assertEquals(PositionOrder.CONCURRENT, base.compare(MysqlGtidSet.parse(A + ":1-3:7")));
        assertEquals(PositionOrder.CONCURRENT, base.compare(MysqlGtidSet.parse(B + ":1")));
    }

    @Test
    void containmentNeedsEachIntervalInsideOneIntervalAcrossGaps() {
        MysqlGtidSet gappy = MysqlGtidSet.parse(A + ":1-5:10-20");
        assertTrue(gappy.contains(MysqlGtidSet.parse(A + ":2-3:10:15-20")));
        assertFalse(gappy.contains(MysqlGtidSet.parse(A + ":5-10")));
        assertFalse(gappy.contains(MysqlGtidSet.parse(A + ":21")));
    }

    @Test
    void largestTransactionNumberIsAccepted() {
        String max = String.valueOf(Long.MAX_VALUE - 1);
        MysqlGtidSet set = MysqlGtidSet.parse(A + ":1-" + max);
        assertEquals(A + ":1-" + max, set.render());
        assertEquals(set, set.merge(MysqlGtidSet.parse(A + ":" + max)));
    }

    @Test
    void avroRoundTrip() {
        MysqlGtidSet set = MysqlGtidSet.parse(A + ":1-5:7," + B + ":2");
        assertEquals(GtidFlavor.MYSQL, set.toAvro().getFlavor());
        assertEquals(set.render(), set.toAvro().getPosition());
        assertEquals(set, ReplicationPosition.fromAvro(set.toAvro()));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "3e11fa47-71ca-11e1-9e33-c80aa9429562",
        "3e11fa47-71ca-11e1-9e33-c80aa9429562:",
        "3e11fa47-71ca-11e1-9e33-c80aa9429562:0",
        "3e11fa47-71ca-11e1-9e33-c80aa9429562:5-3",
        "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-",
        "3e11fa47-71ca-11e1-9e33-c80aa9429562:-4",
        "3e11fa47-71ca-11e1-9e33-c80aa9429562:1x",
        "3e11fa47-71ca-11e1-9e33-c80aa9429562:1::3",
        "3e11fa47-71ca-11e1-9e33-c80aa9429562:1,",
        ",3e11fa47-71ca-11e1-9e33-c80aa9429562:1",
        "3e11fa47-71ca-11e1-9e33-c80aa9429562:9223372036854775807",
        "3e11fa47-71ca-11e1-9e33-c80aa9429562:99999999999999999999",
        "3e11fa47-71ca-11e1-9e33-c80aa9429562:tag",
        "3e11fa47-71ca-11e1-9e33-c80aa9429562:1:tag",
        "3e11fa47-71ca-11e1-9e33-c80aa9429562:t1:t2:1",
        "3e11fa47-71ca-11e1-9e33-c80aa9429562:9tag:1",
        "3e11fa47-71ca-11e1-9e33-c80aa9429562:a_tag_that_is_longer_than_32_chars:1",
        "3e11fa4771ca11e19e33c80aa9429562:1",
        "3e11fa47-71ca-11e1-9e33-c80aa942956g:1",
        "0-1-100",
        "not a gtid"
    })
    void rejectsMalformedSetsNamingTheText(String text) {
        MalformedPositionException e = assertThrows(MalformedPositionException.class,
                () -> ReplicationPosition.parse(GtidFlavor.MYSQL, text));
        assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
    }

    @Test
    void rejectsNullAndUnknownFlavor() {
        assertThrows(MalformedPositionException.class, () -> ReplicationPosition.parse(GtidFlavor.MYSQL, null));
        assertThrows(MalformedPositionException.class, () -> ReplicationPosition.parse(GtidFlavor.UNKNOWN, A + ":1"));
    }

    @Test
    void refusesToCombineFlavors() {
        MysqlGtidSet set = MysqlGtidSet.parse(A + ":1");
        MariadbGtidPosition maria = MariadbGtidPosition.parse("0-1-1");
        assertThrows(IllegalArgumentException.class, () -> set.merge(maria));
        assertThrows(IllegalArgumentException.class, () -> set.contains(maria));
        assertThrows(IllegalArgumentException.class, () -> set.compare(maria));
    }
}
