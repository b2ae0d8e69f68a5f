package io.holdfast.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** `holdfast write` and `holdfast execute reconcile` up to the point where they would reach the store or the cluster. */
class WriteAndReconcileCommandsTest {

    @Test
    void bothCommandsAreRegisteredWithHelp() {
        CliRun top = CliRun.run("--help");
        assertTrue(top.out().contains("write"), top.out());
        CliRun write = CliRun.run("write", "--help");
        assertEquals(0, write.exit());
        for (String option : new String[] {"--entities", "--revisions", "--fail-after-s3", "--fail-after-row", "--fail-after-head",
                "--rate", "--threads", "--seed", "--ledger", "--entity-prefix", "--config", "--set"}) {
            assertTrue(write.out().contains(option), option + " missing from:\n" + write.out());
        }
        CliRun reconcile = CliRun.run("execute", "reconcile", "--help");
        assertEquals(0, reconcile.exit());
        assertTrue(reconcile.out().contains("commands.reconcile") && reconcile.out().contains("--config"), reconcile.out());
        CliRun execute = CliRun.run("execute", "--help");
        assertTrue(execute.out().contains("reconcile") && execute.out().contains("fleet"), execute.out());
    }

    @Test
    void badFlagsEndWithOneLineAndExitTwo() {
        CliRun notANumber = CliRun.run("write", "--entities", "many", "--revisions", "3", "--rate", "10");
        assertEquals(2, notANumber.exit());
        notANumber.assertOneLine("'--entities': 'many' is not an int");

        CliRun missing = CliRun.run("write", "--entities", "3", "--rate", "10");
        assertEquals(2, missing.exit());
        missing.assertOneLine("--revisions");

        CliRun zero = CliRun.run("write", "--entities", "0", "--revisions", "3", "--rate", "10");
        assertEquals(2, zero.exit());
        zero.assertOneLine("--entities must be at least 1, not 0");

        CliRun notAProbability = CliRun.run("write", "--entities", "1", "--revisions", "1", "--rate", "10", "--fail-after-row", "1.5");
        assertEquals(2, notAProbability.exit());
        notAProbability.assertOneLine("--fail-after-row must be a probability between 0 and 1, not 1.5");

        CliRun unknown = CliRun.run("execute", "reconcile", "--entities", "3");
        assertEquals(2, unknown.exit());
        unknown.assertOneLine("--entities");
    }

    @Test
    void badSettingsEndWithOneLineAndExitOne() {
        CliRun typo = CliRun.run("execute", "reconcile", "--set", "holdfast.executor.reconcile.retry.attempt=3");
        assertEquals(1, typo.exit());
        typo.assertOneLine("Unknown configuration holdfast.executor.reconcile.retry.attempt");

        CliRun badBackoff = CliRun.run("execute", "reconcile", "--set", "holdfast.executor.reconcile.retry.backoff.ms=500",
                "--set", "holdfast.executor.reconcile.retry.backoff.max.ms=100");
        assertEquals(1, badBackoff.exit());
        badBackoff.assertOneLine("holdfast.executor.reconcile.retry.backoff.max.ms");
    }

    @Test
    void configListShowsTheReconcileExecutorKeys() {
        CliRun list = CliRun.run("config", "--list");
        assertEquals(0, list.exit());
        for (String key : new String[] {"holdfast.executor.reconcile.group.id", "holdfast.executor.reconcile.concurrency",
                "holdfast.executor.reconcile.retry.attempts", "holdfast.executor.reconcile.retry.backoff.ms"}) {
            assertTrue(list.out().contains(key + " ("), key + " missing from:\n" + list.out());
        }
    }
}
