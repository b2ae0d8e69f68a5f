package io.holdfast.connectors.fleet;

import static io.holdfast.connectors.fleet.FleetCommands.reparent;
import static io.holdfast.connectors.fleet.FleetCommands.targeted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.schemas.CommandOutcome;
import io.holdfast.schemas.CommandResult;
import io.holdfast.schemas.FleetCommand;
import io.holdfast.schemas.FleetCommandType;
import io.holdfast.schemas.MetricSource;
import io.holdfast.schemas.ReparentMode;
import io.holdfast.schemas.TabletRecord;
import io.holdfast.schemas.TabletRole;
import io.holdfast.schemas.VolumeMetric;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The simulator's state machine on a {@link ManualTime}: every delay is fixed so that each
 * assertion can name the millisecond at which something happens.
 */
class FleetSimulatorTest {

    private static final long START = 1_700_000_000_000L;
    private static final long PLANNED = 2_000;
    private static final long EMERGENCY = 3_000;
    private static final long FENCE = 1_000;
    private static final long PROVISION = 60_000;
    private static final long RETIRE = 2_000;
    private static final long CATCH_UP = 10_000;
    private static final long RECONNECT = 4_000;
    private static final long DEADLINE = START + 3_600_000;

    private static final String SHARD = "-55";
    private static final String PRIMARY = "zone1-0000000100";
    private static final String REPLICA_2 = "zone2-0000000101";
    private static final String REPLICA_3 = "zone3-0000000102";

    private ManualTime time;
    private RecordingSink sink;
    private FleetSimulator sim;

    @BeforeEach
    void startFleet() {
        time = new ManualTime(START);
        sink = new RecordingSink();
        sim = fleet(3).start();
    }

    @AfterEach
    void stopFleet() {
        sim.close();
    }

    private FleetSimulator.Builder fleet(int shards) {
        return FleetSimulator.builder().shards(shards).time(time).sink(sink).seed(7)
                .delay(SimulatedOperation.PLANNED_REPARENT, Duration.ofMillis(PLANNED), Duration.ofMillis(PLANNED))
                .delay(SimulatedOperation.EMERGENCY_REPARENT, Duration.ofMillis(EMERGENCY), Duration.ofMillis(EMERGENCY))
                .delay(SimulatedOperation.FENCE, Duration.ofMillis(FENCE), Duration.ofMillis(FENCE))
                .delay(SimulatedOperation.PROVISION, Duration.ofMillis(PROVISION), Duration.ofMillis(PROVISION))
                .delay(SimulatedOperation.RETIRE, Duration.ofMillis(RETIRE), Duration.ofMillis(RETIRE))
                .delay(SimulatedOperation.CATCH_UP, Duration.ofMillis(CATCH_UP), Duration.ofMillis(CATCH_UP))
                .delay(SimulatedOperation.RECONNECT, Duration.ofMillis(RECONNECT), Duration.ofMillis(RECONNECT));
    }

    private long now() {
        return time.nowMillis();
    }

    private void advance(long millis) {
        time.advanceBy(Duration.ofMillis(millis));
    }

    private static CommandResult answer(CompletableFuture<Optional<CommandResult>> future) {
        assertTrue(future.isDone(), "answered by now");
        return future.join().orElseThrow(() -> new AssertionError("an answer, not silence"));
    }

    private FleetCommand planned(String id, String newPrimary, String expectedPrimary, long term) {
        return reparent(id, SHARD, ReparentMode.PLANNED, newPrimary, expectedPrimary, term, now(), DEADLINE);
    }

    // ----- the fleet's shape and what it publishes -----

    @Test
    void shardsTabletsCellsAndNodesFollowTheLayout() {
        assertEquals(List.of("-55", "55-aa", "aa-"), sim.shardNames());
        FleetSimulator.ShardState shard = sim.shard(SHARD);
        assertEquals(PRIMARY, shard.primary());
        assertEquals(1, shard.primaryTerm());
        assertEquals(List.of(PRIMARY, REPLICA_2, REPLICA_3), shard.tablets().stream().map(TabletRecord::getTabletAlias).sorted().toList());
        for (TabletRecord tablet : sim.tablets()) {
            assertEquals("vol-" + tablet.getTabletAlias(), tablet.getVolumeId());
            assertTrue(tablet.getTabletAlias().startsWith(tablet.getCell() + "-"), tablet.toString());
            assertTrue(tablet.getServing() && tablet.getReachable(), tablet.toString());
            boolean first = tablet.getTabletAlias().endsWith("00");
            assertEquals(first ? TabletRole.PRIMARY : TabletRole.REPLICA, tablet.getRole());
            if (first) {
                assertNull(tablet.getReplicationLagMs(), "a primary has no lag");
            } else {
                assertTrue(tablet.getReplicationLagMs() >= 10 && tablet.getReplicationLagMs() <= 80, tablet.toString());
            }
        }
        assertEquals(9, sink.latest().size(), "every tablet published at start");
    }

