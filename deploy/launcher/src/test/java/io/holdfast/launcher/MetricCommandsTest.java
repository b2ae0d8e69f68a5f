package io.holdfast.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** `holdfast agent` and `holdfast cloudwatch` up to the point where they would reach a cluster or AWS. */
class MetricCommandsTest {

    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
            int exit = Holdfast.run(args);
            return new Run(exit, outBytes.toString(StandardCharsets.UTF_8), errBytes.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    private static void assertOneLine(Run r, String expected) {
        String[] lines = r.err().strip().split("\n");
        assertEquals(1, lines.length, "one line on stderr:\n" + r.err());
        assertTrue(lines[0].startsWith("holdfast: ") && lines[0].contains(expected), r.err());
    }

    @Test
    void bothCommandsAreRegisteredWithHelp() {
        Run help = run("--help");
        assertTrue(help.out().contains("agent") && help.out().contains("cloudwatch"), help.out());
        Run agent = run("agent", "--help");
        assertEquals(0, agent.exit());
        assertTrue(agent.out().contains("--config") && agent.out().contains("--set"), agent.out());
        assertEquals(0, run("cloudwatch", "--help").exit());
    }

    @Test
    void badUsageAndBadSettingsEndWithOneLine() {
        Run bogus = run("agent", "--bogus");
        assertEquals(2, bogus.exit());
        assertOneLine(bogus, "Unknown option: '--bogus'");

        Run period = run("agent", "--set", "holdfast.agent.period.ms=10");
        assertEquals(1, period.exit());
        assertOneLine(period, "holdfast.agent.period.ms");

        Run noCluster = run("agent");
        assertEquals(1, noCluster.exit());
        assertOneLine(noCluster, "No bootstrap.servers");

        Run noVolumes = run("cloudwatch", "--set", "bootstrap.servers=127.0.0.1:9");
        assertEquals(1, noVolumes.exit());
        assertOneLine(noVolumes, "Set exactly one of holdfast.cloudwatch.volume.ids");
        assertFalse(noVolumes.err().contains("\tat "), "no stack trace");
    }

    @Test
    void configListShowsTheMetricProducersKeys() {
        Run list = run("config", "--list");
        assertEquals(0, list.exit());
        for (String key : new String[] {"holdfast.agent.period.ms", "holdfast.agent.device.include", "holdfast.cloudwatch.tag.filters",
                "holdfast.cloudwatch.period.seconds", "holdfast.topic.prefix"}) {
            assertTrue(list.out().contains(key + " ("), key + " missing from:\n" + list.out());
        }
    }
}
