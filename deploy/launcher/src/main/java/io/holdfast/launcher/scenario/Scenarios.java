package io.holdfast.launcher.scenario;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Every scenario {@code holdfast dev --scenario} knows, by name. */
public final class Scenarios {

    private static final Map<String, Scenario> ALL = new LinkedHashMap<>();

    static {
        for (Scenario s : List.of(new WriterFaults(), new DegradedPrimary(), new StalledPrimary(), new CorrelatedCell(),
                new CrashAndResume())) {
            ALL.put(s.name(), s);
        }
    }

    private Scenarios() {
    }

    public static Optional<Scenario> named(String name) {
        return Optional.ofNullable(ALL.get(name));
    }

    public static List<Scenario> all() {
        return List.copyOf(ALL.values());
    }
}
