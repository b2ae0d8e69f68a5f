package io.holdfast.connectors.fleet.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Vitess shard names for a keyspace split into {@code n} equal key ranges: {@code 0} for one shard,
 * else hex ranges such as {@code -40, 40-80, 80-c0, c0-} (what {@code vtctldclient GenerateShardRanges}
 * prints). Boundaries are the floor of {@code i * 256 / n} (two hex digits, up to 256 shards) or of
 * {@code i * 65536 / n} (four digits), so sizes differ by at most one unit when {@code n} does not divide evenly.
 */
public final class ShardRanges {

    public static final int MAX_SHARDS = 65_536;

    private ShardRanges() {}

    public static List<String> names(int shards) {
        if (shards < 1 || shards > MAX_SHARDS) {
            throw new IllegalArgumentException("shards must be 1 to " + MAX_SHARDS + ", was " + shards);
        }
        if (shards == 1) {
            return List.of("0");
        }
        int space = shards <= 256 ? 256 : MAX_SHARDS;
        String format = shards <= 256 ? "%02x" : "%04x";
        List<String> names = new ArrayList<>(shards);
        long start = 0;
        for (int i = 1; i <= shards; i++) {
            long end = (long) i * space / shards;
            String from = start == 0 ? "" : String.format(format, start);
            String to = end == space ? "" : String.format(format, end);
            names.add(from + "-" + to);
            start = end;
        }
        return List.copyOf(names);
    }
}
