package io.holdfast.reconciler;

import static io.holdfast.schemas.PublicationState.PENDING;
import static io.holdfast.schemas.PublicationState.PUBLISHED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.reconciler.entity.EntityLedger;
import io.holdfast.reconciler.gtid.ReplicationPosition;
import io.holdfast.schemas.Alert;
import io.holdfast.schemas.AuditEvent;
import io.holdfast.schemas.CommandOutcome;
import io.holdfast.schemas.ControlAction;
import io.holdfast.schemas.DiffPassState;
import io.holdfast.schemas.GtidFlavor;
import io.holdfast.schemas.ReconcileCommand;
import io.holdfast.schemas.ReconcileCommandType;
import io.holdfast.schemas.WorkflowPhase;
import io.holdfast.schemas.WorkflowProgress;
import io.holdfast.topology.testkit.TopologySnapshot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Every decision of the reconciler on {@code TopologyTestDriver}, from real Debezium MariaDB envelopes
 * (captured by {@code CaptureDebeziumFixtures}) and the documented MySQL and Vitess examples.
 * Fixture facts used below: the copy has heads e-1=2, e-2=1 and rows e-1/1, e-1/2, e-2/1;
 * {@code insert-revision} adds row e-2/2; {@code advance-head} moves e-2 from 1 to 2;
 * {@code transaction} adds rows e-3/1 and e-3/2; {@code new-head} creates head e-3=1;
 * {@code head-backward} moves e-1 from 2 to 1; {@code revision-updated} rewrites e-1/1's hash;
 * {@code revision-deleted} deletes e-2/1 (and its tombstone).
 */
class ReconcilerTopologyTest {

    static final String H_E1_1 = "sha256:c42af2c66d8ceca94f1e7df10be988e40d449ca785b2320f3e294c2f48aadf31";
    static final String H_E1_2 = "sha256:86412616c88f7528e8c306e2c792c07dce37d08ba2d0e40028f0319be50eb594";
    static final String H_E2_1 = "sha256:faea3689cecfacefc30ea31bc95fbcceaa7aa96fc0d8709bf0880b1020fe5af4";
    static final String H_E2_2 = "sha256:2bac8581af085822dce33b7321b05674cdfcd858fff0dd6616c0d5e46948a5f9";
    static final String H_E2_3 = "sha256:3bac8581af085822dce33b7321b05674cdfcd858fff0dd6616c0d5e46948a5f9";
    static final String H_E3_1 = "sha256:57a3d652c136e10d1dbf3d90be66b3d633253381e94852a5cab673bd383062ab";

    /** The copy, done, and every copied revision's snapshot listed and published. */
    private static void copiedAndConsistent(ReconcilerDriver d, String flavorDir) {
        d.pipeFixture(flavorDir + "/snapshot.json");
        d.snapshot("e-1", 1, H_E1_1, PUBLISHED, "p1");
        d.snapshot("e-1", 2, H_E1_2, PUBLISHED, "p1");
        d.snapshot("e-2", 1, H_E2_1, PUBLISHED, "p1");
        d.advance(1_000);
    }

    @ParameterizedTest
    @ValueSource(strings = {"mariadb/with-schema", "mariadb/no-schema"})
    void theRealCopyIsTrackedAndOpensTheGate(String dir) {
        try (ReconcilerDriver d = new ReconcilerDriver()) {
            d.pipeFixture(dir + "/snapshot.json");
            d.advance(1_000);
            WorkflowProgress revisions = d.table("revisions");
            assertEquals(WorkflowPhase.REPLICATING, revisions.getPhase());
            assertEquals(3, revisions.getRowsCopied());
            assertEquals("e-2/1", revisions.getLastCopiedKey());
            assertNotNull(revisions.getCopyStartedTime());
            assertNotNull(revisions.getCopyFinishedTime());
            WorkflowProgress heads = d.table("entity_heads");
            assertEquals(WorkflowPhase.REPLICATING, heads.getPhase());
            assertEquals(2, heads.getRowsCopied());

            d.pipeFixture(dir + "/insert-revision.json");
            d.pipeFixture(dir + "/transaction.json");
            d.advance(1_000);
            revisions = d.table("revisions");
            assertEquals(GtidFlavor.MARIADB, revisions.getGtidPosition().getFlavor());
            assertEquals("0-1-12", revisions.getGtidPosition().getPosition());
            assertEquals(3, revisions.getRowsCopied(), "streamed rows are not copied rows");
            assertEquals(List.of(), d.commands, "a consistent store needs no repair");
        }
    }

