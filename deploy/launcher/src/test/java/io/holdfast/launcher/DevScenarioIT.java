package io.holdfast.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each scripted scenario as a new user runs it: {@code holdfast dev --scenario NAME} from the packaged
 * distribution, on its own fresh embedded stack, must end by itself with exit code 0 and a summary in
 * which every expectation held. ({@code degraded-primary} runs in {@link DashboardBrowserIT}, with the
 * dashboard watched in a browser while it plays.)
 */
class DevScenarioIT {

    private static final Path LOGS = Path.of("target", "it-logs", "scenarios");

    @ParameterizedTest(name = "holdfast dev --scenario {0}")
    @ValueSource(strings = {"writer-faults", "stalled-primary", "correlated-cell", "crash-and-resume"})
    void scenarioPassesEveryExpectation(String scenario) throws Exception {
        Path dir = Files.createTempDirectory("holdfast-scenario-");
        try (LauncherProcess dev = new LauncherProcess(scenario, LOGS, "dev", "--scenario", scenario, "--dir", dir.toString(),
                "--http-port", "0")) {
            dev.start();
            int exit = dev.awaitExit(15, TimeUnit.MINUTES);
            String output = Files.readString(dev.log());
            System.out.println(summary(output));
            assertEquals(0, exit, "holdfast dev --scenario " + scenario + " (log " + dev.log() + "):\n" + dev.logTail());
            JsonNode result = new ObjectMapper().readTree(dir.resolve("scenario-result.json").toFile());
            assertTrue(result.path("passed").asBoolean(), result.toPrettyString());
            assertTrue(result.path("expectations").size() >= 3, "a scenario checks what it demonstrates: " + result);
            assertTrue(output.contains("holdfast dev: stopped in"), "stopped everything it started:\n" + dev.logTail());
        }
    }

    /** The scenario's own lines (progress, verdict, figures, expectations), without the components' logs. */
    static String summary(String output) {
        StringBuilder kept = new StringBuilder();
        boolean inSummary = false;
        for (String line : output.split("\n")) {
            if (line.startsWith("holdfast dev --scenario") || line.startsWith("scenario:")) {
                inSummary = line.endsWith("PASSED") || line.endsWith("FAILED") || inSummary && !line.contains("summary in");
                kept.append(line).append('\n');
            } else if (inSummary && (line.startsWith("figures:") || line.startsWith("expectations:") || line.startsWith("  "))) {
                kept.append(line).append('\n');
            }
        }
        return kept.toString();
    }
}