    @Test
    void volumesShareNodesOfAboutSixAcrossShardsWithinACell() {
        sim.close();
        sim = fleet(30).start();
        Map<String, List<TabletRecord>> byNode = sim.tablets().stream().collect(Collectors.groupingBy(TabletRecord::getNode));
        assertEquals(15, byNode.size(), "90 volumes in 3 cells of 30: 5 nodes of 6 per cell");
        for (List<TabletRecord> onNode : byNode.values()) {
            assertEquals(6, onNode.size());
            assertEquals(1, onNode.stream().map(TabletRecord::getCell).distinct().count(), "a node is in one cell");
            assertTrue(onNode.stream().map(TabletRecord::getShard).distinct().count() > 1, "a node mixes shards");
        }
    }

    @Test
    void everyAttachedVolumePublishesOneSampleAPeriodAtWallClockEventTime() {
        advance(3_000);
        assertEquals(27, sink.metrics.size(), "9 volumes x 3 periods");
        List<VolumeMetric> series = sink.metricsOf("vol-" + PRIMARY);
        assertEquals(List.of(START + 1_000, START + 2_000, START + 3_000),
                series.stream().map(m -> m.getEventTime().toEpochMilli()).toList());
        VolumeMetric sample = series.get(0);
        assertEquals(MetricSource.SIMULATOR, sample.getSource());
        assertEquals("zone1", sample.getCell());
        assertEquals(sample.getNode(), sample.getPeerGroup(), "peer group = node");
        assertFalse(sample.getStalled());
    }

    @Test
    void tabletsAreRepublishedAtEachRefresh() {
        int before = sink.tablets.size();
        advance(5_000);
        assertEquals(before + 9, sink.tablets.size(), "one refresh of every tablet after 5 s");
        assertTrue(sink.tablets.subList(before, sink.tablets.size()).stream()
                .allMatch(t -> t.getUpdatedTime().toEpochMilli() == START + 5_000));
    }

    // ----- reparents and their compare-and-set -----

    @Test
    void aPlannedReparentPromotesTheCandidateAndMovesTheTermOn() {
        CompletableFuture<Optional<CommandResult>> answer = sim.execute(planned("c1", REPLICA_2, PRIMARY, 1));
        advance(PLANNED - 1);
        assertFalse(answer.isDone(), "a planned reparent takes its time");
        assertEquals(PRIMARY, sim.shard(SHARD).primary());
        advance(1);

        CommandResult result = answer(answer);
        assertEquals(CommandOutcome.SUCCEEDED, result.getOutcome());
        assertEquals("commerce/-55", result.getTarget());
        assertEquals(FleetSimulator.EXECUTOR_NAME, result.getExecutor());
        assertEquals(Map.of("new_primary", REPLICA_2, "old_primary", PRIMARY, "primary_term", "2"), result.getObserved());
        assertEquals(START, result.getStartedTime().toEpochMilli());
        assertEquals(START + PLANNED, result.getFinishedTime().toEpochMilli());

        FleetSimulator.ShardState shard = sim.shard(SHARD);
        assertEquals(REPLICA_2, shard.primary());
        assertEquals(2, shard.primaryTerm());
        TabletRecord old = sink.latest().get(PRIMARY);
        assertEquals(TabletRole.REPLICA, old.getRole());
        assertTrue(old.getServing(), "a planned reparent leaves the old primary serving as a replica");
        TabletRecord promoted = sink.latest().get(REPLICA_2);
        assertEquals(TabletRole.PRIMARY, promoted.getRole());
        assertNull(promoted.getReplicationLagMs());
        for (TabletRecord tablet : shard.tablets()) {
            assertEquals(2, tablet.getPrimaryTerm(), "every reachable tablet sees the new term");
            assertEquals(START + PLANNED, tablet.getPrimaryTermStartTime().toEpochMilli());
        }
    }

