package io.holdfast.connectors.scan.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.connectors.scan.ScanConfig;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PassPlanTest {

    private static final PassIds IDS = new PassIds(DateTimeFormatter.ofPattern(ScanConfig.DEFAULT_PASS_ID_FORMAT).withZone(ZoneOffset.UTC));
    private static final Instant NOW = Instant.parse("2026-12-06T18:30:00.250Z");

    @Test
    void theFirstPassStartsFromTheBeginning() {
        PassPlan plan = PassPlan.next(Optional.empty(), NOW, IDS);
        assertEquals("20261206T183000.250Z", plan.passId());
        assertEquals(NOW.toEpochMilli(), plan.startedMs());
        assertNull(plan.startAfter());
        assertFalse(plan.resumed());
        assertNull(plan.latestComplete());
        assertEquals(0, plan.pages());
        assertEquals(Instant.EPOCH, PassPlan.dueAt(Optional.empty(), Duration.ofMinutes(1)));
    }

    @Test
    void anUnfinishedPassResumesUnderItsOwnIdAfterItsLastKey() {
        ScanCheckpoint.CompletedPass previous = new ScanCheckpoint.CompletedPass("p0", 100L, 200L);
        ScanCheckpoint crashed = new ScanCheckpoint("p1", 1_000L, "snapshots/e-75/1", 75, 74, 1, 3, null, previous);
        PassPlan plan = PassPlan.next(Optional.of(crashed), NOW, IDS);
        assertEquals("p1", plan.passId());
        assertEquals(1_000L, plan.startedMs(), "the pass keeps its start: its duration spans the crash");
        assertEquals("snapshots/e-75/1", plan.startAfter());
        assertTrue(plan.resumed());
        assertEquals(75, plan.objectsListed());
        assertEquals(74, plan.objectsEmitted());
        assertEquals(1, plan.objectsSkipped());
        assertEquals(3, plan.pages());
        assertEquals(previous, plan.latestComplete());
        assertEquals(crashed, plan.asCheckpoint());
        assertEquals(Instant.EPOCH, PassPlan.dueAt(Optional.of(crashed), Duration.ofMinutes(1)), "resumed at once");
    }

    @Test
    void aFinishedPassIsFollowedByANewOneThatRemembersIt() {
        ScanCheckpoint finished = new ScanCheckpoint("p1", 1_000L, "snapshots/z/1", 201, 200, 1, 9, 5_000L,
                new ScanCheckpoint.CompletedPass("p1", 1_000L, 5_000L));
        PassPlan plan = PassPlan.next(Optional.of(finished), NOW, IDS);
        assertEquals("20261206T183000.250Z", plan.passId());
        assertFalse(plan.resumed());
        assertNull(plan.startAfter());
        assertEquals(0, plan.objectsListed());
        assertEquals(new ScanCheckpoint.CompletedPass("p1", 1_000L, 5_000L), plan.latestComplete());
        assertFalse(plan.asCheckpoint().finished());
        assertEquals(Instant.ofEpochMilli(61_000L), PassPlan.dueAt(Optional.of(finished), Duration.ofMinutes(1)),
                "the interval counts from the previous pass's start");
    }

    @Test
    void passIdsNeverRepeatTheirPredecessor() {
        PassIds minutes = new PassIds(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm").withZone(ZoneOffset.UTC));
        assertEquals("2026-12-06T18:30", minutes.next(NOW, null));
        assertEquals("2026-12-06T18:30-2", minutes.next(NOW, "2026-12-06T18:30"));
        assertEquals("2026-12-06T18:30-3", minutes.next(NOW, "2026-12-06T18:30-2"));
        assertEquals("2026-12-06T18:30", minutes.next(NOW, "2026-12-06T18:29"));
    }
}
