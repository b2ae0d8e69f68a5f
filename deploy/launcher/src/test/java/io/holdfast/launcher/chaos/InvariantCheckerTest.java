package io.holdfast.launcher.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.connectors.fleet.Promotion;
import io.holdfast.connectors.writer.StoppedAfter;
import io.holdfast.connectors.writer.WriteResult;
import io.holdfast.launcher.internal.SimulatorConsole;
import io.holdfast.reconciler.cdc.ChangeEvent;
import io.holdfast.reconciler.cdc.ChangeEventParser;
import io.holdfast.schemas.FleetCommand;
import io.holdfast.schemas.FleetCommandType;
import io.holdfast.schemas.ReparentMode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The checker on histories and ledgers with one violation planted each: it must name it. And on the clean
 * versions of the same: it must find nothing (a checker that always complains would pass the first half).
 */
class InvariantCheckerTest {

    private static final ChangeEventParser PARSER = new ChangeEventParser();
    private static final InvariantChecker.FleetRules RULES = new InvariantChecker.FleetRules(1_000, Duration.ofSeconds(20));
    private static final Instant DECIDED = Instant.parse("2026-12-07T10:00:00Z");

    // ----- the binlog history -----

    /** A MariaDB connector change event of entity_heads, at GTID 0-1-{@code seq}. */
    private static ChangeEvent head(String op, String entity, Long before, long after, long seq) {
        String source = """
                {"version":"3.5.0.Final","connector":"mariadb","name":"holdfast","ts_ms":1733490000000,"snapshot":"false",
                 "db":"holdfast","table":"entity_heads","server_id":1,"gtid":"0-1-%d","file":"mysql-bin.000001","pos":%d,"row":0}"""
                .formatted(seq, 1000 + seq);
        String row = "{\"entity_id\":\"%s\",\"head_revision\":%d,\"updated_at\":1733490000123}";
        String value = """
                {"before":%s,"after":%s,"source":%s,"op":"%s","ts_ms":1733490000236}"""
                .formatted(before == null ? "null" : row.formatted(entity, before), row.formatted(entity, after), source, op);
        return PARSER.parse("{\"entity_id\":\"" + entity + "\"}", value);
    }

    private static ChangeEvent revision(String op, String entity, long revision, long seq) {
        String source = """
                {"version":"3.5.0.Final","connector":"mariadb","name":"holdfast","ts_ms":1733490000000,"snapshot":"false",
                 "db":"holdfast","table":"revisions","server_id":1,"gtid":"0-1-%d","file":"mysql-bin.000001","pos":%d,"row":0}"""
                .formatted(seq, 1000 + seq);
        String row = """
                {"entity_id":"%s","revision":%d,"content_hash":"sha256:00","object_key":"snapshots/%s/%d","size_bytes":10,
                 "created_at":1733490000123}""".formatted(entity, revision, entity, revision);
        String value = """
                {"before":%s,"after":%s,"source":%s,"op":"%s","ts_ms":1733490000236}"""
                .formatted(op.equals("c") ? "null" : row, row, source, op);
        return PARSER.parse("{\"entity_id\":\"" + entity + "\",\"revision\":" + revision + "}", value);
    }

    @Test
    void aCleanHistoryHasNoProblemEvenWhenRedeliveredOutOfOrder() {
        // Debezium redelivers after a crash: the same changes again, later on the topic; GTID order is the history.
        List<ChangeEvent> heads = List.of(head("c", "e1", null, 1, 10), head("u", "e1", 1L, 2, 12), head("u", "e1", 2L, 3, 14),
                head("u", "e1", 1L, 2, 12));
        InvariantChecker.BinlogHistory h = InvariantChecker.binlogHistory(heads, List.of(revision("c", "e1", 1, 9), revision("c", "e1", 2, 11)));
        assertEquals(List.of(), h.problems());
        assertEquals(4, h.headChanges());
        assertEquals(2, h.rowChanges());
    }

    @Test
    void aHeadWrittenBackwardIsReported() {
        // What `UPDATE entity_heads SET head_revision = 2 WHERE entity_id = 'e1'` on a head at 3 looks like in the binlog.
        List<ChangeEvent> heads = List.of(head("c", "e1", null, 1, 10), head("u", "e1", 1L, 3, 12), head("u", "e1", 3L, 2, 20));
        List<String> problems = InvariantChecker.binlogHistory(heads, List.of()).problems();
        assertTrue(problems.contains("head of e1 moved backward from 3 to 2"), problems.toString());
        assertTrue(problems.contains("head of e1 went from 3 to 2 in binlog order"), problems.toString());
    }

