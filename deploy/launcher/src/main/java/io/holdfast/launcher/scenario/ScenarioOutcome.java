package io.holdfast.launcher.scenario;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What a scenario measured (figures, in the order measured) and checked (expectations, met or not). */
public final class ScenarioOutcome {

    /** One check: what was expected, whether it held, and what was seen. */
    public record Expectation(String expected, boolean met, String observed) {}

    private final Map<String, String> figures = new LinkedHashMap<>();
    private final List<Expectation> expectations = new ArrayList<>();

    public ScenarioOutcome figure(String name, String value) {
        figures.put(name, value);
        return this;
    }

    public ScenarioOutcome seconds(String name, Duration d) {
        return figure(name, d == null ? "not reached" : String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0));
    }

    public ScenarioOutcome expect(String expected, boolean met, String observed) {
        expectations.add(new Expectation(expected, met, observed));
        return this;
    }

    public Map<String, String> figures() {
        return Map.copyOf(figures);
    }

    public List<Expectation> expectations() {
        return List.copyOf(expectations);
    }

    public boolean passed() {
        return !expectations.isEmpty() && expectations.stream().allMatch(Expectation::met);
    }

    /** The summary as printed: figures, then each expectation with [ok] or [FAILED]. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        int width = figures.keySet().stream().mapToInt(String::length).max().orElse(0);
        lines.add("figures:");
        figures.forEach((k, v) -> lines.add(String.format("  %-" + width + "s  %s", k, v)));
        lines.add("expectations:");
        for (Expectation e : expectations) {
            lines.add(String.format("  [%s] %s: %s", e.met() ? "ok" : "FAILED", e.expected(), e.observed()));
        }
        return lines;
    }
}