    @Test
    void theTermMovesOnWithEveryReparentAndAStaleTermIsRefused() {
        sim.execute(planned("c1", REPLICA_2, PRIMARY, 1));
        advance(PLANNED);
        CompletableFuture<Optional<CommandResult>> stale = sim.execute(planned("c2", REPLICA_3, REPLICA_2, 1));
        assertEquals(CommandOutcome.REJECTED_PRECONDITION, answer(stale).getOutcome(), "refused at once, before any delay");
        assertTrue(answer(stale).getMessage().contains("term"), answer(stale).getMessage());

        CompletableFuture<Optional<CommandResult>> second = sim.execute(planned("c3", REPLICA_3, REPLICA_2, 2));
        advance(PLANNED);
        assertEquals(CommandOutcome.SUCCEEDED, answer(second).getOutcome());
        assertEquals("3", answer(second).getObserved().get("primary_term"));
        assertEquals(3, sim.shard(SHARD).primaryTerm());
    }

    @Test
    void aReparentIsRefusedWhenTheExpectedPrimaryOrTheCandidateDoNotHold() {
        CommandResult wrongPrimary = answer(sim.execute(planned("c1", REPLICA_2, REPLICA_3, 1)));
        assertEquals(CommandOutcome.REJECTED_PRECONDITION, wrongPrimary.getOutcome());
        assertTrue(wrongPrimary.getMessage().contains("is " + PRIMARY), wrongPrimary.getMessage());

        CommandResult promoteThePrimary = answer(sim.execute(planned("c2", PRIMARY, PRIMARY, 1)));
        assertEquals(CommandOutcome.REJECTED_PRECONDITION, promoteThePrimary.getOutcome());
        assertTrue(promoteThePrimary.getMessage().contains("not a serving REPLICA"), promoteThePrimary.getMessage());

        CommandResult otherShard = answer(sim.execute(planned("c3", "zone2-0000000201", PRIMARY, 1)));
        assertEquals(CommandOutcome.REJECTED_PRECONDITION, otherShard.getOutcome());

        sim.execute(targeted("f1", FleetCommandType.FENCE, SHARD, REPLICA_3, now(), DEADLINE));
        advance(FENCE);
        CommandResult fencedCandidate = answer(sim.execute(planned("c4", REPLICA_3, PRIMARY, 1)));
        assertEquals(CommandOutcome.REJECTED_PRECONDITION, fencedCandidate.getOutcome(), "a fenced replica does not serve");

        assertEquals(PRIMARY, sim.shard(SHARD).primary());
        assertEquals(1, sim.shard(SHARD).primaryTerm());
        assertEquals(0, sim.commandCounts().executed(FleetCommandType.REPARENT), "refused commands are not executed");
        assertEquals(4, sim.commandCounts().outcome(CommandOutcome.REJECTED_PRECONDITION));
    }

    @Test
    void anUnspecifiedModeOrUnknownTypeFailsAndChangesNothing() {
        CommandResult unspecified = answer(sim.execute(reparent("c1", SHARD, ReparentMode.UNSPECIFIED, REPLICA_2, PRIMARY, 1, now(), DEADLINE)));
        assertEquals(CommandOutcome.FAILED, unspecified.getOutcome());
        CommandResult unknown = answer(sim.execute(FleetCommands.base("c2", FleetCommandType.UNKNOWN, SHARD, now(), DEADLINE).build()));
        assertEquals(CommandOutcome.FAILED, unknown.getOutcome());
        assertEquals(PRIMARY, sim.shard(SHARD).primary());
    }

    @Test
    void aPlannedReparentOfAnUnreachablePrimaryFails() {
        sim.stallPrimary(SHARD, Duration.ofMinutes(1));
        CompletableFuture<Optional<CommandResult>> answer = sim.execute(planned("c1", REPLICA_2, PRIMARY, 1));
        advance(PLANNED);
        assertEquals(CommandOutcome.FAILED, answer(answer).getOutcome());
        assertTrue(answer(answer).getMessage().contains("did not answer"), answer(answer).getMessage());
        assertEquals(PRIMARY, sim.shard(SHARD).primary());
    }

