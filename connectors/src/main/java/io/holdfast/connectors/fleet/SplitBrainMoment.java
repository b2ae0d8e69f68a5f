package io.holdfast.connectors.fleet;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A time during which a shard had two or more writable primaries: tablets running read-write as
 * primary, not fenced, not demoted, on a volume that completes I/O (an unreachable primary counts:
 * clients already connected to it keep writing).
 *
 * @param until             when it ended; empty while it lasts
 * @param writablePrimaries every tablet that was writable during the moment
 */
public record SplitBrainMoment(String shardKey, Instant from, Optional<Instant> until, List<String> writablePrimaries) {

    public SplitBrainMoment {
        writablePrimaries = List.copyOf(writablePrimaries);
    }
}