    @Test
    void nothingIsJudgedMissingWhileTheCopyRuns() {
        try (ReconcilerDriver d = new ReconcilerDriver()) {
            List<ReconcilerDriver.Envelope> copy = ReconcilerDriver.fixture("mariadb/no-schema/snapshot.json");
            d.pipe(copy.subList(0, copy.size() - 1)); // everything but the last row, e-2/1 (marker 'last')
            d.snapshot("e-2", 1, H_E2_1, PUBLISHED, "p1");
            d.advance(3 * d.grace());
            assertEquals(WorkflowPhase.COPYING, d.table("revisions").getPhase());
            assertEquals(List.of(), d.commands, "e-2/1 may simply not be copied yet");

            d.pipe(copy.get(copy.size() - 1));
            d.advance(3 * d.grace());
            assertEquals(WorkflowPhase.REPLICATING, d.table("revisions").getPhase());
            assertEquals(List.of(), d.commands, "its row came with the end of the copy");
        }
    }

    @Test
    void anIncrementalCopyIsGatedFromItsStartedToItsCompletedNotification() {
        // The notifications are the binlog source's real ones (captured from Debezium's sink channel, schemas on).
        try (ReconcilerDriver d = new ReconcilerDriver()) {
            d.pipeFixture("mariadb/no-schema/insert-revision.json"); // streaming first: no initial copy (no_data)
            d.pipeFixture("mariadb/notifications/initial-snapshot-started.json"); // the schema read: not a copy
            d.pipeFixture("mariadb/notifications/initial-snapshot-completed.json");
            d.pipeFixture("mariadb/notifications/incremental-snapshot-started.json");
            d.advance(1_000);
            assertEquals(WorkflowPhase.COPYING, d.table("revisions").getPhase());
            assertEquals(WorkflowPhase.COPYING, d.table("entity_heads").getPhase());
            List<ReconcilerDriver.Envelope> chunk = ReconcilerDriver.asIncremental(
                    ReconcilerDriver.fixture("mariadb/no-schema/snapshot.json"));
            d.pipe(chunk.subList(0, 3)); // heads e-1, e-2 and row e-1/1
            d.pipeFixture("mariadb/notifications/incremental-snapshot-in-progress.json");
            d.snapshot("e-2", 1, H_E2_1, PUBLISHED, "p1"); // its row is in the part not copied yet
            d.advance(3 * d.grace());
            assertEquals(WorkflowPhase.COPYING, d.table("revisions").getPhase());
            assertEquals("e-9,2", d.table("revisions").getLastCopiedKey(), "Debezium's chunk boundary");
            assertEquals(List.of(), d.commands, "e-2/1 may not be copied yet");

            d.pipe(chunk.subList(3, chunk.size()));
            d.pipeFixture("mariadb/notifications/incremental-snapshot-table-scan-completed.json"); // revisions done
            d.advance(1_000);
            assertEquals(WorkflowPhase.REPLICATING, d.table("revisions").getPhase());
            assertEquals(WorkflowPhase.COPYING, d.table("entity_heads").getPhase());
            d.pipeFixture("mariadb/notifications/incremental-snapshot-completed.json");
            d.advance(3 * d.grace());
            assertEquals(WorkflowPhase.REPLICATING, d.table("entity_heads").getPhase());
            assertEquals(3, d.table("revisions").getRowsCopied());
            assertEquals(List.of(), d.commands, "its row came with the rest of the copy");
            assertEquals(2.0, d.registry.get("holdfast.reconciler.skipped").tag("reason", "notification").counter().count());
        }
    }

