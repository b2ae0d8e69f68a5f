package io.holdfast.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusCommandTest {

    /** An /api/overview captured from `holdfast dev --scenario writer-faults` while it ran. */
    private static List<String> renderedCapture() throws Exception {
        try (InputStream in = StatusCommandTest.class.getResourceAsStream("/dashboard/overview-writer-faults.json")) {
            return StatusCommand.render(new ObjectMapper().readTree(in), 10);
        }
    }

    @Test
    void printsEveryShardTheReconcilerAndTheRecentCommands() throws Exception {
        List<String> lines = renderedCapture();
        String all = String.join("\n", lines);
        assertTrue(lines.get(0).startsWith("holdfast scenario writer-faults at "), lines.get(0));
        assertTrue(all.contains("automation RUNNING"), all);
        assertEquals(8, lines.stream().filter(l -> l.startsWith("  commerce/") && l.contains(" PRIMARY ")).count(), all);
        assertTrue(all.contains("fleet commerce: volumes {\"HEALTHY\":24}"), all);
        assertTrue(all.contains("reconciler: entities 100"), all);
        assertTrue(all.contains("copy revisions REPLICATING"), all);
        int commands = lines.indexOf("recent commands:");
        assertEquals("recent alerts:", lines.get(commands + 11), "10 recent commands:\n" + all);
        assertTrue(lines.subList(commands + 1, commands + 11).stream().allMatch(l -> l.contains(" reconcile ") && l.contains(" -> ")), all);
    }

    @Test
    void anEmptyOverviewOfAStartingSystemStillPrints() throws Exception {
        List<String> lines = StatusCommand.render(new ObjectMapper().readTree("{}"), 10);
        assertTrue(lines.get(0).startsWith("holdfast ? at -"), lines.get(0));
    }

    @Test
    void noDashboardThereIsOneLineAndExit1() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        CliRun run = CliRun.run("status", "--url", "http://127.0.0.1:" + port);
        assertEquals(1, run.exit());
        run.assertOneLine("is `holdfast dev` running there?");
    }

    @Test
    void aBadUrlIsOneLine() {
        CliRun run = CliRun.run("status", "--url", "http://[not a url");
        assertEquals(1, run.exit());
        run.assertOneLine("--url is not a URL");
    }
}
