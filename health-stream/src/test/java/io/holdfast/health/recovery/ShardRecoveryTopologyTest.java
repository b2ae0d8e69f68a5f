package io.holdfast.health.recovery;

import static io.holdfast.health.recovery.RecoveryDriver.alias;
import static io.holdfast.health.recovery.RecoveryDriver.tablet;
import static io.holdfast.schemas.VolumeHealthState.DEGRADED;
import static io.holdfast.schemas.VolumeHealthState.HEALTHY;
import static io.holdfast.schemas.VolumeHealthState.STALLED;
import static io.holdfast.schemas.VolumeHealthState.UNKNOWN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.schemas.Alert;
import io.holdfast.schemas.AuditEvent;
import io.holdfast.schemas.CommandIds;
import io.holdfast.schemas.CommandOutcome;
import io.holdfast.schemas.ControlAction;
import io.holdfast.schemas.FleetCommand;
import io.holdfast.schemas.FleetCommandType;
import io.holdfast.schemas.ReparentMode;
import io.holdfast.schemas.Scopes;
import io.holdfast.schemas.TabletRecord;
import io.holdfast.schemas.TabletRole;
import io.holdfast.schemas.VolumeHealthState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shard recovery workflow through the health app's topology, one rule or path per test. */
class ShardRecoveryTopologyTest {

    private static final String KS = "commerce";
    private static final String SHARD = "-80";
    private static final String KEY = KS + "/" + SHARD;

    @Test
    void degradedPrimaryIsReparentedPlannedThenItsVolumeReplacedAndRetired() {
        try (RecoveryDriver d = new RecoveryDriver()) {
            List<String> a = d.shard(KS, SHARD, 100);
            assertTrue(d.newCommands().isEmpty(), "a healthy shard gets no command");

            d.setHealth(a.get(0), DEGRADED);
            FleetCommand reparent = single(d.newCommands());
            assertEquals(FleetCommandType.REPARENT, reparent.getType());
            assertEquals(ReparentMode.PLANNED, reparent.getReparentMode());
            assertEquals(a.get(1), reparent.getNewPrimary(), "equal lag: the smallest alias wins the tie");
            assertEquals(a.get(0), reparent.getExpectedPrimary());
            assertEquals(1L, reparent.getExpectedPrimaryTerm());
            assertEquals(KS, reparent.getKeyspace());
            assertEquals(1, reparent.getAttempt());
            assertEquals(List.of("detected", "candidate_chosen", "reparent_planned"), d.decisions());
            assertEquals(1, d.problems("primary_degraded"));

            d.succeed(reparent);
            // The topology catches up: the candidate is primary at term 2, the old primary a replica.
            d.update(a.get(1), b -> b.setRole(TabletRole.PRIMARY).setPrimaryTerm(2).setReplicationLagMs(null));
            d.update(a.get(0), b -> b.setRole(TabletRole.REPLICA).setPrimaryTerm(2));
            FleetCommand provision = single(d.newCommands());
            assertEquals(FleetCommandType.PROVISION_VOLUME, provision.getType());
            assertEquals(a.get(0), provision.getTargetTabletAlias());
            assertEquals("vol-" + a.get(0), provision.getTargetVolumeId());
            assertEquals("zone1", provision.getCell());
            assertEquals(reparent.getWorkflowId(), provision.getWorkflowId());

            String replacement = alias("zone1", 200);
            d.result(provision, CommandOutcome.SUCCEEDED, Map.of("tablet_alias", replacement, "volume_id", "vol-new"));
            d.publish(tablet(KS, SHARD, replacement, TabletRole.REPLICA, 2).setServing(false)
                    .setReplicationLagMs(60_000L).setVolumeId("vol-new").build());
            assertTrue(d.newCommands().isEmpty(), "no retirement before the replacement serves and has caught up");
            d.update(replacement, b -> b.setServing(true).setReplicationLagMs(40L));
            FleetCommand retire = single(d.newCommands());
            assertEquals(FleetCommandType.RETIRE_VOLUME, retire.getType());
            assertEquals(a.get(0), retire.getTargetTabletAlias());
            assertEquals(a.get(1), retire.getExpectedPrimary(), "retire compares against the new primary");

            d.succeed(retire);
            List<String> decisions = d.decisions();
            assertTrue(decisions.contains("recovery_complete"), decisions.toString());
            ShardState s = d.state(KEY);
            assertNull(s.workflow, "no workflow left in flight");
            assertEquals("SPARE", s.tablets.get(a.get(0)).role, "the retired tablet is out of the shard");
            // A refresh of the retired tablet older than the retirement changes nothing; nothing restarts.
            d.setHealth(a.get(0), DEGRADED);
            assertTrue(d.newCommands().isEmpty());
            assertEquals(1, d.steps("reparent_planned", "succeeded"));
            assertEquals(1, d.steps("provision_volume", "succeeded"));
            assertEquals(1, d.steps("retire_volume", "succeeded"));
            assertTrue(d.newAlerts().isEmpty());
        }
    }

