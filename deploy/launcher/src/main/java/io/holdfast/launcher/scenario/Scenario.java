package io.holdfast.launcher.scenario;

import java.util.Map;

/**
 * A scripted sequence played on a fresh dev system ({@code holdfast dev --scenario NAME}): it injects
 * failures, waits for holdfast to repair them, and returns the figures it measured and the
 * expectations it checked. A {@link SystemScenario} plays on the components started in-process; a
 * {@link ProcessScenario} starts them itself, each in its own process, so that it can kill them.
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
}
