package io.holdfast.topology.catalog;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * A topic holdfast reads or writes: its full name, the serdes of its keys and values, and how it is
 * created. Processors name their sources and sinks after the topic, so that a topology's description
 * reads like its data flow.
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde, TopicSettings settings) {

    public Consumed<K, V> consumed(String processorName) {
        return Consumed.with(keySerde, valueSerde).withName(processorName);
    }

    public Produced<K, V> produced(String processorName) {
        return Produced.with(keySerde, valueSerde).withName(processorName);
    }

    @Override
    public String toString() {
        return name;
    }
}