    // ----- idempotency, deadlines and injected command faults -----

    @Test
    void aDuplicateCommandIdIsExecutedOnceAndGetsTheFirstAnswer() {
        FleetCommand command = planned("dup", REPLICA_2, PRIMARY, 1);
        CompletableFuture<Optional<CommandResult>> first = sim.execute(command);
        CompletableFuture<Optional<CommandResult>> whileRunning = sim.execute(command);
        assertSame(first, whileRunning);
        advance(PLANNED);
        CompletableFuture<Optional<CommandResult>> afterwards = sim.execute(command);
        advance(PLANNED);

        assertEquals(answer(first), answer(afterwards));
        assertEquals(CommandOutcome.SUCCEEDED, answer(afterwards).getOutcome(), "not re-run against the new state (it would be refused)");
        assertEquals(2, sim.shard(SHARD).primaryTerm(), "one reparent");
        CommandCounts counts = sim.commandCounts();
        assertEquals(1, counts.executed(FleetCommandType.REPARENT));
        assertEquals(2, counts.duplicates());
    }

    @Test
    void aCommandPastItsDeadlineIsNotStarted() {
        FleetCommand late = reparent("late", SHARD, ReparentMode.PLANNED, REPLICA_2, PRIMARY, 1, now() - 10_000, now() - 1);
        CommandResult result = answer(sim.execute(late));
        assertEquals(CommandOutcome.TIMED_OUT, result.getOutcome());
        assertEquals(PRIMARY, sim.shard(SHARD).primary());

        // One command at a time per shard: the second waits for the first and misses its deadline meanwhile.
        sim.execute(targeted("slow", FleetCommandType.PROVISION_VOLUME, SHARD, REPLICA_3, now(), DEADLINE));
        CompletableFuture<Optional<CommandResult>> queued = sim.execute(
                reparent("queued", SHARD, ReparentMode.PLANNED, REPLICA_2, PRIMARY, 1, now(), now() + 5_000));
        advance(PROVISION);
        assertEquals(CommandOutcome.TIMED_OUT, answer(queued).getOutcome());
        assertEquals(1, sim.shard(SHARD).primaryTerm());
        assertEquals(0, sim.commandCounts().executed(FleetCommandType.REPARENT));
    }

    @Test
    void toldToFailOrTimeOutTheNextCommandOfATypeItDoesSoOnceAndChangesNothing() {
        sim.failNext(FleetCommandType.REPARENT, "commerce/-55");
        sim.timeOutNext(FleetCommandType.FENCE, null);
        sim.failNext(FleetCommandType.REPARENT, "aa-");

        CompletableFuture<Optional<CommandResult>> failed = sim.execute(planned("c1", REPLICA_2, PRIMARY, 1));
        CompletableFuture<Optional<CommandResult>> silent = sim.execute(
                targeted("f1", FleetCommandType.FENCE, "55-aa", "zone1-0000000200", now(), DEADLINE));
        advance(PLANNED);
        assertEquals(CommandOutcome.FAILED, answer(failed).getOutcome());
        assertTrue(answer(failed).getMessage().contains("injected"), answer(failed).getMessage());
        assertEquals(PRIMARY, sim.shard(SHARD).primary(), "a failed reparent changes nothing");
        assertTrue(silent.isDone());
        assertEquals(Optional.empty(), silent.join(), "no answer");
        assertTrue(sim.shard("55-aa").tablet("zone1-0000000200").orElseThrow().getServing(), "the unanswered fence did nothing");

        CompletableFuture<Optional<CommandResult>> retried = sim.execute(planned("c2", REPLICA_2, PRIMARY, 1));
        advance(PLANNED);
        assertEquals(CommandOutcome.SUCCEEDED, answer(retried).getOutcome(), "the fault was for one command only");
        CommandCounts counts = sim.commandCounts();
        assertEquals(1, counts.unanswered());
        assertEquals(2, counts.executed(FleetCommandType.REPARENT));
    }