    @Test
    void aSnapshotWithoutItsRowIsReplayedWithBackoffUntilTheRowIsSeen() {
        try (ReconcilerDriver d = new ReconcilerDriver()) {
            copiedAndConsistent(d, "mariadb/with-schema");
            d.pipeFixture("mariadb/with-schema/advance-head.json"); // head e-2 = 2, ahead of its rows: see below
            d.snapshot("e-2", 2, H_E2_2, PENDING, "p1"); // the writer crashed after the S3 step
            d.advance(d.grace() - 500);
            assertEquals(List.of(), d.commandsFor("e-2"), "within grace the writer may still insert the row");
            d.advance(1_000);
            List<ReconcileCommand> replays = d.commandsFor("e-2");
            assertEquals(1, replays.size());
            ReconcileCommand replay = replays.get(0);
            assertEquals(ReconcileCommandType.REPLAY_SNAPSHOT, replay.getType());
            assertEquals(2, replay.getRevision());
            assertEquals(1, replay.getAttempt());
            assertEquals("snapshots/e-2/2", replay.getSnapshot().getObjectKey());
            assertEquals(H_E2_2, replay.getSnapshot().getContentHash());
            assertEquals("0-1-11", replay.getGtidPosition().getPosition(), "decided at the binlog position read");
            AuditEvent audit = d.audit.stream().filter(a -> replay.getCommandId().equals(a.getCommandId())).findFirst().orElseThrow();
            assertEquals("replay_snapshot", audit.getDecision());
            assertEquals(replay.getGtidPosition(), audit.getPosition());
            assertFalse(audit.getEvidence().isEmpty());

            // The executor answers attempt 1 without effect: the next attempt comes one backoff after the answer.
            d.result(replay, CommandOutcome.FAILED);
            d.advance(d.config.settings().retryBackoffMs() - 500);
            assertEquals(1, d.commandsFor("e-2").size(), "no retry before the backoff");
            d.advance(1_000);
            assertEquals(2, d.commandsFor("e-2").size());
            ReconcileCommand retry = d.commandsFor("e-2").get(1);
            assertEquals(2, retry.getAttempt());
            assertNotEquals(replay.getCommandId(), retry.getCommandId());

            // Attempt 2 is not answered (the executor is behind or stopped): it is repeated after the longest backoff only.
            d.result(replay, CommandOutcome.FAILED); // a late copy of attempt 1's answer changes nothing
            d.advance(d.config.settings().retryBackoffMaxMs() - 1_000);
            assertEquals(2, d.commandsFor("e-2").size(), "an unanswered attempt is not repeated before the longest backoff");
            d.advance(1_500);
            assertEquals(3, d.commandsFor("e-2").size());

            d.pipeFixture("mariadb/with-schema/insert-revision.json"); // the replayed row, seen in the binlog
            d.advance(10 * d.config.settings().retryBackoffMs());
            assertTrue(d.commandsFor("e-2").stream().noneMatch(c -> c.getType() == ReconcileCommandType.REPLAY_SNAPSHOT
                    && c.getAttempt() > 3), "no replay once the row is seen");
        }
    }