    @Test
    void stalledPrimaryIsFencedThenReparentedEmergency() {
        try (RecoveryDriver d = new RecoveryDriver()) {
            List<String> a = d.shard(KS, SHARD, 100);
            d.setHealth(a.get(0), STALLED);
            FleetCommand fence = single(d.newCommands());
            assertEquals(FleetCommandType.FENCE, fence.getType());
            assertEquals(a.get(0), fence.getTargetTabletAlias());
            assertEquals(a.get(0), fence.getExpectedPrimary());
            assertEquals(1L, fence.getExpectedPrimaryTerm());

            d.succeed(fence);
            FleetCommand reparent = single(d.newCommands());
            assertEquals(FleetCommandType.REPARENT, reparent.getType());
            assertEquals(ReparentMode.EMERGENCY, reparent.getReparentMode());
            assertEquals(a.get(1), reparent.getNewPrimary());
            assertEquals(a.get(0), reparent.getExpectedPrimary());

            d.succeed(reparent);
            assertEquals(FleetCommandType.PROVISION_VOLUME, single(d.newCommands()).getType());
            assertEquals(1, d.problems("primary_stalled"));
        }
    }

    @Test
    void unreachablePrimaryIsFencedThenReparentedEmergency() {
        try (RecoveryDriver d = new RecoveryDriver()) {
            List<String> a = d.shard(KS, SHARD, 100);
            d.update(a.get(0), b -> b.setReachable(false).setServing(false));
            FleetCommand fence = single(d.newCommands());
            assertEquals(FleetCommandType.FENCE, fence.getType());
            d.succeed(fence);
            assertEquals(ReparentMode.EMERGENCY, single(d.newCommands()).getReparentMode());
            assertEquals(1, d.problems("primary_unreachable"));
        }
    }

    @Test
    void degradedOrLaggingReplicasAreNeverCandidates() {
        try (RecoveryDriver d = new RecoveryDriver(Map.of("holdfast.recovery.durability.policy", "none"))) {
            List<String> a = d.shard(KS, SHARD, 100);
            List<String> b = d.shard(KS, "80-", 200);
            d.setHealth(a.get(1), VolumeHealthState.SUSPECT); // not HEALTHY: not a candidate
            d.update(b.get(1), t -> t.setReplicationLagMs(5_000L)); // lagging beyond the 1 s SLO
            d.newCommands(); // a SUSPECT replica is not a problem by itself; a lagging one neither
            d.setHealth(a.get(0), DEGRADED);
            d.setHealth(b.get(0), DEGRADED);
            List<FleetCommand> commands = d.newCommands();
            assertEquals(2, commands.size());
            assertEquals(a.get(2), commands.get(0).getNewPrimary());
            assertEquals(b.get(2), commands.get(1).getNewPrimary());
        }
    }

    @Test
    void withoutSafeCandidateItAlertsAndDoesNothing() {
        try (RecoveryDriver d = new RecoveryDriver()) {
            List<String> a = d.shard(KS, SHARD, 100);
            d.update(a.get(1), t -> t.setServing(false));
            d.setHealth(a.get(0), DEGRADED);
            // semi_sync: promoting the only serving replica would leave no replica to acknowledge writes.
            assertTrue(d.newCommands().isEmpty());
            Alert alert = single(d.newAlerts());
            assertEquals("no_safe_candidate", alert.getCode());
            assertEquals(Scopes.shard(KS, SHARD), alert.getScope());
            assertTrue(d.decisions().contains("no_safe_candidate"));
            // Not raised again for the same problem on every refresh.
            d.update(a.get(2), t -> t.setReplicationLagMs(120L));
            assertTrue(d.newAlerts().isEmpty());
            // A replica becomes usable again: the shard looks again and acts.
            d.update(a.get(1), t -> t.setServing(true));
            assertEquals(a.get(1), single(d.newCommands()).getNewPrimary());
        }
    }