    @Test
    void aFaultForAShardTheFleetDoesNotHaveIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sim.failNext(FleetCommandType.REPARENT, "-8O"));
        assertTrue(e.getMessage().contains("no shard '-8O'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> sim.timeOutNext(FleetCommandType.FENCE, "other/-55"));
        sim.timeOutNext(FleetCommandType.FENCE, "commerce/-55");
    }

    // ----- provisioning, catch-up and retirement -----

    @Test
    void aReplacementAppearsCatchingUpThenServesAndTheDegradedVolumeIsRetired() {
        Injection injection = sim.degradePrimary(SHARD, Duration.ofMinutes(5), 300);
        sim.execute(planned("r", REPLICA_2, PRIMARY, 1));
        advance(PLANNED);

        CompletableFuture<Optional<CommandResult>> retirePrimary = sim.execute(
                targeted("retire-new-primary", FleetCommandType.RETIRE_VOLUME, SHARD, REPLICA_2, now(), DEADLINE));
        assertEquals(CommandOutcome.REJECTED_PRECONDITION, answer(retirePrimary).getOutcome(), "the primary is never retired");

        CompletableFuture<Optional<CommandResult>> provision = sim.execute(
                targeted("p", FleetCommandType.PROVISION_VOLUME, SHARD, PRIMARY, now(), DEADLINE));
        advance(PROVISION);
        CommandResult provisioned = answer(provision);
        assertEquals(CommandOutcome.SUCCEEDED, provisioned.getOutcome());
        String fresh = provisioned.getObserved().get("tablet_alias");
        assertEquals("zone1-0000000400", fresh, "next uid after the initial ones, in the replaced tablet's cell");
        assertEquals("vol-" + fresh, provisioned.getObserved().get("volume_id"));
        TabletRecord appeared = sink.latest().get(fresh);
        assertEquals(TabletRole.REPLICA, appeared.getRole());
        assertFalse(appeared.getServing());
        assertTrue(appeared.getReplicationLagMs() > 3_000_000, "restoring: far behind");
        assertEquals(2, appeared.getPrimaryTerm());

        advance(CATCH_UP / 2);
        assertFalse(sim.shard(SHARD).tablet(fresh).orElseThrow().getServing());
        advance(CATCH_UP / 2);
        TabletRecord caughtUp = sink.latest().get(fresh);
        assertTrue(caughtUp.getServing(), "serving once caught up");
        assertTrue(caughtUp.getReplicationLagMs() <= 80, caughtUp.toString());
        assertFalse(sink.metricsOf("vol-" + fresh).isEmpty(), "the new volume reports samples");

        CompletableFuture<Optional<CommandResult>> retire = sim.execute(
                targeted("x", FleetCommandType.RETIRE_VOLUME, SHARD, PRIMARY, now(), DEADLINE));
        advance(RETIRE);
        assertEquals(CommandOutcome.SUCCEEDED, answer(retire).getOutcome());
        TabletRecord retired = sink.latest().get(PRIMARY);
        assertEquals(TabletRole.SPARE, retired.getRole());
        assertFalse(retired.getServing());
        int samplesBefore = sink.metricsOf("vol-" + PRIMARY).size();
        long publishedBefore = sink.tablets.stream().filter(t -> t.getTabletAlias().equals(PRIMARY)).count();
        advance(10_000);
        assertEquals(samplesBefore, sink.metricsOf("vol-" + PRIMARY).size(), "a retired volume's samples stop");
        assertEquals(publishedBefore, sink.tablets.stream().filter(t -> t.getTabletAlias().equals(PRIMARY)).count(),
                "a retired tablet is published once, not refreshed");

        LedgerEntry entry = sim.ledger().get(0);
        assertEquals(injection.id(), entry.injectionId());
        assertEquals(1, entry.reparents());
        assertTrue(entry.replacementProvisioned());
        assertTrue(entry.degradedVolumeRetired());
    }

    @Test
    void provisioningRefusesATabletOfAnotherShardOrAnUnknownCell() {
        CommandResult otherShard = answer(sim.execute(targeted("p1", FleetCommandType.PROVISION_VOLUME, SHARD, "zone1-0000000200",
                now(), DEADLINE)));
        assertEquals(CommandOutcome.REJECTED_PRECONDITION, otherShard.getOutcome());
        CommandResult badCell = answer(sim.execute(FleetCommands.base("p2", FleetCommandType.PROVISION_VOLUME, SHARD, now(), DEADLINE)
                .setTargetTabletAlias(PRIMARY).setCell("zone9").build()));
        assertEquals(CommandOutcome.REJECTED_PRECONDITION, badCell.getOutcome());
    }

    // ----- the ledger -----

    @Test
    void theImpactWindowRunsFromOnsetToAHealthyServingPrimary() {
        advance(500);
        sim.degradePrimary(SHARD, Duration.ofMinutes(5), 400);
        advance(7_000);
        sim.execute(planned("r", REPLICA_2, PRIMARY, 1));
        assertTrue(sim.ledger().get(0).open());
        advance(PLANNED);

        LedgerEntry entry = sim.ledger().get(0);
        assertEquals(InjectionKind.DEGRADED_PRIMARY, entry.kind());
        assertEquals("commerce/-55", entry.shardKey());
        assertEquals(Instant.ofEpochMilli(START + 500), entry.onset());
        assertEquals(Optional.of(Duration.ofMillis(7_000 + PLANNED)), entry.impactWindow());
        assertEquals(List.of("vol-" + PRIMARY), entry.volumeIds());
        assertEquals(1, entry.reparents());
        assertFalse(entry.replacementProvisioned());
        Promotion promoted = sim.promotions().get(0);
        assertEquals(REPLICA_2, promoted.tabletAlias());
        assertEquals(2, promoted.term());
        assertEquals("r", promoted.commandId());
        assertEquals(Optional.empty(), promoted.impairedSince(), "a healthy candidate");
        assertTrue(promoted.lagMillis() <= 80, "caught up: " + promoted.lagMillis());
    }

    @Test
    void aPromotionRecordsTheCandidatesDegradationAndLagAtThatMoment() {
        Injection injection = sim.degradeCandidate(SHARD, Duration.ofMinutes(5));
        String candidate = injection.tabletAliases().get(0);
        advance(10_000);
        sim.execute(planned("r", candidate, PRIMARY, 1));
        advance(PLANNED);

        Promotion promoted = sim.promotions().get(0);
        assertEquals(candidate, promoted.tabletAlias());
        assertEquals(Optional.of(injection.onset()), promoted.impairedSince());
        assertTrue(promoted.lagMillis() >= (10_000 + PLANNED) / 2, "a degraded volume applies changes at half speed: " + promoted.lagMillis());
    }

    @Test
    void withoutActionTheWindowEndsWithTheEpisodeAndADegradedReplicaCostsCustomersNothing() {
        sim.degradePrimary(SHARD, Duration.ofSeconds(30), 250);
        sim.degradeReplica("55-aa", Duration.ofSeconds(30));
        advance(29_999);
        assertTrue(sim.ledger().get(0).open());
        advance(1);
        List<LedgerEntry> ledger = sim.ledger();
        assertEquals(Optional.of(Duration.ofSeconds(30)), ledger.get(0).impactWindow());
        assertEquals(0, ledger.get(0).reparents());
        assertEquals(InjectionKind.DEGRADED_REPLICA, ledger.get(1).kind());
        assertEquals(Optional.of(Duration.ZERO), ledger.get(1).impactWindow());
    }

    @Test
    void aStalledPrimaryIsUnreachableUntilSomeSecondsAfterItsVolumeRecovers() {
        sim.stallPrimary(SHARD, Duration.ofSeconds(20));
        TabletRecord stalled = sink.latest().get(PRIMARY);
        assertFalse(stalled.getReachable());
        assertFalse(stalled.getServing());
        advance(1_000);
        assertTrue(sink.metricsOf("vol-" + PRIMARY).get(0).getStalled(), "the samples carry the stall flag");
        assertEquals(0L, sink.metricsOf("vol-" + PRIMARY).get(0).getReadOps(), "nothing completes");

        advance(19_000 + RECONNECT - 1);
        assertTrue(sim.ledger().get(0).open());
        advance(1);
        assertEquals(Optional.of(Duration.ofMillis(20_000 + RECONNECT)), sim.ledger().get(0).impactWindow());
        assertTrue(sink.latest().get(PRIMARY).getReachable());
        assertTrue(sim.splitBrainMoments().isEmpty());
    }

    @Test
    void fencingBeforeAnEmergencyReparentLeavesNoMomentWithTwoWritablePrimaries() {
        sim.stallPrimary(SHARD, Duration.ofSeconds(20));
        sim.execute(targeted("fence", FleetCommandType.FENCE, SHARD, PRIMARY, now(), DEADLINE));
        CompletableFuture<Optional<CommandResult>> ers = sim.execute(
                reparent("ers", SHARD, ReparentMode.EMERGENCY, REPLICA_2, PRIMARY, 1, now(), DEADLINE));
        advance(FENCE + EMERGENCY);
        assertEquals(CommandOutcome.SUCCEEDED, answer(ers).getOutcome());
        TabletRecord old = sink.latest().get(PRIMARY);
        assertEquals(TabletRole.REPLICA, old.getRole());
        assertFalse(old.getServing(), "after an emergency reparent the old primary does not serve");
        assertEquals(1, old.getPrimaryTerm(), "unreachable, it has not seen the new term");
        assertEquals(Optional.of(Duration.ofMillis(FENCE + EMERGENCY)), sim.ledger().get(0).impactWindow());

        advance(60_000);
        assertTrue(sim.splitBrainMoments().isEmpty(), sim.splitBrainMoments().toString());
        assertEquals(2, sink.latest().get(PRIMARY).getPrimaryTerm(), "back, it learns the new term");
    }

    @Test
    void anEmergencyReparentWithoutFenceIsSplitBrainOnceTheOldPrimaryCanWriteAgain() {
        sim.stallPrimary(SHARD, Duration.ofSeconds(20));
        sim.execute(reparent("ers", SHARD, ReparentMode.EMERGENCY, REPLICA_2, PRIMARY, 1, now(), DEADLINE));
        advance(EMERGENCY);
        assertTrue(sim.splitBrainMoments().isEmpty(), "while stalled, the old primary cannot commit");
        advance(20_000 - EMERGENCY);

        List<SplitBrainMoment> moments = sim.splitBrainMoments();
        assertEquals(1, moments.size());
        SplitBrainMoment moment = moments.get(0);
        assertEquals("commerce/-55", moment.shardKey());
        assertEquals(Instant.ofEpochMilli(START + 20_000), moment.from());
        assertEquals(Set.of(PRIMARY, REPLICA_2), new HashSet<>(moment.writablePrimaries()));
        assertTrue(moment.until().isEmpty());

        advance(RECONNECT);
        assertEquals(Optional.of(Instant.ofEpochMilli(START + 20_000 + RECONNECT)), sim.splitBrainMoments().get(0).until(),
                "it ends when the old primary hears of the new one and demotes itself");
    }

    @Test
    void aCellEventOpensOneEntryPerShardItHits() {
        Injection cell = sim.degradeCell("zone1", 1.0, Duration.ofMinutes(2));
        assertEquals(3, cell.volumeIds().size(), "every zone1 volume: the three primaries");
        List<LedgerEntry> entries = sim.ledger();
        assertEquals(3, entries.size());
        assertTrue(entries.stream().allMatch(e -> e.kind() == InjectionKind.CELL_EVENT && e.open() && e.injectionId() == cell.id()));
        assertEquals(Set.of("commerce/-55", "commerce/55-aa", "commerce/aa-"),
                entries.stream().map(LedgerEntry::shardKey).collect(Collectors.toSet()));
        assertThrows(IllegalStateException.class, () -> sim.degradePrimary(SHARD, Duration.ofMinutes(1), 300),
                "a volume already in an episode is not struck again");
        assertEquals(3, sim.status().impairedVolumes());
    }

    @Test
    void theDegradedCandidateIsTheReplicaThatWouldBePromotedAndTheDegradedReplicaIsAnother() {
        sim.degradePrimary(SHARD, Duration.ofMinutes(2), 300);
        Injection candidate = sim.degradeCandidate(SHARD, Duration.ofMinutes(2));
        Map<String, Long> lag = new HashMap<>();
        for (TabletRecord t : sim.shard(SHARD).tablets()) {
            if (t.getReplicationLagMs() != null) {
                lag.put(t.getTabletAlias(), t.getReplicationLagMs());
            }
        }
        String likeliest = lag.entrySet().stream().min(Map.Entry.<String, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                .orElseThrow().getKey();
        assertEquals(List.of(likeliest), candidate.tabletAliases());
        Injection other = sim.degradeReplica(SHARD, Duration.ofMinutes(1));
        assertNotEquals(candidate.tabletAliases(), other.tabletAliases());
        assertNotNull(other.tabletAliases().get(0));
        assertThrows(IllegalStateException.class, () -> sim.degradeCandidate(SHARD, Duration.ofMinutes(1)),
                "no promotable replica is left");
    }
}