    @Test
    void aRowWhoseSnapshotIsStillPendingIsMarkedPublished() {
        try (ReconcilerDriver d = new ReconcilerDriver()) {
            d.pipeFixture("mariadb/no-schema/snapshot.json");
            d.snapshot("e-1", 1, H_E1_1, PUBLISHED, "p1");
            d.snapshot("e-1", 2, H_E1_2, PENDING, "p1"); // the writer crashed before the tag
            d.snapshot("e-2", 1, H_E2_1, PUBLISHED, "p1");
            d.advance(d.grace() + 1_000);
            List<ReconcileCommand> marks = d.commandsFor("e-1");
            assertEquals(1, marks.size());
            assertEquals(ReconcileCommandType.MARK_PUBLISHED, marks.get(0).getType());
            assertEquals(2, marks.get(0).getRevision());
            assertEquals("snapshots/e-1/2", marks.get(0).getSnapshot().getObjectKey());

            d.snapshot("e-1", 2, H_E1_2, PUBLISHED, "p2"); // the next pass sees the tag
            d.advance(10 * d.config.settings().retryBackoffMs());
            assertEquals(1, d.commandsFor("e-1").size());
            assertTrue(ledger(d, "e-1").settled());
        }
    }

    @Test
    void theExecutorsPublishedResultSettlesTheEntityWithoutWaitingForTheNextPass() {
        try (ReconcilerDriver d = new ReconcilerDriver()) {
            d.pipeFixture("mariadb/no-schema/snapshot.json");
            d.snapshot("e-1", 1, H_E1_1, PUBLISHED, "p1");
            d.snapshot("e-1", 2, H_E1_2, PENDING, "p1");
            d.snapshot("e-2", 1, H_E2_1, PENDING, "p1");
            d.advance(d.grace() + 1_000);
            ReconcileCommand mark = d.commandsFor("e-1").get(0);
            assertEquals(ReconcileCommandType.MARK_PUBLISHED, mark.getType());
            ReconcileCommand markE2 = d.commandsFor("e-2").get(0);

            d.result(mark, CommandOutcome.SUCCEEDED);
            d.result(markE2, CommandOutcome.FAILED); // no effect: retried as before
            d.snapshot("e-1", 2, H_E1_2, PENDING, "p2"); // a pass that read the tag before the executor wrote it
            d.advance(10 * d.config.settings().retryBackoffMs());
            assertEquals(1, d.commandsFor("e-1").size(), "no MarkPublished again once the executor reported it done");
            assertTrue(ledger(d, "e-1").settled());
            assertTrue(d.commandsFor("e-2").size() > 1, "a failed MarkPublished is retried");
            assertFalse(ledger(d, "e-2").settled());

            byte[] before = ledgerBytes(d, "e-1");
            d.result(mark, CommandOutcome.SUCCEEDED); // redelivered: nothing changes
            d.advance(1_000);
            assertEquals(new String(before, StandardCharsets.ISO_8859_1), new String(ledgerBytes(d, "e-1"), StandardCharsets.ISO_8859_1));
            assertNull(ledgerBytes(d, "e-9-unknown"));
        }
    }

    @Test
    void aPublishedResultForARevisionNotYetListedChangesNothing() {
        try (ReconcilerDriver d = new ReconcilerDriver()) {
            copiedAndConsistent(d, "mariadb/no-schema");
            d.pipeFixture("mariadb/no-schema/insert-revision.json"); // row e-2/2, its snapshot not listed yet
            ReconcileCommand early = ReconcileCommand.newBuilder().setCommandId("c-early").setType(ReconcileCommandType.MARK_PUBLISHED)
                    .setEntityId("e-2").setRevision(2).setDecidedTime(java.time.Instant.ofEpochMilli(d.now)).build();
            d.result(early, CommandOutcome.SUCCEEDED);
            d.snapshot("e-2", 2, H_E2_2, PENDING, "p2");
            d.advance(d.grace() + 1_000);
            List<ReconcileCommand> marks = d.commandsFor("e-2").stream()
                    .filter(c -> c.getType() == ReconcileCommandType.MARK_PUBLISHED).toList();
            assertEquals(1, marks.size(), "the scan is the authority: a report that overtook the inventory is not trusted");
            assertEquals(2, marks.get(0).getRevision());
        }
    }