    @Test
    void crossCellPolicyNeedsAnAcknowledgingReplicaInAnotherCell() {
        for (String policy : List.of("semi_sync", "cross_cell")) {
            try (RecoveryDriver d = new RecoveryDriver(Map.of("holdfast.recovery.durability.policy", policy))) {
                String primary = alias("zone1", 100);
                String r1 = alias("zone2", 101);
                String r2 = alias("zone2", 102);
                d.publish(tablet(KS, SHARD, primary, TabletRole.PRIMARY, 1).build());
                d.publish(tablet(KS, SHARD, r1, TabletRole.REPLICA, 1).build());
                d.publish(tablet(KS, SHARD, r2, TabletRole.REPLICA, 1).build());
                for (String t : List.of(primary, r1, r2)) {
                    d.setHealth(t, HEALTHY);
                }
                d.setHealth(primary, DEGRADED);
                if (policy.equals("semi_sync")) {
                    assertEquals(r1, single(d.newCommands()).getNewPrimary());
                } else {
                    assertTrue(d.newCommands().isEmpty(), "both replicas in zone2: none may be promoted");
                    assertEquals("no_safe_candidate", single(d.newAlerts()).getCode());
                }
            }
        }
    }

    @Test
    void correlatedCellDegradationPrefersACandidateInAnotherCell() {
        for (boolean correlated : List.of(false, true)) {
            try (RecoveryDriver d = new RecoveryDriver()) {
                List<String> tablets = primaryWithCandidatesInItsCellAndAnother(d);
                String primary = tablets.get(0);
                String sameCell = tablets.get(1);
                String otherCell = tablets.get(2);
                // Other volumes of zone1 (no tablet of this shard): 10 in all, 4 of them degraded when correlated.
                for (int i = 0; i < 8; i++) {
                    d.setHealth(alias("zone1", 900 + i), correlated && i < 3 ? DEGRADED : HEALTHY);
                }
                d.setHealth(primary, DEGRADED);
                FleetCommand reparent = single(d.newCommands());
                assertEquals(correlated ? otherCell : sameCell, reparent.getNewPrimary(),
                        correlated ? "4 of 10 zone1 volumes degraded: prefer zone2" : "1 of 10: the least lag wins");
                AuditEvent chosen = d.newAudit().stream().filter(e -> e.getDecision().equals("candidate_chosen"))
                        .findFirst().orElseThrow();
                assertEquals(correlated ? "0.4" : "0.1", chosen.getEvidence().get("failing_cell_degraded_share"));
            }
        }
    }


    /**
     * A HEALTHY shard whose primary is in zone1, with a caught-up replica in zone1 (lag 10 ms) and a
     * slower one in zone2 (200 ms): primary, same-cell and other-cell aliases.
     */
    private static List<String> primaryWithCandidatesInItsCellAndAnother(RecoveryDriver d) {
        String primary = alias("zone1", 100);
        String sameCell = alias("zone1", 101);
        String otherCell = alias("zone2", 102);
        d.publish(tablet(KS, SHARD, primary, TabletRole.PRIMARY, 1).build());
        d.publish(tablet(KS, SHARD, sameCell, TabletRole.REPLICA, 1).setReplicationLagMs(10L).build());
        d.publish(tablet(KS, SHARD, otherCell, TabletRole.REPLICA, 1).setReplicationLagMs(200L).build());
        for (String t : List.of(primary, sameCell, otherCell)) {
            d.setHealth(t, HEALTHY);
        }
        return List.of(primary, sameCell, otherCell);
    }

