package io.holdfast.connectors.scan.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.holdfast.schemas.DiffPassState;
import io.holdfast.schemas.WorkflowPhase;
import io.holdfast.schemas.WorkflowProgress;
import io.holdfast.schemas.serde.HoldfastSerdes;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class PassReportsTest {

    private static final Instant NOW = Instant.parse("2026-12-06T18:30:00Z");

    @Test
    void theKeyIsTheOneTheReconcilerReads() {
        // WorkflowKeys.scan(bucket, prefix) in reconciler-stream
        assertEquals("s3:holdfast-snapshots/snapshots/", PassReports.key("holdfast-snapshots", "snapshots/"));
    }

    @Test
    void aRunningPassAfterACompleteOne() {
        ScanCheckpoint running = new ScanCheckpoint("p2", 3_000L, "s/e/1", 50, 49, 1, 2, null,
                new ScanCheckpoint.CompletedPass("p1", 1_000L, 2_000L));
        WorkflowProgress p = roundTrip(PassReports.progress("b", "s/", running, NOW));
        assertEquals("s3-scan", p.getWorkflow());
        assertEquals("s3:b", p.getStream());
        assertEquals("s/", p.getTable());
        assertEquals(WorkflowPhase.REPLICATING, p.getPhase());
        assertNull(p.getMessage());
        assertEquals("p2", p.getDiffPass().getPassId());
        assertEquals(DiffPassState.RUNNING, p.getDiffPass().getState());
        assertEquals(49, p.getDiffPass().getObjectsCompared(), "what the reconciler will be able to compare: the emitted records");
        assertEquals("s/e/1", p.getDiffPass().getLastKey());
        assertEquals(Instant.ofEpochMilli(3_000L), p.getDiffPass().getStartedTime());
        assertNull(p.getDiffPass().getFinishedTime());
        assertEquals(Instant.ofEpochMilli(1_000L), p.getCopyStartedTime());
        assertEquals(Instant.ofEpochMilli(2_000L), p.getCopyFinishedTime());
        assertEquals(NOW, p.getUpdatedTime());
    }

    @Test
    void aCompletedPassIsTheLatestCompleteOne() {
        ScanCheckpoint done = new ScanCheckpoint("p2", 3_000L, "s/z/1", 200, 200, 0, 8, 4_000L,
                new ScanCheckpoint.CompletedPass("p2", 3_000L, 4_000L));
        WorkflowProgress p = roundTrip(PassReports.progress("b", "s/", done, NOW));
        assertEquals(DiffPassState.COMPLETED, p.getDiffPass().getState());
        assertEquals(Instant.ofEpochMilli(4_000L), p.getDiffPass().getFinishedTime());
        assertEquals(Instant.ofEpochMilli(3_000L), p.getCopyStartedTime());
        assertEquals(Instant.ofEpochMilli(4_000L), p.getCopyFinishedTime());
    }

    @Test
    void anErrorStopsTheWorkflowWithItsReason() {
        ScanCheckpoint first = new ScanCheckpoint("p1", 3_000L, null, 0, 0, 0, 0, null, null);
        WorkflowProgress p = roundTrip(PassReports.stopped("b", "s/", first, "scanner stopped by an error: boom", NOW));
        assertEquals(WorkflowPhase.STOPPED, p.getPhase());
        assertEquals("scanner stopped by an error: boom", p.getMessage());
        assertEquals(DiffPassState.RUNNING, p.getDiffPass().getState());
        assertNull(p.getCopyStartedTime());
        assertNull(p.getCopyFinishedTime());
    }

    private static WorkflowProgress roundTrip(WorkflowProgress p) {
        Serde<WorkflowProgress> serde = HoldfastSerdes.value(WorkflowProgress.class, Map.of());
        return serde.deserializer().deserialize("t", serde.serializer().serialize("t", p));
    }
}