    @Test
    void aHeadThatGoesBackAcrossEventsIsReportedInGtidOrder() {
        // Each event alone moves forward (its before image is stale), but in GTID order the head went 5 -> 4.
        List<ChangeEvent> heads = List.of(head("u", "e2", 1L, 5, 30), head("u", "e2", 1L, 4, 31));
        assertEquals(List.of("head of e2 went from 5 to 4 in binlog order"), InvariantChecker.binlogHistory(heads, List.of()).problems());
    }

    @Test
    void aRevisionRowUpdatedOrDeletedAfterItsInsertIsReported() {
        List<String> problems = InvariantChecker.binlogHistory(List.of(), List.of(revision("c", "e1", 1, 9), revision("u", "e1", 1, 15)))
                .problems();
        assertEquals(List.of("revision row e1/1 was updated after its insert"), problems);
    }

    // ----- the planted writer faults -----

    @Test
    void aPlantedWriteStopIsAccountedForOnlyWhenRowTagAndHeadAreThere() {
        List<WriteResult> planted = List.of(new WriteResult("e1", 2, "sha256:aa", StoppedAfter.S3, 0),
                new WriteResult("e2", 1, "sha256:bb", StoppedAfter.HEAD, 0));
        Map<String, Set<Long>> rows = Map.of("e1", Set.of(1L, 2L), "e2", Set.of(1L));
        assertEquals(List.of(), InvariantChecker.writerFaults(planted, rows, Map.of("e1", 2L, "e2", 1L), key -> true, "snapshots/"));

        List<String> problems = InvariantChecker.writerFaults(planted, Map.of("e2", Set.of(1L)), Map.of("e1", 1L, "e2", 1L),
                key -> !key.equals("snapshots/e2/1"), "snapshots/");
        assertEquals(List.of("write of e1/2 stopped after s3: its revision row was never replayed",
                "write of e1/2 stopped after s3: the head is 1, behind it",
                "write of e2/1 stopped after head: its snapshot is not tagged published"), problems);
    }

    // ----- the fleet -----

    private static final String CLEAN_LEDGER = """
            injected #1 DEGRADED_PRIMARY at 10:00:00.000 for 90 s on zone1-0000000100
            #1 DEGRADED_PRIMARY commerce/-20 onset 09:59:50.000 impact 6.1 s, 1 reparent(s), replacement provisioned, degraded volume retired
            #2 DEGRADED_REPLICA commerce/20-40 onset 10:01:00.000 impact 0.0 s, 0 reparent(s), replacement provisioned, degraded volume retired
            PROMOTED commerce/-20 zone2-0000000101 term 2 at 2026-12-07T10:00:03Z planned command r1 lag 45 ms volume healthy
            split-brain moments: none
            ledger: end
            """;

    private static Map<String, FleetCommand> reparent(String id) {
        return Map.of(id, FleetCommand.newBuilder().setCommandId(id).setType(FleetCommandType.REPARENT).setKeyspace("commerce")
                .setShard("-20").setReparentMode(ReparentMode.PLANNED).setNewPrimary("zone2-0000000101").setExpectedPrimary("zone1-0000000100")
                .setExpectedPrimaryTerm(1L).setDecidedTime(DECIDED).setWorkflowId("w1").setDeadlineTime(DECIDED.plusSeconds(60)).build());
    }

    @Test
    void theConsolesPromotionLinesAreWhatTheCheckerReads() {
        String healthy = SimulatorConsole.promotionLine(new Promotion("commerce/-20", "zone2-0000000101", 2, Instant.parse("2026-12-07T10:00:03.250Z"),
                "r1", false, 45, Optional.empty()));
        String sick = SimulatorConsole.promotionLine(new Promotion("commerce/-20", "zone3-0000000102", 3, Instant.parse("2026-12-07T10:05:00Z"),
                "r2", true, 7000, Optional.of(Instant.parse("2026-12-07T10:04:00Z"))));
        SimulatorLedger ledger = SimulatorLedger.parse(healthy + "\n" + sick + "\nsplit-brain moments: none\n");
        assertEquals(2, ledger.promotions().size());
        SimulatorLedger.Promotion a = ledger.promotions().get(0);
        assertEquals(List.of("commerce/-20", "zone2-0000000101", 2L, "r1", false, 45L, Optional.empty()),
                List.of(a.shardKey(), a.tabletAlias(), a.term(), a.commandId(), a.emergency(), a.lagMillis(), a.impairedSince()));
        assertEquals(Instant.parse("2026-12-07T10:00:03.250Z"), a.at());
        SimulatorLedger.Promotion b = ledger.promotions().get(1);
        assertEquals(List.of(true, 7000L, Optional.of(Instant.parse("2026-12-07T10:04:00Z"))), List.of(b.emergency(), b.lagMillis(),
                b.impairedSince()));
    }