    @Test
    void volumesThatFellSilentDoNotDiluteACellsDegradedShare() {
        try (RecoveryDriver d = new RecoveryDriver()) {
            List<String> tablets = primaryWithCandidatesInItsCellAndAnother(d);
            String primary = tablets.get(0);
            String otherCell = tablets.get(2);
            // zone1 has had 12 other volumes; 8 were retired long ago (silent: UNKNOWN), 3 of the 4 left degrade.
            for (int i = 0; i < 12; i++) {
                d.setHealth(alias("zone1", 900 + i), HEALTHY);
            }
            for (int i = 0; i < 8; i++) {
                d.setHealth(alias("zone1", 900 + i), UNKNOWN);
            }
            for (int i = 8; i < 11; i++) {
                d.setHealth(alias("zone1", 900 + i), DEGRADED);
            }
            d.setHealth(primary, DEGRADED);
            FleetCommand reparent = single(d.newCommands());
            assertEquals(otherCell, reparent.getNewPrimary(), "4 of the 6 reporting zone1 volumes degraded: prefer zone2");
            AuditEvent chosen = d.newAudit().stream().filter(e -> e.getDecision().equals("candidate_chosen"))
                    .findFirst().orElseThrow();
            assertEquals(String.valueOf(4 / 6.0), chosen.getEvidence().get("failing_cell_degraded_share"));
        }
    }
    @Test
    void degradedReplicaIsReplacedWithoutReparent() {
        try (RecoveryDriver d = new RecoveryDriver()) {
            List<String> a = d.shard(KS, SHARD, 100);
            d.setHealth(a.get(2), DEGRADED);
            FleetCommand provision = single(d.newCommands());
            assertEquals(FleetCommandType.PROVISION_VOLUME, provision.getType());
            assertEquals(a.get(2), provision.getTargetTabletAlias());
            assertEquals("zone3", provision.getCell());
            String replacement = alias("zone3", 300);
            d.result(provision, CommandOutcome.SUCCEEDED, Map.of("tablet_alias", replacement, "volume_id", "vol-r"));
            d.publish(tablet(KS, SHARD, replacement, TabletRole.REPLICA, 1).setVolumeId("vol-r").setReplicationLagMs(30L).build());
            FleetCommand retire = single(d.newCommands());
            assertEquals(FleetCommandType.RETIRE_VOLUME, retire.getType());
            assertEquals(a.get(0), retire.getExpectedPrimary());
            d.succeed(retire);
            assertNull(d.state(KEY).workflow);
            assertEquals(0, d.steps("reparent_planned", "attempted"));
            assertEquals(1, d.problems("replica_degraded"));
        }
    }

    @Test
    void timeoutRetriesWithTheNextCandidateThenAlertsWhenNoneIsLeft() {
        try (RecoveryDriver d = new RecoveryDriver()) {
            List<String> a = d.shard(KS, SHARD, 100);
            // Four replicas so that semi_sync always leaves one to acknowledge.
            String extra = alias("zone2", 104);
            d.publish(tablet(KS, SHARD, extra, TabletRole.REPLICA, 1).setReplicationLagMs(500L).build());
            d.setHealth(extra, HEALTHY);
            d.setHealth(a.get(0), DEGRADED);
            FleetCommand first = single(d.newCommands());
            assertEquals(a.get(1), first.getNewPrimary());

            d.advance(Duration.ofSeconds(31)); // the default reparent timeout is 30 s
            FleetCommand second = single(d.newCommands());
            assertEquals(2, second.getAttempt());
            assertEquals(a.get(2), second.getNewPrimary(), "the next candidate");
            assertTrue(d.decisions().contains("step_failed"));

            d.result(second, CommandOutcome.FAILED, Map.of());
            FleetCommand third = single(d.newCommands());
            assertEquals(3, third.getAttempt());
            assertEquals(extra, third.getNewPrimary());

            d.result(third, CommandOutcome.REJECTED_PRECONDITION, Map.of());
            assertTrue(d.newCommands().isEmpty());
            Alert alert = single(d.newAlerts());
            assertEquals("recovery_failed", alert.getCode(), "three attempts is the default limit");
            assertNull(d.state(KEY).workflow);
            assertEquals(3, d.steps("reparent_planned", "failed"));

            // A late success of the first, timed-out attempt is not acted on twice.
            d.succeed(first);
            assertTrue(d.newCommands().isEmpty());
        }
    }

