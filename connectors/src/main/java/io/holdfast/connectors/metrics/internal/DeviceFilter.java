package io.holdfast.connectors.metrics.internal;

import java.util.Optional;
import java.util.regex.Pattern;

/** Which block devices the agent publishes: names matching {@code include} and not {@code exclude}, whole names only. */
public record DeviceFilter(Pattern include, Optional<Pattern> exclude) {

    public boolean accepts(String device) {
        return include.matcher(device).matches() && exclude.map(p -> !p.matcher(device).matches()).orElse(true);
    }

    @Override
    public String toString() {
        return "include '" + include + "'" + exclude.map(p -> ", exclude '" + p + "'").orElse("");
    }
}