    @Test
    void aCleanLedgerHasNoProblem() {
        SimulatorLedger ledger = SimulatorLedger.parse(CLEAN_LEDGER);
        assertEquals(2, ledger.entries().size());
        assertEquals(1, ledger.promotions().size());
        assertEquals(List.of(), InvariantChecker.fleet(ledger, reparent("r1"), List.of(1L, 2L), RULES));
    }

    @Test
    void onlyTheLastLedgerAnswerCounts() {
        String earlier = "#1 DEGRADED_PRIMARY commerce/-20 onset 09:59:50.000 impact still open, 0 reparent(s), replacement not provisioned, "
                + "degraded volume not retired\nsplit-brain moments: none\nledger: end\n";
        SimulatorLedger ledger = SimulatorLedger.parse(earlier + "12:00:00 INFO some log line\n" + CLEAN_LEDGER);
        assertEquals(2, ledger.entries().size());
        assertTrue(ledger.entries().get(0).repaired());
    }

    @Test
    void twoWritablePrimariesAreReported() {
        SimulatorLedger ledger = SimulatorLedger.parse(CLEAN_LEDGER.replace("split-brain moments: none",
                "SPLIT BRAIN commerce/-20 from 10:00:01.000 until 10:00:02.000: zone1-0000000100, zone2-0000000101"));
        List<String> problems = InvariantChecker.fleet(ledger, reparent("r1"), List.of(1L, 2L), RULES);
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("two writable primaries: SPLIT BRAIN commerce/-20"), problems.toString());
    }

    @Test
    void anEpisodeWithTwoReparentsIsReported() {
        SimulatorLedger ledger = SimulatorLedger.parse(CLEAN_LEDGER.replace("1 reparent(s)", "2 reparent(s)"));
        List<String> problems = InvariantChecker.fleet(ledger, reparent("r1"), List.of(1L, 2L), RULES);
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("episode #1 on commerce/-20 caused 2 reparents"), problems.toString());
    }

    @Test
    void promotingACandidateDegradedBeforeTheDecisionIsReported() {
        SimulatorLedger ledger = SimulatorLedger.parse(CLEAN_LEDGER.replace("lag 45 ms volume healthy",
                "lag 900 ms volume impaired since 2026-12-07T09:59:00Z"));
        List<String> problems = InvariantChecker.fleet(ledger, reparent("r1"), List.of(1L, 2L), RULES);
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("whose volume was impaired since 2026-12-07T09:59:00Z"), problems.toString());
    }

    @Test
    void aCandidateDegradedTooLateToBeSeenIsNotHeldAgainstTheDecision() {
        // Its volume began to degrade 5 s before the decision: no classifier could have known; its lag grew since.
        SimulatorLedger ledger = SimulatorLedger.parse(CLEAN_LEDGER.replace("lag 45 ms volume healthy",
                "lag 4000 ms volume impaired since 2026-12-07T09:59:55Z"));
        assertEquals(List.of(), InvariantChecker.fleet(ledger, reparent("r1"), List.of(1L, 2L), RULES));
    }

    @Test
    void promotingALaggingCandidateIsReported() {
        SimulatorLedger ledger = SimulatorLedger.parse(CLEAN_LEDGER.replace("lag 45 ms", "lag 5000 ms"));
        List<String> problems = InvariantChecker.fleet(ledger, reparent("r1"), List.of(1L, 2L), RULES);
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("lagging 5000 ms (SLO 1000 ms)"), problems.toString());
    }

    @Test
    void aPromotionHoldfastNeverAskedForIsReported() {
        List<String> problems = InvariantChecker.fleet(SimulatorLedger.parse(CLEAN_LEDGER), reparent("other"), List.of(1L, 2L), RULES);
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("promotion of zone2-0000000101 by a command that is not a reparent"), problems.toString());
    }

    @Test
    void aPlantedDegradationNotRepairedOrMissingIsReported() {
        SimulatorLedger ledger = SimulatorLedger.parse(CLEAN_LEDGER.replace("0 reparent(s), replacement provisioned, degraded volume retired",
                "0 reparent(s), replacement provisioned, degraded volume not retired"));
        List<String> problems = InvariantChecker.fleet(ledger, reparent("r1"), List.of(1L, 2L, 3L), RULES);
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("injected degradation #2 on commerce/20-40 not repaired"), problems.toString());
        assertEquals("injected degradation #3 is not in the simulator's ledger", problems.get(1));
    }
}