    @Test
    void fenceFailingEveryAttemptEndsInAnAlert() {
        try (RecoveryDriver d = new RecoveryDriver()) {
            List<String> a = d.shard(KS, SHARD, 100);
            d.setHealth(a.get(0), STALLED);
            for (int attempt = 1; attempt <= 3; attempt++) {
                FleetCommand fence = single(d.newCommands());
                assertEquals(FleetCommandType.FENCE, fence.getType());
                assertEquals(attempt, fence.getAttempt());
                d.result(fence, CommandOutcome.FAILED, Map.of());
            }
            assertTrue(d.newCommands().isEmpty(), "never a reparent without the fence");
            assertEquals("recovery_failed", single(d.newAlerts()).getCode());
        }
    }

    @Test
    void antiFlapBlocksAPlannedReparentButNotAStall() {
        try (RecoveryDriver d = new RecoveryDriver()) {
            List<String> a = d.shard(KS, SHARD, 100);
            recoverPlanned(d, a);

            d.setHealth(a.get(1), DEGRADED); // the new primary degrades within the block
            assertTrue(d.newCommands().isEmpty());
            assertTrue(d.decisions().contains("skipped_anti_flap"));

            d.advance(Duration.ofMinutes(10).plusSeconds(1));
            FleetCommand again = single(d.newCommands());
            assertEquals(FleetCommandType.REPARENT, again.getType());
            assertEquals(a.get(1), again.getExpectedPrimary());
        }
        try (RecoveryDriver d = new RecoveryDriver()) {
            List<String> a = d.shard(KS, SHARD, 100);
            recoverPlanned(d, a);
            d.setHealth(a.get(1), STALLED);
            assertEquals(FleetCommandType.FENCE, single(d.newCommands()).getType(), "a stall is never held back");
        }
    }

    @Test
    void reparentsAreCappedPerCellAndFleetWide() {
        try (RecoveryDriver d = new RecoveryDriver()) {
            List<List<String>> shards = List.of(d.shard(KS, "-40", 100), d.shard(KS, "40-80", 200), d.shard(KS, "80-", 300));
            for (List<String> s : shards) {
                d.setHealth(s.get(0), DEGRADED); // three primaries of zone1 at once; the per-cell cap is 2
            }
            List<FleetCommand> granted = d.newCommands();
            assertEquals(2, granted.size());
            assertTrue(d.decisions().contains("lock_denied"));

            d.succeed(granted.get(0)); // releases its slot
            d.newCommands();
            d.advance(Duration.ofSeconds(3)); // the lock retry interval is 2 s
            FleetCommand third = single(d.newCommands());
            assertEquals(FleetCommandType.REPARENT, third.getType());
            assertEquals("80-", third.getShard());
        }
        try (RecoveryDriver d = new RecoveryDriver(Map.of("holdfast.recovery.max.concurrent.reparents", "1"))) {
            List<String> s1 = d.shard(KS, "-80", 100);
            List<String> s2 = d.shard(KS, "80-", 200);
            d.setHealth(s1.get(0), DEGRADED);
            d.setHealth(s2.get(1), DEGRADED); // a replica replacement needs no reparent slot
            d.setHealth(s2.get(0), DEGRADED);
            List<FleetCommand> out = d.newCommands();
            assertEquals(List.of(FleetCommandType.REPARENT, FleetCommandType.PROVISION_VOLUME),
                    out.stream().map(FleetCommand::getType).toList());
        }
    }

    @Test
    void pausedAutomationDecidesNothingUntilResumed() {
        try (RecoveryDriver d = new RecoveryDriver()) {
            List<String> a = d.shard(KS, SHARD, 100);
            d.pause(Scopes.global(), ControlAction.PAUSE);
            d.setHealth(a.get(0), DEGRADED);
            d.advance(Duration.ofSeconds(5));
            assertTrue(d.newCommands().isEmpty());
            assertEquals(List.of("skipped_paused"), d.decisions(), "audited once");

            d.pause(Scopes.global(), ControlAction.RESUME);
            d.advance(Duration.ofSeconds(3));
            assertEquals(FleetCommandType.REPARENT, single(d.newCommands()).getType());
        }
    }

