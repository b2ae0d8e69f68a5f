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

class MariadbGtidPositionTest {

    @Test
    void parsesAndRendersCanonically() {
        MariadbGtidPosition position = MariadbGtidPosition.parse(" 1-2-5 ,\n0-1-100");
        assertEquals("0-1-100,1-2-5", position.render());
        assertEquals(100, position.seq(0));
        assertEquals(1, position.serverId(0));
        assertEquals(-1, position.seq(7));
    }

    @Test
    void singleGtidAsTheDebeziumMariadbConnectorWritesIt() {
        assertEquals(MariadbGtidPosition.of(0, 1, 47), MariadbGtidPosition.parse("0-1-47"));
    }

    @Test
    void repeatedDomainKeepsTheHighestSeqAndItsServer() {
        // gtid_binlog_state lists one GTID per (domain, server)
        assertEquals("0-2-105", MariadbGtidPosition.parse("0-1-100,0-2-105,0-3-7").render());
    }

    @Test
    void mergeIsPerDomainMaxBySeqKeepingTheWinningServer() {
        MariadbGtidPosition left = MariadbGtidPosition.parse("0-1-100,1-2-5");
        MariadbGtidPosition right = MariadbGtidPosition.parse("0-3-120,2-9-1");
        assertEquals("0-3-120,1-2-5,2-9-1", left.merge(right).render());
    }

    @Test
    void failoverToAnotherServerStillAdvancesByDomainSeq() {
        MariadbGtidPosition before = MariadbGtidPosition.parse("0-1-100");
        MariadbGtidPosition after = MariadbGtidPosition.parse("0-2-101");
        assertEquals(PositionOrder.BEFORE, before.compare(after));
        assertSame(after, before.merge(after));
    }

    @Test
    void domainsAreIndependent() {
        MariadbGtidPosition a = MariadbGtidPosition.parse("0-1-10,1-1-5");
        MariadbGtidPosition b = MariadbGtidPosition.parse("0-1-9,1-1-6");
        assertEquals(PositionOrder.CONCURRENT, a.compare(b));
        assertEquals(PositionOrder.AFTER, a.compare(MariadbGtidPosition.parse("0-1-10")));
        assertEquals(PositionOrder.BEFORE, MariadbGtidPosition.parse("1-1-5").compare(a));
        assertEquals(PositionOrder.EQUAL, a.compare(MariadbGtidPosition.parse("1-1-5,0-1-10")));
    }

    @Test
    void equalSeqFromTwoServersIsOrderedByServerSoCompareMatchesEquals() {
        MariadbGtidPosition one = MariadbGtidPosition.parse("0-1-50");
        MariadbGtidPosition two = MariadbGtidPosition.parse("0-2-50");
        assertEquals(PositionOrder.BEFORE, one.compare(two));
        assertEquals(two, one.merge(two));
        assertEquals(two, two.merge(one));
    }

    @Test
    void emptyPosition() {
        assertSame(MariadbGtidPosition.EMPTY, MariadbGtidPosition.parse(""));
        assertTrue(MariadbGtidPosition.EMPTY.isEmpty());
        assertTrue(MariadbGtidPosition.parse("0-1-1").contains(MariadbGtidPosition.EMPTY));
        assertFalse(MariadbGtidPosition.EMPTY.contains(MariadbGtidPosition.parse("0-1-1")));
    }

    @Test
    void limits() {
        String max = "4294967295-4294967295-9223372036854775807";
        assertEquals(max, MariadbGtidPosition.parse(max).render());
        assertThrows(IllegalArgumentException.class, () -> MariadbGtidPosition.of(-1, 1, 1));
    }

    @Test
    void avroRoundTrip() {
        MariadbGtidPosition position = MariadbGtidPosition.parse("0-1-100,1-2-5");
        assertEquals(GtidFlavor.MARIADB, position.toAvro().getFlavor());
        assertEquals(position, ReplicationPosition.fromAvro(position.toAvro()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0-1", "0-1-", "-1-2-3", "0-1-2-3", "0-1-x", "a-b-c", "0-1-100,", ",0-1-100",
        "0-1-100,,1-1-1", "4294967296-1-1", "0-4294967296-1", "0-1-9223372036854775808", "0 1 100",
        "3e11fa47-71ca-11e1-9e33-c80aa9429562:1"})
    void rejectsMalformedPositionsNamingTheText(String text) {
        MalformedPositionException e = assertThrows(MalformedPositionException.class,
                () -> ReplicationPosition.parse(GtidFlavor.MARIADB, text));
        assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
    }
}
