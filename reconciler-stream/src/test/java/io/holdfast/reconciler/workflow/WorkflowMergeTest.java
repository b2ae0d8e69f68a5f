package io.holdfast.reconciler.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.holdfast.reconciler.cdc.SnapshotMarker;
import io.holdfast.reconciler.gtid.ReplicationPosition;
import io.holdfast.schemas.DiffPass;
import io.holdfast.schemas.DiffPassState;
import io.holdfast.schemas.GtidFlavor;
import io.holdfast.schemas.WorkflowPhase;
import io.holdfast.schemas.WorkflowProgress;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Debezium spreads a table's copied rows over partitions by key, while the first and last snapshot
 * markers land on one partition each: the merged phase must follow the markers, not any one partition.
 */
class WorkflowMergeTest {

    private static ReplicationPosition mariadb(String text) {
        return ReplicationPosition.parse(GtidFlavor.MARIADB, text);
    }

    @Test
    void theCopyRunsFromTheFirstMarkerOnOnePartitionToTheLastOnAnother() {
        CdcProgress p0 = new CdcProgress("cdc.holdfast", "revisions");
        CdcProgress p1 = new CdcProgress("cdc.holdfast", "revisions");
        p0.observe(SnapshotMarker.FIRST, 1_000, "e-1/1", null);
        p1.observe(SnapshotMarker.TRUE, 1_000, "e-2/1", null);
        WorkflowProgress copying = WorkflowMerge.mergeCdc("cdc.holdfast/revisions",
                List.of(p0.toPartial(0, 10), p1.toPartial(1, 11)), 12);
        assertEquals(WorkflowPhase.COPYING, copying.getPhase());
        assertEquals(2, copying.getRowsCopied());
        assertNull(copying.getCopyFinishedTime());

        p1.observe(SnapshotMarker.LAST, 1_000, "e-3/1", null);
        WorkflowProgress done = WorkflowMerge.mergeCdc("cdc.holdfast/revisions",
                List.of(p0.toPartial(0, 10), p1.toPartial(1, 13)), 14);
        assertEquals(WorkflowPhase.REPLICATING, done.getPhase());
        assertEquals(3, done.getRowsCopied());
        assertEquals("e-3/1", done.getLastCopiedKey());
    }

    @Test
    void aPartitionThatOnlySawMiddleRowsKeepsTheGateClosed() {
        CdcProgress p1 = new CdcProgress("cdc.holdfast", "revisions");
        p1.observe(SnapshotMarker.TRUE, 1_000, "e-2/1", null);
        assertEquals(WorkflowPhase.UNKNOWN,
                WorkflowMerge.mergeCdc("cdc.holdfast/revisions", List.of(p1.toPartial(1, 10)), 11).getPhase());
    }

    @Test
    void aNewCopyAfterStreamingClosesTheGateAgainAndPositionsMergeAcrossPartitions() {
        CdcProgress p0 = new CdcProgress("cdc.holdfast", "revisions");
        CdcProgress p1 = new CdcProgress("cdc.holdfast", "revisions");
        p0.observe(SnapshotMarker.FIRST, 1_000, "a", null);
        p0.observe(SnapshotMarker.LAST, 1_000, "b", null);
        p0.observe(SnapshotMarker.FALSE, 2_000, "c", mariadb("0-1-10"));
        p1.observe(SnapshotMarker.FALSE, 2_100, "d", mariadb("0-1-12,1-2-5"));
        WorkflowProgress streaming = WorkflowMerge.mergeCdc("k", List.of(p0.toPartial(0, 1), p1.toPartial(1, 2)), 3);
        assertEquals(WorkflowPhase.REPLICATING, streaming.getPhase());
        assertEquals("0-1-12,1-2-5", streaming.getGtidPosition().getPosition());
        assertEquals(Instant.ofEpochMilli(2_100), streaming.getLastEventTime());

        p1.observe(SnapshotMarker.FIRST, 3_000, "a", null); // a re-snapshot starts
        assertEquals(WorkflowPhase.COPYING,
                WorkflowMerge.mergeCdc("k", List.of(p0.toPartial(0, 1), p1.toPartial(1, 4)), 5).getPhase());
    }

    @Test
    void aStreamWithoutAnyCopyReplicatesFromItsFirstChange() {
        CdcProgress p = new CdcProgress("cdc.holdfast", "entity_heads");
        p.observe(SnapshotMarker.FALSE, 5_000, "e-1", mariadb("0-1-3"));
        WorkflowProgress w = WorkflowMerge.mergeCdc("k", List.of(p.toPartial(0, 1)), 2);
        assertEquals(WorkflowPhase.REPLICATING, w.getPhase());
        assertEquals(0, w.getRowsCopied());
        assertEquals(p.toPartial(0, 1).position(), CdcProgress.fromBytes(p.toBytes()).toPartial(0, 1).position());
    }

    @Test
    void theDiffSumsTheLatestPassAndCompletesOnlyWhenBothSidesAreDone() {
        DiffTally t0 = new DiffTally();
        DiffTally t1 = new DiffTally();
        t0.compared("p1", 100, "snapshots/a/1", true);
        t0.compared("p2", 200, "snapshots/a/1", true);
        t1.compared("p2", 210, "snapshots/b/1", false);
        t1.replayed();
        assertEquals(false, t0.compared("p1", 150, "snapshots/z/1", true), "an older pass is not counted");
        DiffPass scanner = DiffPass.newBuilder().setPassId("p2").setState(DiffPassState.COMPLETED).setObjectsCompared(3)
                .setStartedTime(Instant.ofEpochMilli(190)).setFinishedTime(Instant.ofEpochMilli(300)).build();
        WorkflowProgress scan = WorkflowProgress.newBuilder().setWorkflow("s3-scan").setStream("s3:b").setTable("snapshots/")
                .setPhase(WorkflowPhase.REPLICATING)
                .setDiffPass(scanner).setUpdatedTime(Instant.ofEpochMilli(300)).build();
        WorkflowProgress running = WorkflowMerge.mergeDiff("diff:b/snapshots/", "b", "snapshots/",
                List.of(t0.toPartial("diff:b/snapshots/", 0, 1), t1.toPartial("diff:b/snapshots/", 1, 2)), scan, null, 400);
        assertEquals("p2", running.getDiffPass().getPassId());
        assertEquals(2, running.getDiffPass().getObjectsCompared());
        assertEquals(1, running.getDiffPass().getMatched());
        assertEquals(1, running.getDiffPass().getReplayed());
        assertEquals(DiffPassState.RUNNING, running.getDiffPass().getState(), "the scanner listed 3, 2 compared");
        assertNull(running.getCopyStartedTime());

        t1.compared("p2", 220, "snapshots/c/1", true);
        WorkflowProgress complete = WorkflowMerge.mergeDiff("diff:b/snapshots/", "b", "snapshots/",
                List.of(t0.toPartial("diff:b/snapshots/", 0, 1), t1.toPartial("diff:b/snapshots/", 1, 3)), scan, null, 500);
        assertEquals(DiffPassState.COMPLETED, complete.getDiffPass().getState());
        assertEquals(Instant.ofEpochMilli(190), complete.getCopyStartedTime(), "the scanner's own start of the pass");
        assertEquals("snapshots/c/1", complete.getDiffPass().getLastKey());
    }
}