    @Test
    void anInstructionToAnotherAppNeitherPausesThisOneNorErasesItsPause() {
        try (RecoveryDriver d = new RecoveryDriver()) {
            List<String> a = d.shard(KS, SHARD, 100);
            d.control("health", Scopes.global(), ControlAction.PAUSE, null);
            d.advance(Duration.ofSeconds(1));
            d.control("reconciler", Scopes.global(), ControlAction.RESUME, null);
            d.setHealth(a.get(0), DEGRADED);
            d.advance(Duration.ofSeconds(5));
            assertTrue(d.newCommands().isEmpty(), "the reconciler's resume leaves the health app's pause in force");

            d.pause(Scopes.global(), ControlAction.RESUME); // later, to every app
            d.advance(Duration.ofSeconds(3));
            assertEquals(FleetCommandType.REPARENT, single(d.newCommands()).getType());
        }
    }

    @Test
    void pauseOfOneShardLeavesTheOthersAndExpires() {
        try (RecoveryDriver d = new RecoveryDriver()) {
            List<String> a = d.shard(KS, "-80", 100);
            List<String> b = d.shard(KS, "80-", 200);
            d.pause(Scopes.shard(KS, "-80"), ControlAction.PAUSE, Instant.ofEpochMilli(d.now + 60_000));
            d.setHealth(a.get(0), DEGRADED);
            d.setHealth(b.get(0), DEGRADED);
            FleetCommand other = single(d.newCommands());
            assertEquals("80-", other.getShard());
            d.succeed(other);
            assertEquals(FleetCommandType.PROVISION_VOLUME, single(d.newCommands()).getType());
            d.advance(Duration.ofSeconds(61));
            assertEquals("-80", single(d.newCommands()).getShard(), "the pause has expired");
        }
    }

    @Test
    void pauseInTheMiddleOfAWorkflowHoldsItsNextStep() {
        try (RecoveryDriver d = new RecoveryDriver()) {
            List<String> a = d.shard(KS, SHARD, 100);
            d.setHealth(a.get(0), DEGRADED);
            FleetCommand reparent = single(d.newCommands());
            d.pause(Scopes.keyspace(KS), ControlAction.PAUSE);
            d.succeed(reparent);
            assertTrue(d.newCommands().isEmpty());
            assertTrue(d.decisions().contains("held_paused"));
            d.pause(Scopes.keyspace(KS), ControlAction.RESUME);
            d.advance(Duration.ofSeconds(3));
            assertEquals(FleetCommandType.PROVISION_VOLUME, single(d.newCommands()).getType());
        }
    }

    @Test
    void dryRunAuditsTheDecisionAndEmitsNoCommand() {
        try (RecoveryDriver d = new RecoveryDriver()) {
            List<String> a = d.shard(KS, SHARD, 100);
            d.pause(Scopes.global(), ControlAction.DRY_RUN_ON);
            d.setHealth(a.get(0), DEGRADED);
            d.advance(Duration.ofSeconds(10));
            assertTrue(d.newCommands().isEmpty());
            List<AuditEvent> audit = d.newAudit();
            assertEquals(1, audit.size(), "one audit per decision, however often it is re-checked");
            assertEquals("dry_run_planned_reparent", audit.get(0).getDecision());
            assertTrue(audit.get(0).getDryRun());
            assertEquals("would promote " + a.get(1), audit.get(0).getSummary());

            d.pause(Scopes.global(), ControlAction.DRY_RUN_OFF);
            d.advance(Duration.ofSeconds(3));
            assertEquals(FleetCommandType.REPARENT, single(d.newCommands()).getType());
        }
    }

