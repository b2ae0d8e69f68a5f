package io.holdfast.launcher.scenario;

import io.holdfast.launcher.internal.DevSystem;
import io.holdfast.launcher.internal.SteadyWriter;
import java.io.PrintWriter;
import java.util.Map;

/**
 * A scripted sequence played on the whole dev system ({@code holdfast dev --scenario NAME}): it
 * injects failures through the simulator or the writer, waits for holdfast to repair them, and
 * returns the figures it measured and the expectations it checked.
 */
public interface Scenario {

    /** The name given to {@code --scenario}. */
    String name();

    /** One line: what the scenario demonstrates. */
    String demonstrates();

    /** Settings on top of the dev defaults (the user's file and {@code --set} still come last). */
    default Map<String, String> settings() {
        return Map.of();
    }

    /** The background writer the scenario wants, or null for none. */
    default SteadyWriter.Plan writer() {
        return null;
    }

    /** Plays the script on a started system, printing progress lines on {@code out}. */
    ScenarioOutcome play(DevSystem system, PrintWriter out) throws Exception;
}
