package io.holdfast.launcher.scenario;

import io.holdfast.launcher.internal.DevSystem;
import io.holdfast.launcher.internal.SteadyWriter;
import java.io.PrintWriter;

/** A scenario played on the whole dev system started in this process (the dashboard shows it as it plays). */
public interface SystemScenario extends Scenario {

    /** The background writer the scenario wants, or null for none. */
    default SteadyWriter.Plan writer() {
        return null;
    }

    /** Plays the script on a started system, printing progress lines on {@code out}. */
    ScenarioOutcome play(DevSystem system, PrintWriter out) throws Exception;
}
