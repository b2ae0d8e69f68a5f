package io.holdfast.launcher.scenario;

import io.holdfast.embedded.EmbeddedStack;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;

/**
 * A scenario that starts holdfast's components itself, each as its own process on the embedded stack,
 * so that it can kill them like a crash would. Their logs go under {@code root}.
 */
public interface ProcessScenario extends Scenario {

    /** Plays the script with {@code settings} (validated, the stack's addresses in them). */
    ScenarioOutcome play(EmbeddedStack stack, Map<String, String> settings, Path root, PrintWriter out) throws Exception;
}
