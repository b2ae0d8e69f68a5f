package io.holdfast.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** `holdfast agent` and `holdfast cloudwatch` up to the point where they would reach a cluster or AWS. */
class MetricCommandsTest {

    @Test
    void bothCommandsAreRegisteredWithHelp() {
        CliRun help = CliRun.run("--help");
        assertTrue(help.out().contains("agent") && help.out().contains("cloudwatch"), help.out());
        CliRun agent = CliRun.run("agent", "--help");
        assertEquals(0, agent.exit());
        assertTrue(agent.out().contains("--config") && agent.out().contains("--set"), agent.out());
        assertEquals(0, CliRun.run("cloudwatch", "--help").exit());
    }

    @Test
    void badUsageAndBadSettingsEndWithOneLine() {
        CliRun bogus = CliRun.run("agent", "--bogus");
        assertEquals(2, bogus.exit());
        bogus.assertOneLine("Unknown option: '--bogus'");

        CliRun period = CliRun.run("agent", "--set", "holdfast.agent.period.ms=10");
        assertEquals(1, period.exit());
        period.assertOneLine("holdfast.agent.period.ms");

        CliRun noCluster = CliRun.run("agent");
        assertEquals(1, noCluster.exit());
        noCluster.assertOneLine("No bootstrap.servers");

        CliRun noVolumes = CliRun.run("cloudwatch", "--set", "bootstrap.servers=127.0.0.1:9");
        assertEquals(1, noVolumes.exit());
        noVolumes.assertOneLine("Set exactly one of holdfast.cloudwatch.volume.ids");
        assertFalse(noVolumes.err().contains("\tat "), "no stack trace");
    }

    @Test
    void configListShowsTheMetricProducersKeys() {
        CliRun list = CliRun.run("config", "--list");
        assertEquals(0, list.exit());
        for (String key : new String[] {"holdfast.agent.period.ms", "holdfast.agent.device.include", "holdfast.cloudwatch.tag.filters",
                "holdfast.cloudwatch.period.seconds", "holdfast.topic.prefix"}) {
            assertTrue(list.out().contains(key + " ("), key + " missing from:\n" + list.out());
        }
    }
}
