package io.holdfast.connectors.fleet;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One injected event as the simulator carried it out: which volumes (and their tablets and shards)
 * it hit, from {@code onset} for {@code duration}. Its ledger entries carry its {@code id}.
 */
public record Injection(long id, InjectionKind kind, Instant onset, Duration duration, List<String> shardKeys,
                        List<String> tabletAliases, List<String> volumeIds) {

    public Injection {
        shardKeys = List.copyOf(shardKeys);
        tabletAliases = List.copyOf(tabletAliases);
        volumeIds = List.copyOf(volumeIds);
    }
}
