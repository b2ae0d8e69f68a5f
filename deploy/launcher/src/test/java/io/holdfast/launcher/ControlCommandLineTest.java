package io.holdfast.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** `holdfast control` up to the point where it would reach a cluster: help, and every bad input as one line. */
class ControlCommandLineTest {

    private static void assertOneLine(CliRun r, int exit, String expected) {
        assertEquals(exit, r.exit(), r.err());
        r.assertOneLine(expected);
    }

    @Test
    void helpNamesTheActionsAndScopes() {
        CliRun help = CliRun.run("control", "--help");
        assertEquals(0, help.exit());
        for (String word : new String[] {"pause", "dry-run-on", "--shard", "--keyspace", "--app", "--reason", "--for"}) {
            assertTrue(help.out().contains(word), word + " missing from:\n" + help.out());
        }
        assertTrue(CliRun.run("--help").out().contains("control"));
    }

    @Test
    void badInputEndsWithOneLine() {
        assertOneLine(CliRun.run("control", "stop", "--reason", "x", "--set", "bootstrap.servers=127.0.0.1:9"), 1, "unknown action 'stop'");
        assertOneLine(CliRun.run("control", "pause", "--shard", "commerce", "--reason", "x"), 1, "--shard must be KEYSPACE/SHARD");
        assertOneLine(CliRun.run("control", "pause", "--for", "PT0S", "--reason", "x"), 1, "--for must be a positive duration");
        assertOneLine(CliRun.run("control", "pause", "--reason", "x"), 1, "no bootstrap.servers");
        assertOneLine(CliRun.run("control", "pause"), 2, "--reason");
        assertOneLine(CliRun.run("control", "pause", "--shard", "a/b", "--keyspace", "a", "--reason", "x"), 2, "mutually exclusive");
        assertOneLine(CliRun.run("control", "pause", "--for", "soon", "--reason", "x"), 2, "--for");
    }
}
