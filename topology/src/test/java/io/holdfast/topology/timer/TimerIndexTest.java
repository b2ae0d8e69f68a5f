package io.holdfast.topology.timer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

class TimerIndexTest {

    /** An index over in-memory stores, initialised the way a processor's would be. */
    static TimerIndex newIndex() {
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
        for (StoreBuilder<?> builder : TimerIndex.storeBuilders("t")) {
            // The same store layout, in memory and without a changelog, for a unit test.
            var store = builder.name().endsWith("by-due")
                    ? Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(builder.name()), Serdes.Bytes(), Serdes.ByteArray()).withLoggingDisabled().build()
                    : Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(builder.name()), Serdes.String(), Serdes.Long()).withLoggingDisabled().build();
            store.init(context.getStateStoreContext(), store);
            context.addStateStore(store);
        }
        return TimerIndex.from(context, "t");
    }

    @Test
    void dueKeysComeOutEarliestFirstAndOnlyOnce() {
        TimerIndex index = newIndex();
        index.schedule("b", 2_000);
        index.schedule("a", 1_000);
        index.schedule("c", 3_000);

        assertEquals(List.of(), index.pollDue(999, 10));
        assertEquals(List.of(KeyValue.pair("a", 1_000L), KeyValue.pair("b", 2_000L)), index.pollDue(2_000, 10));
        assertEquals(List.of(), index.pollDue(2_000, 10));
        assertNull(index.deadline("a"));
        assertEquals(3_000L, index.deadline("c"));
    }

    @Test
    void reschedulingMovesTheSingleDeadlineAndBatchesAreBounded() {
        TimerIndex index = newIndex();
        index.schedule("x", 5_000);
        index.schedule("x", 1_000);
        index.scheduleNoLaterThan("x", 9_000);
        assertEquals(1_000L, index.deadline("x"));
        for (int i = 0; i < 10; i++) {
            index.schedule("k" + i, 500 + i);
        }
        assertEquals(4, index.pollDue(10_000, 4).size());
        assertEquals(7, index.pollDue(10_000, 100).size());
    }

    @Test
    void negativeTimesSortBeforePositiveOnes() {
        TimerIndex index = newIndex();
        index.schedule("late", 10);
        index.schedule("early", -10);
        assertEquals(List.of(KeyValue.pair("early", -10L), KeyValue.pair("late", 10L)), index.pollDue(Long.MAX_VALUE, 10));
    }

    sealed interface Op permits Schedule, Cancel, Poll {}

    record Schedule(String key, long due) implements Op {}

    record Cancel(String key) implements Op {}

    record Poll(long now, int max) implements Op {}

    @Provide
    Arbitrary<List<Op>> operations() {
        Arbitrary<String> keys = Arbitraries.of("e1", "e2", "e3", "e4", "e5", "entity-ü", "x");
        Arbitrary<Long> times = Arbitraries.longs().between(-50, 200);
        Arbitrary<Op> schedule = Combinators.combine(keys, times).as(Schedule::new);
        Arbitrary<Op> cancel = keys.map(Cancel::new);
        Arbitrary<Op> poll = Combinators.combine(times, Arbitraries.integers().between(1, 4)).as(Poll::new);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, schedule), net.jqwik.api.Tuple.of(1, cancel), net.jqwik.api.Tuple.of(2, poll))
                .list().ofMaxSize(60);
    }

    /** The index behaves like a map key -> deadline polled in (time, key) order. */
    @Property(tries = 300)
    void behavesLikeASortedMapOfDeadlines(@ForAll("operations") List<Op> ops) {
        TimerIndex index = newIndex();
        Map<String, Long> model = new HashMap<>();
        for (Op op : ops) {
            if (op instanceof Schedule s) {
                index.schedule(s.key(), s.due());
                model.put(s.key(), s.due());
            } else if (op instanceof Cancel c) {
                index.cancel(c.key());
                model.remove(c.key());
            } else if (op instanceof Poll p) {
                List<KeyValue<String, Long>> expected = new ArrayList<>();
                model.entrySet().stream()
                        .filter(e -> e.getValue() <= p.now())
                        .sorted(Comparator.<Map.Entry<String, Long>>comparingLong(Map.Entry::getValue)
                                .thenComparing(e -> e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                                        java.util.Arrays::compareUnsigned))
                        .limit(p.max())
                        .forEach(e -> expected.add(KeyValue.pair(e.getKey(), e.getValue())));
                assertEquals(expected, index.pollDue(p.now(), p.max()));
                expected.forEach(kv -> model.remove(kv.key));
            }
        }
        for (Map.Entry<String, Long> e : model.entrySet()) {
            assertEquals(e.getValue(), index.deadline(e.getKey()));
        }
    }
}