    @Test
    void aLaggingHeadIsAdvancedToTheHighestConfirmedRevisionAndNeverBeyond() {
        try (ReconcilerDriver d = new ReconcilerDriver()) {
            copiedAndConsistent(d, "mariadb/no-schema");
            d.pipeFixture("mariadb/no-schema/insert-revision.json"); // row e-2/2; the writer crashed before the head
            d.advance(d.grace() + 1_000);
            assertEquals(List.of(), d.commandsFor("e-2"), "a row alone is no revision: its snapshot is not listed yet");

            d.snapshot("e-2", 2, H_E2_2, PUBLISHED, "p2");
            d.advance(d.grace() + 1_000);
            List<ReconcileCommand> advances = d.commandsFor("e-2");
            assertEquals(1, advances.size());
            ReconcileCommand advance = advances.get(0);
            assertEquals(ReconcileCommandType.ADVANCE_HEAD, advance.getType());
            assertEquals(2, advance.getRevision());
            assertEquals(1L, advance.getExpectedHead());
            assertNull(advance.getSnapshot());

            d.pipeFixture("mariadb/no-schema/advance-head.json"); // GREATEST(1, 2), seen in the binlog
            d.advance(10 * d.config.settings().retryBackoffMs());
            assertEquals(1, d.commandsFor("e-2").size());
            assertEquals(2, ledger(d, "e-2").head());
        }
    }

    @Test
    void aHeadWhoseTargetMovedOnWhileAnAdvanceWasInFlightGoesOnToTheNewTargetOnceAnswered() {
        try (ReconcilerDriver d = new ReconcilerDriver()) {
            copiedAndConsistent(d, "mariadb/no-schema");
            d.pipeFixture("mariadb/no-schema/insert-revision.json"); // e-2/2, head still 1
            d.snapshot("e-2", 2, H_E2_2, PUBLISHED, "p2");
            d.advance(d.grace() + 1_000);
            ReconcileCommand toTwo = d.commandsFor("e-2").get(0);
            assertEquals(2, toTwo.getRevision());

            // Revision 3 is confirmed while the advance to 2 is still with the executor.
            d.pipe(revisionThree());
            d.snapshot("e-2", 3, H_E2_3, PUBLISHED, "p2");
            d.pipeFixture("mariadb/no-schema/advance-head.json"); // the advance to 2 took effect
            d.result(toTwo, CommandOutcome.SUCCEEDED);
            d.advance(d.grace() + 1_000);
            List<ReconcileCommand> advances = d.commandsFor("e-2");
            assertEquals(2, advances.size(), "the head goes on to 3 once the advance to 2 is answered, not after the longest backoff");
            assertEquals(ReconcileCommandType.ADVANCE_HEAD, advances.get(1).getType());
            assertEquals(3, advances.get(1).getRevision());
            assertEquals(2L, advances.get(1).getExpectedHead());
        }
    }

    /** The row of e-2/3, as the binlog source would deliver it after the captured insert of e-2/2. */
    private static List<ReconcilerDriver.Envelope> revisionThree() {
        return ReconcilerDriver.fixture("mariadb/no-schema/insert-revision.json").stream()
                .map(e -> new ReconcilerDriver.Envelope(e.topic(), e.key().replace("\"revision\":2", "\"revision\":3"),
                        e.value().replace("\"revision\":2", "\"revision\":3").replace("snapshots/e-2/2", "snapshots/e-2/3")
                                .replace(H_E2_2, H_E2_3).replace("\"gtid\":\"0-1-10\"", "\"gtid\":\"0-1-12\"")
                                .replace("\"pos\":3298", "\"pos\":4398")))
                .toList();
    }

