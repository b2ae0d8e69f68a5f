package io.holdfast.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code holdfast run reconciler}: registered with its help, its settings listed, bad settings refused in one line. */
class RunReconcilerCommandTest {

    @Test
    void isRegisteredWithHelpAndItsSettingsAreListed() {
        CliRun help = CliRun.run("run", "reconciler", "--help");
        assertEquals(0, help.exit());
        assertTrue(help.out().contains("commands.reconcile") && help.out().contains("--set"), help.out());
        CliRun list = CliRun.run("config", "--list");
        for (String key : new String[] {"holdfast.reconciler.grace.ms", "holdfast.reconciler.revisions.hash.column",
                "holdfast.cdc.revisions.table", "holdfast.snapshots.bucket"}) {
            assertTrue(list.out().contains(key + " ("), key + " missing from:\n" + list.out());
        }
    }

    @Test
    void badSettingsEndWithOneLineBeforeAnythingStarts() {
        CliRun grace = CliRun.run("run", "reconciler", "--set", "holdfast.reconciler.grace.ms=-5");
        assertEquals(1, grace.exit());
        grace.assertOneLine("holdfast.reconciler.grace.ms");
        CliRun column = CliRun.run("run", "reconciler", "--set", "holdfast.reconciler.revisions.hash.column=");
        assertEquals(1, column.exit());
        column.assertOneLine("holdfast.reconciler.revisions.hash.column");
    }
}
