package io.holdfast.topology.timer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Deadlines for a punctuator that must never scan the whole entity store: "re-check entity E at
 * time T" is kept as a key {@code (T big-endian, E)} in a changelogged store ordered by time, plus
 * {@code E -> T} so that rescheduling or cancelling E finds its old entry. A wall-clock punctuator
 * then reads only the due prefix, in bounded batches.
 *
 * <p>At most one deadline per key: scheduling again moves it. Keys are strings (entity, shard or
 * volume ids). Both stores are created by {@link #storeBuilders(String)} and must be connected to
 * the processor that uses the index.
 */
public final class TimerIndex {

    private final KeyValueStore<Bytes, byte[]> byDue;
    private final KeyValueStore<String, Long> byKey;

    private TimerIndex(KeyValueStore<Bytes, byte[]> byDue, KeyValueStore<String, Long> byKey) {
        this.byDue = byDue;
        this.byKey = byKey;
    }

    /** The two persistent, changelogged stores behind an index named {@code name}. */
    public static List<StoreBuilder<?>> storeBuilders(String name) {
        return List.of(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(dueStoreName(name)),
                        org.apache.kafka.common.serialization.Serdes.Bytes(),
                        org.apache.kafka.common.serialization.Serdes.ByteArray()),
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(keyStoreName(name)),
                        org.apache.kafka.common.serialization.Serdes.String(),
                        org.apache.kafka.common.serialization.Serdes.Long()));
    }

    public static String dueStoreName(String name) {
        return name + "-timers-by-due";
    }

    public static String keyStoreName(String name) {
        return name + "-timers-by-key";
    }

    /** Names of both stores, for {@code addProcessor(..., storeNames)} and {@code process(..., storeNames)}. */
    public static String[] storeNames(String name) {
        return new String[] {dueStoreName(name), keyStoreName(name)};
    }

    /** The index over the stores of {@code name}, from a processor's {@code init}. */
    public static TimerIndex from(ProcessorContext<?, ?> context, String name) {
        return new TimerIndex(context.getStateStore(dueStoreName(name)), context.getStateStore(keyStoreName(name)));
    }

    /** Sets (or moves) the deadline of {@code key} to {@code dueMillis}. */
    public void schedule(String key, long dueMillis) {
        if (key.isEmpty()) {
            throw new IllegalArgumentException("a timer needs a non-empty key");
        }
        Long previous = byKey.get(key);
        if (previous != null) {
            if (previous == dueMillis) {
                return;
            }
            byDue.delete(indexKey(previous, key));
        }
        byDue.put(indexKey(dueMillis, key), EMPTY);
        byKey.put(key, dueMillis);
    }

    /** Moves the deadline earlier only: keeps the sooner of the existing deadline and {@code dueMillis}. */
    public void scheduleNoLaterThan(String key, long dueMillis) {
        Long previous = byKey.get(key);
        if (previous == null || dueMillis < previous) {
            schedule(key, dueMillis);
        }
    }

    public void cancel(String key) {
        Long previous = byKey.get(key);
        if (previous != null) {
            byDue.delete(indexKey(previous, key));
            byKey.delete(key);
        }
    }

    /** The deadline of {@code key}, or null. */
    public Long deadline(String key) {
        return byKey.get(key);
    }

    /**
     * Removes and returns up to {@code max} keys due at or before {@code nowMillis}, earliest first.
     * Reads only due entries: cost is proportional to what is due, not to the number of keys.
     */
    public List<KeyValue<String, Long>> pollDue(long nowMillis, int max) {
        List<KeyValue<String, Long>> due = new ArrayList<>(Math.min(max, 64));
        // Upper bound: every entry due at nowMillis sorts before the bare prefix of nowMillis + 1
        // (keys are never empty, so no entry equals that prefix).
        Bytes upper = nowMillis == Long.MAX_VALUE ? null : Bytes.wrap(timePrefix(nowMillis + 1));
        try (KeyValueIterator<Bytes, byte[]> it = byDue.range(null, upper)) {
            while (it.hasNext() && due.size() < max) {
                Bytes indexKey = it.next().key;
                ByteBuffer buffer = ByteBuffer.wrap(indexKey.get());
                long time = buffer.getLong() ^ Long.MIN_VALUE;
                String key = new String(indexKey.get(), Long.BYTES, indexKey.get().length - Long.BYTES, StandardCharsets.UTF_8);
                due.add(KeyValue.pair(key, time));
            }
        }
        for (KeyValue<String, Long> entry : due) {
            byDue.delete(indexKey(entry.value, entry.key));
            byKey.delete(entry.key);
        }
        return due;
    }

    private static final byte[] EMPTY = new byte[0];

    /**
     * Sign bit flipped so that negative times sort before positive ones in unsigned byte order
     * (RocksDB and the in-memory store compare bytes lexicographically).
     */
    static Bytes indexKey(long time, String key) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES + k.length).putLong(time ^ Long.MIN_VALUE).put(k).array());
    }

    private static byte[] timePrefix(long time) {
        return ByteBuffer.allocate(Long.BYTES).putLong(time ^ Long.MIN_VALUE).array();
    }
}
