package io.holdfast.connectors.fleet;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What one injected event did to one shard, as the simulator's ledger saw it.
 *
 * @param injectionId            the {@link Injection} this entry belongs to
 * @param shardKey               {@code <keyspace>/<shard>}
 * @param onset                  when the event began
 * @param impactEnd              when the shard again had a PRIMARY that serves, is reachable, is not fenced and
 *                               whose volume is neither degraded nor stalled; empty while customers still wait
 * @param tabletAliases          the shard's tablets whose volumes the event hit
 * @param volumeIds              those volumes
 * @param reparents              reparents of the shard completed from the onset to the end of impact (or now)
 * @param replacementProvisioned whether every hit tablet has had a replacement provisioned
 * @param degradedVolumeRetired  whether every hit volume has been retired
 */
public record LedgerEntry(long injectionId, InjectionKind kind, String shardKey, Instant onset, Optional<Instant> impactEnd,
                          List<String> tabletAliases, List<String> volumeIds, int reparents, boolean replacementProvisioned,
                          boolean degradedVolumeRetired) {

    public LedgerEntry {
        tabletAliases = List.copyOf(tabletAliases);
        volumeIds = List.copyOf(volumeIds);
    }

    /** How long customers were affected; empty while they still are. */
    public Optional<Duration> impactWindow() {
        return impactEnd.map(end -> Duration.between(onset, end));
    }

    public boolean open() {
        return impactEnd.isEmpty();
    }
}
