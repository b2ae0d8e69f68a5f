package io.holdfast.connectors.reconcile.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.holdfast.schemas.CommandKind;
import io.holdfast.schemas.CommandOutcome;
import io.holdfast.schemas.CommandResult;
import io.holdfast.schemas.ReconcileCommandType;
import io.holdfast.schemas.ReconcileObserved;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReconcileResultsTest {

    private static final Instant T0 = Instant.ofEpochMilli(1_700_000_000_000L);

    @Test
    void aResultIsTheEntitysAndTheCommandsKind() {
        CommandResult result = ReconcileResults.of(CommandDecoderTest.command(ReconcileCommandType.ADVANCE_HEAD, null), "reconcile@h",
                CommandOutcome.SUCCEEDED, "head at 2", T0, T0.plusMillis(5), Map.of("head", "2"));
        assertEquals(CommandKind.RECONCILE, result.getCommandKind());
        assertEquals(ReconcileCommandType.ADVANCE_HEAD, result.getReconcileType());
        assertEquals("entity-1", result.getTarget());
        assertEquals(1, result.getAttempt());
        assertEquals(Map.of("head", "2", ReconcileObserved.REVISION, "2"), result.getObserved(), "the revision is read back by the reconciler");
    }

    @Test
    void aDuplicateCarriesTheEarlierExecutionsStateAndOutcome() {
        CommandResult earlier = ReconcileResults.of(CommandDecoderTest.command(ReconcileCommandType.ADVANCE_HEAD, null), "reconcile@h",
                CommandOutcome.SUCCEEDED, "head at 2", T0, T0, Map.of("head", "2"));
        CommandResult duplicate = ReconcileResults.duplicateOf(earlier, "reconcile@other", T0.plusSeconds(60));
        assertEquals(CommandOutcome.DUPLICATE, duplicate.getOutcome());
        assertEquals(Map.of("head", "2", ReconcileObserved.REVISION, "2", ReconcileResults.OBSERVED_EARLIER_OUTCOME, "SUCCEEDED"),
                duplicate.getObserved());
        assertEquals("reconcile@other", duplicate.getExecutor());
        assertEquals(T0.plusSeconds(60), duplicate.getFinishedTime());
        CommandResult again = ReconcileResults.duplicateOf(duplicate, "reconcile@h", T0.plusSeconds(90));
        assertEquals("SUCCEEDED", again.getObserved().get(ReconcileResults.OBSERVED_EARLIER_OUTCOME),
                "a duplicate of a duplicate still names the execution");
    }
}