    @Test
    void aHeadMovedBackwardIsAlertedOnceAndNotRepaired() {
        try (ReconcilerDriver d = new ReconcilerDriver()) {
            copiedAndConsistent(d, "mariadb/with-schema");
            d.pipeFixture("mariadb/with-schema/head-backward.json");
            d.pipeFixture("mariadb/with-schema/head-backward.json"); // redelivered after a source restart
            d.advance(3 * d.grace());
            assertEquals(1, d.alerts.size());
            Alert alert = d.alerts.get(0);
            assertEquals("head_moved_backward", alert.getCode());
            assertEquals("e-1", alert.getScope().getTarget());
            assertEquals("2", alert.getEvidence().get("from"));
            assertEquals("1", alert.getEvidence().get("to"));
            assertEquals(List.of(), d.commandsFor("e-1"), "never a silent fix");
            assertTrue(d.audit.stream().anyMatch(a -> a.getDecision().equals("alert_head_moved_backward")));
        }
    }

    @Test
    void aRevisionRowWithoutSnapshotIsAlertedOnceACompletePassMissedIt() {
        try (ReconcilerDriver d = new ReconcilerDriver()) {
            copiedAndConsistent(d, "mariadb/no-schema");
            d.pipeFixture("mariadb/no-schema/transaction.json"); // rows e-3/1 and e-3/2, committed at source time T
            long committed = 1_796_578_453_000L;
            listPass(d, "p2");
            d.scannerReport("p2", 4, true, committed + d.grace() / 2, committed + d.grace());
            d.advance(3 * d.config.settings().recheckMs());
            assertEquals(List.of(), d.alerts, "that pass may have started before the row was written");

            d.scannerReport("p3", 4, true, committed + 2 * d.grace(), committed + 3 * d.grace());
            d.advance(2 * d.config.settings().recheckMs());
            assertEquals(List.of(), d.alerts, "the scanner is done with p3, but its objects have not reached this app");
            listPass(d, "p3");
            d.advance(2 * d.config.settings().recheckMs());
            List<Alert> alerts = d.alerts.stream().filter(a -> a.getScope().getTarget().equals("e-3")).toList();
            assertEquals(1, alerts.size());
            assertEquals("revision_without_snapshot", alerts.get(0).getCode());
            assertEquals("1", alerts.get(0).getEvidence().get("revision"));
            assertTrue(d.commandsFor("e-3").stream().noneMatch(c -> c.getRevision() == 1));
        }
    }

    @Test
    void aContentHashMismatchIsAlertedOnceAndNeverPublished() {
        try (ReconcilerDriver d = new ReconcilerDriver()) {
            d.pipeFixture("mariadb/no-schema/snapshot.json");
            d.snapshot("e-1", 1, H_E1_1, PUBLISHED, "p1");
            d.snapshot("e-1", 2, "sha256:0000", PENDING, "p1");
            d.snapshot("e-2", 1, H_E2_1, PUBLISHED, "p1");
            d.snapshot("e-1", 2, "sha256:0000", PENDING, "p2");
            d.advance(5 * d.grace());
            assertEquals(1, d.alerts.size());
            assertEquals("content_hash_mismatch", d.alerts.get(0).getCode());
            assertEquals(H_E1_2, d.alerts.get(0).getEvidence().get("row_hash"));
            assertEquals(List.of(), d.commandsFor("e-1"), "a mismatched snapshot is neither published nor advanced to");
        }
    }