    @Test
    void duplicateStaleAndForeignResultsChangeNothing() {
        try (RecoveryDriver d = new RecoveryDriver()) {
            List<String> a = d.shard(KS, SHARD, 100);
            d.setHealth(a.get(0), DEGRADED);
            FleetCommand reparent = single(d.newCommands());
            d.succeed(reparent);
            FleetCommand provision = single(d.newCommands());
            d.succeed(reparent); // duplicate delivery
            d.result(FleetCommand.newBuilder(provision).setCommandId(CommandIds.of("other")).build(), CommandOutcome.FAILED, Map.of());
            assertTrue(d.newCommands().isEmpty());
            assertEquals(Workflow.Phase.PROVISIONING, d.state(KEY).workflow.phase);

            // An older view of a tablet arriving late is ignored.
            TabletRecord stale = TabletRecord.newBuilder(d.published.get(a.get(2)))
                    .setServing(false).setUpdatedTime(Instant.ofEpochMilli(d.now - 60_000)).build();
            d.tablets.pipeInput(stale.getTabletAlias(), stale, d.now);
            assertTrue(d.state(KEY).tablets.get(a.get(2)).serving);
        }
    }

    @Test
    void reparentVisibleInTheTopologyBeforeItsResultMovesTheWorkflowOn() {
        try (RecoveryDriver d = new RecoveryDriver()) {
            List<String> a = d.shard(KS, SHARD, 100);
            d.setHealth(a.get(0), DEGRADED);
            single(d.newCommands());
            d.update(a.get(1), b -> b.setRole(TabletRole.PRIMARY).setPrimaryTerm(2).setReplicationLagMs(null));
            d.update(a.get(0), b -> b.setRole(TabletRole.REPLICA).setPrimaryTerm(2));
            assertEquals(FleetCommandType.PROVISION_VOLUME, single(d.newCommands()).getType());
        }
    }

    @Test
    void aStallOfTheNewPrimaryPreemptsTheReplacementInProgress() {
        // Policy none: with the old primary degraded and the new one stalled, semi_sync would leave no
        // replica to acknowledge the last one's writes (and rightly alert instead).
        try (RecoveryDriver d = new RecoveryDriver(Map.of("holdfast.recovery.durability.policy", "none"))) {
            List<String> a = d.shard(KS, SHARD, 100);
            d.setHealth(a.get(0), DEGRADED);
            d.succeed(single(d.newCommands()));
            d.update(a.get(1), b -> b.setRole(TabletRole.PRIMARY).setPrimaryTerm(2).setReplicationLagMs(null));
            d.update(a.get(0), b -> b.setRole(TabletRole.REPLICA).setPrimaryTerm(2));
            FleetCommand provision = single(d.newCommands());
            assertEquals(FleetCommandType.PROVISION_VOLUME, provision.getType());

            d.setHealth(a.get(1), STALLED);
            FleetCommand fence = single(d.newCommands());
            assertEquals(FleetCommandType.FENCE, fence.getType());
            assertEquals(a.get(1), fence.getTargetTabletAlias());
            assertTrue(d.decisions().contains("preempted"));

            // The abandoned provisioning still finishes: its replacement is kept for a[0], not leaked.
            String r0 = alias("zone1", 500);
            d.result(provision, CommandOutcome.SUCCEEDED, Map.of("tablet_alias", r0, "volume_id", "vol-r0"));
            assertEquals(r0, d.state(KEY).replacements.get(a.get(0)));
            d.succeed(fence);
            FleetCommand emergency = single(d.newCommands());
            assertEquals(a.get(2), emergency.getNewPrimary());
            d.succeed(emergency);
            FleetCommand provisionForStalled = single(d.newCommands());
            assertEquals(a.get(1), provisionForStalled.getTargetTabletAlias());
            String r1 = alias("zone2", 501);
            d.result(provisionForStalled, CommandOutcome.SUCCEEDED, Map.of("tablet_alias", r1, "volume_id", "vol-r1"));
            d.publish(tablet(KS, SHARD, r1, TabletRole.REPLICA, 3).setVolumeId("vol-r1").setReplicationLagMs(10L).build());
            d.publish(tablet(KS, SHARD, r0, TabletRole.REPLICA, 3).setVolumeId("vol-r0").setReplicationLagMs(10L).build());
            FleetCommand retireStalled = single(d.newCommands());
            assertEquals(a.get(1), retireStalled.getTargetTabletAlias());
            d.newAudit();
            d.succeed(retireStalled);
            // Then the degraded replica a[0] is replaced by the adopted replacement: retire, no new provisioning.
            FleetCommand retireDegraded = single(d.newCommands());
            assertEquals(FleetCommandType.RETIRE_VOLUME, retireDegraded.getType());
            assertEquals(a.get(0), retireDegraded.getTargetTabletAlias());
            assertTrue(d.decisions().contains("replacement_adopted"));
        }
    }

