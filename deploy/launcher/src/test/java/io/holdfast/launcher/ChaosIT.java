package io.holdfast.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code holdfast chaos} as a user runs it, from the packaged distribution: a short run with at least 20
 * SIGKILLs (and the broker and MariaDB killed once each) must end by itself with exit code 0, every kill
 * carried out, and no invariant violated by the checker's own reading of MariaDB, the binlog, S3 and the
 * simulator's ledger. The printed report is shown in the test output. Sized to finish within about five
 * minutes on two cores; the longer run is documented in the README.
 */
class ChaosIT {

    private static final Path LOGS = Path.of("target", "it-logs", "chaos");
    static final String DURATION = System.getProperty("holdfast.it.chaos.duration", "150s");
    static final int KILLS = Integer.getInteger("holdfast.it.chaos.kills", 22);
    static final long SEED = Long.getLong("holdfast.it.chaos.seed", 20261207L);

    @Test
    void aChaosRunWithTwentyKillsEndsWithoutAViolation() throws Exception {
        Path dir = Files.createTempDirectory("holdfast-chaos-");
        long began = System.nanoTime();
        try (LauncherProcess chaos = new LauncherProcess("chaos", LOGS, "chaos", "--duration", DURATION, "--kills", Integer.toString(KILLS),
                "--seed", Long.toString(SEED), "--dir", dir.toString())) {
            chaos.start();
            int exit = chaos.awaitExit(15, TimeUnit.MINUTES);
            String output = Files.readString(chaos.log());
            System.out.println(report(output));
            System.out.printf("chaos IT: holdfast chaos took %.0f s%n", (System.nanoTime() - began) / 1e9);
            assertEquals(0, exit, "holdfast chaos (log " + chaos.log() + "):\n" + chaos.logTail());
            JsonNode result = new ObjectMapper().readTree(dir.resolve("chaos-result.json").toFile());
            assertTrue(result.path("kills").asInt() >= 20, "at least 20 kills: " + result.toPrettyString());
            assertEquals(0, result.path("violations").size(), result.toPrettyString());
            for (String executor : java.util.List.of("reconcile-executor", "fleet-executor")) {
                assertTrue(result.path("kills_by_component").path(executor).asInt() >= 1, executor + " killed: " + result.toPrettyString());
            }
            assertTrue(result.path("injections").size() >= 2, "fleet degradations were injected: " + result.toPrettyString());
            assertTrue(output.contains("holdfast chaos: stopped"), "stopped everything it started:\n" + chaos.logTail());
        }
        // Kept when the run failed, for its component logs; removed when it passed.
        try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** The chaos run's own lines (schedule, progress, report), without the components' logs. */
    static String report(String output) {
        StringBuilder kept = new StringBuilder();
        for (String line : output.split("\n")) {
            if (line.startsWith("chaos:") || line.startsWith("holdfast chaos:")) {
                kept.append(line).append('\n');
            }
        }
        return kept.toString();
    }
}