    @Test
    void historyRewrittenOrDeletedInVitessIsAlerted() {
        try (ReconcilerDriver d = new ReconcilerDriver()) {
            copiedAndConsistent(d, "mariadb/with-schema");
            d.pipeFixture("mariadb/with-schema/revision-updated.json");
            d.pipeFixture("mariadb/with-schema/revision-deleted.json"); // a delete and its tombstone
            d.advance(3 * d.grace());
            assertEquals(List.of("revision_rewritten", "revision_deleted"), d.alerts.stream().map(Alert::getCode).toList());
            assertEquals(1.0, d.registry.get("holdfast.reconciler.skipped").tag("reason", "tombstone").counter().count());
            assertEquals(List.of(), d.commands);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mysql", "vitess"})
    void theDocumentedMySqlAndVitessEnvelopesDriveTheSameDecisions(String connector) {
        try (ReconcilerDriver d = new ReconcilerDriver()) {
            d.pipeFixture(connector + "/snapshot.json");
            d.advance(1_000);
            assertEquals(WorkflowPhase.REPLICATING, d.table("revisions").getPhase());
            d.pipeFixture(connector + "/insert-revision.json");
            d.pipeFixture(connector + "/advance-head.json");
            d.advance(1_000);
            WorkflowProgress revisions = d.table("revisions");
            assertEquals(connector.equals("mysql") ? GtidFlavor.MYSQL : GtidFlavor.VITESS_VGTID,
                    revisions.getGtidPosition().getFlavor());
            d.snapshot("e-9", 1, "sha256:99", PENDING, "p1"); // an orphan
            d.advance(d.grace() + 1_000);
            List<ReconcileCommand> replays = d.commandsFor("e-9");
            assertEquals(1, replays.size());
            assertEquals(ReconcileCommandType.REPLAY_SNAPSHOT, replays.get(0).getType());
            assertTrue(ReplicationPosition.fromAvro(replays.get(0).getGtidPosition())
                    .contains(ReplicationPosition.fromAvro(revisions.getGtidPosition())), "decided at the binlog position read");
        }
    }

    @Test
    void badInputGoesToTheDeadLetterTopicAndChangesNothing() {
        try (ReconcilerDriver d = new ReconcilerDriver()) {
            copiedAndConsistent(d, "mariadb/no-schema");
            byte[] before = ledgerBytes(d, "e-1");
            d.revisions.pipeInput("{\"entity_id\":\"e-1\"}", "not json at all", d.now);
            d.revisions.pipeInput("{\"entity_id\":\"e-1\"}", "{\"payload\":{\"before\":null}}", d.now);
            d.revisions.pipeInput("{\"entity_id\":\"e-1\"}", "{\"op\":\"c\",\"after\":{\"entity_id\":\"e-1\",\"revision\":\"x\"},"
                    + "\"source\":{\"connector\":\"mariadb\",\"name\":\"cdc.holdfast\",\"table\":\"revisions\",\"ts_ms\":1}}", d.now);
            d.revisions.pipeInput("{\"id\":1}", "{\"op\":\"c\",\"after\":{\"id\":1},"
                    + "\"source\":{\"connector\":\"mariadb\",\"name\":\"cdc.holdfast\",\"table\":\"other\",\"ts_ms\":1}}", d.now);
            d.snapshots.pipeInput("e-1", io.holdfast.schemas.SnapshotObject.newBuilder(
                    ReconcilerDriver.snapshotObject("e-1", 3, "h", PENDING, "p9", d.now)).setEntityId("").build(), d.now);
            d.pipeFixture("mariadb/no-schema/insert-revision.json"); // good input keeps flowing
            d.advance(1_000);
            List<TestRecord<byte[], byte[]>> dead = d.deadLetterOut.readRecordsToList();
            assertEquals(5, dead.size());
            for (TestRecord<byte[], byte[]> r : dead) {
                Header reason = r.headers().lastHeader("__streams.errors.message");
                assertNotNull(reason, "every dead letter says why");
                assertFalse(new String(reason.value(), StandardCharsets.UTF_8).isBlank());
            }
            assertEquals(new String(before, StandardCharsets.ISO_8859_1), new String(ledgerBytes(d, "e-1"), StandardCharsets.ISO_8859_1));
            assertTrue(ledger(d, "e-2").highestRow() == 2, "the good record after the bad ones was processed");
        }
    }

    @Test
    void pausedDecidesNothingAndDryRunAuditsWithoutSending() {
        try (ReconcilerDriver d = new ReconcilerDriver()) {
            copiedAndConsistent(d, "mariadb/no-schema");
            d.control(ControlAction.PAUSE);
            d.snapshot("e-5", 1, "sha256:55", PENDING, "p2");
            d.advance(3 * d.grace());
            assertEquals(List.of(), d.commands);
            assertTrue(d.audit.isEmpty());

            d.control(ControlAction.RESUME);
            d.control(ControlAction.DRY_RUN_ON);
            d.advance(d.config.settings().recheckMs() + 1_000);
            assertEquals(List.of(), d.commands);
            AuditEvent dry = d.audit.stream().filter(a -> a.getDecision().equals("replay_snapshot")).findFirst().orElseThrow();
            assertTrue(dry.getDryRun());

            d.control(ControlAction.DRY_RUN_OFF);
            d.advance(d.config.settings().retryBackoffMaxMs());
            assertFalse(d.commandsFor("e-5").isEmpty(), "back to repairing once the operator allows it");
        }
    }

    @Test
    void theDiffPassCountsEveryObjectAndCompletesWithTheScanner() {
        try (ReconcilerDriver d = new ReconcilerDriver()) {
            copiedAndConsistent(d, "mariadb/no-schema"); // pass p1: 3 objects, all matching once published
            d.snapshot("e-1", 1, H_E1_1, PUBLISHED, "p2");
            d.snapshot("e-1", 2, H_E1_2, PUBLISHED, "p2");
            d.snapshot("e-2", 1, H_E2_1, PUBLISHED, "p2");
            d.snapshot("e-7", 1, "sha256:77", PENDING, "p2"); // an orphan
            d.advance(d.grace() + 1_000);
            var diff = d.diff().getDiffPass();
            assertEquals("p2", diff.getPassId());
            assertEquals(DiffPassState.RUNNING, diff.getState());
            assertEquals(4, diff.getObjectsCompared());
            assertEquals(3, diff.getMatched());
            assertEquals(1, diff.getReplayed());
            assertEquals("snapshots/e-7/1", diff.getLastKey());

            d.scannerReport("p2", 4, true, d.now - 5_000, d.now);
            d.advance(1_000);
            assertEquals(DiffPassState.COMPLETED, d.diff().getDiffPass().getState());
        }
    }

    @Test
    void aResolvedEntityKeepsNoDetail() {
        try (ReconcilerDriver d = new ReconcilerDriver()) {
            copiedAndConsistent(d, "mariadb/no-schema");
            EntityLedger e1 = ledger(d, "e-1");
            assertTrue(e1.settled());
            assertEquals("[1-2]", e1.resolvedRanges());
            assertTrue(ledgerBytes(d, "e-1").length <= 24, "resolved ledger is " + ledgerBytes(d, "e-1").length + " bytes");
        }
    }

    @Test
    void topologyMatchesItsSnapshot() {
        try (ReconcilerDriver d = new ReconcilerDriver()) {
            TopologySnapshot.assertMatches(d.topology, Path.of("src/test/resources/topology/reconciler-app.txt"));
        }
    }

    /** A scan pass listing what S3 holds in these tests: the copied revisions and e-3/2 (e-3/1 never reached S3). */
    private static void listPass(ReconcilerDriver d, String pass) {
        d.snapshot("e-1", 1, H_E1_1, PUBLISHED, pass);
        d.snapshot("e-1", 2, H_E1_2, PUBLISHED, pass);
        d.snapshot("e-2", 1, H_E2_1, PUBLISHED, pass);
        d.snapshot("e-3", 2, "sha256:f23328c0800d1a9a01f6d57fd866a9e8f83d7a7eb4eb12d9a2c35d667218cb6d", PUBLISHED, pass);
    }

    static byte[] ledgerBytes(ReconcilerDriver d, String entity) {
        KeyValueStore<String, byte[]> store = d.driver.getKeyValueStore(ReconcilerTopology.ENTITIES_STORE);
        return store.get(entity);
    }

    static EntityLedger ledger(ReconcilerDriver d, String entity) {
        return EntityLedger.fromBytes(ledgerBytes(d, entity));
    }

    @SuppressWarnings("unused")
    private static Map<String, String> none() {
        return Map.of();
    }
}