    /** Records the workflow reads and does not use are counted, none vanishes unseen (found by HealthFuzzTest). */
    @Test
    void tombstonesAndResultsOfOtherAppsAreCountedAsSkipped() {
        try (RecoveryDriver d = new RecoveryDriver()) {
            d.tablets.pipeInput(alias("zone1", 1), null, d.now);
            d.health.pipeInput("vol-x", null, d.now);
            d.results.pipeInput("ks/-80", null, d.now);
            d.results.pipeInput("e-1", io.holdfast.schemas.CommandResult.newBuilder().setCommandId("c-1")
                    .setCommandKind(io.holdfast.schemas.CommandKind.RECONCILE)
                    .setReconcileType(io.holdfast.schemas.ReconcileCommandType.REPLAY_SNAPSHOT).setTarget("e-1")
                    .setOutcome(CommandOutcome.SUCCEEDED).setExecutor("test").setStartedTime(Instant.ofEpochMilli(d.now))
                    .setFinishedTime(Instant.ofEpochMilli(d.now)).build(), d.now);
            assertEquals(1, d.skipped("tablets", "tombstone"));
            assertEquals(1, d.skipped("volume_health", "tombstone"));
            assertEquals(1, d.skipped("command_results", "tombstone"));
            assertEquals(1, d.skipped("command_results", "not_fleet"));
            assertEquals(0, d.deadLetterTopic.readRecordsToList().size());
        }
    }

    @Test
    void invalidInputGoesToTheDeadLetterTopicAndProcessingContinues() {
        try (RecoveryDriver d = new RecoveryDriver()) {
            TabletRecord bad = tablet("", SHARD, alias("zone1", 1), TabletRole.PRIMARY, 1).build();
            d.tablets.pipeInput(bad.getTabletAlias(), bad, d.now);
            assertEquals(1, d.deadLetterTopic.readRecordsToList().size());
            List<String> a = d.shard(KS, SHARD, 100);
            d.setHealth(a.get(0), DEGRADED);
            assertEquals(FleetCommandType.REPARENT, single(d.newCommands()).getType());
        }
    }

    @Test
    void shardStateIsQueryableAndHealthBeforeTheTabletIsNotLost() {
        try (RecoveryDriver d = new RecoveryDriver()) {
            String primary = alias("zone1", 100);
            d.setHealth(primary, DEGRADED); // health first: its tablet is not known yet
            d.publish(tablet(KS, SHARD, primary, TabletRole.PRIMARY, 1).build());
            ShardState s = d.state(KEY);
            assertNotNull(s);
            assertEquals("DEGRADED", s.tablets.get(primary).health);
            assertFalse(d.decisions().isEmpty(), "detected, even without replicas to promote");
        }
    }

    /** Runs a complete planned recovery of the shard's primary a[0] to a[1]. */
    private static void recoverPlanned(RecoveryDriver d, List<String> a) {
        d.setHealth(a.get(0), DEGRADED);
        d.succeed(single(d.newCommands()));
        d.update(a.get(1), b -> b.setRole(TabletRole.PRIMARY).setPrimaryTerm(2).setReplicationLagMs(null));
        d.update(a.get(0), b -> b.setRole(TabletRole.REPLICA).setPrimaryTerm(2));
        FleetCommand provision = single(d.newCommands());
        String replacement = alias("zone1", 999);
        d.result(provision, CommandOutcome.SUCCEEDED, Map.of("tablet_alias", replacement, "volume_id", "vol-new"));
        d.publish(tablet(KS, SHARD, replacement, TabletRole.REPLICA, 2).setVolumeId("vol-new").setReplicationLagMs(10L).build());
        d.setHealth(replacement, HEALTHY);
        d.succeed(single(d.newCommands()));
        assertNull(d.state(KEY).workflow);
        d.newAudit();
    }

    private static <T> T single(List<T> items) {
        assertEquals(1, items.size(), () -> "expected exactly one, got " + items);
        return items.get(0);
    }
}
