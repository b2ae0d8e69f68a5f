package io.holdfast.schemas.serde;

import io.holdfast.schemas.serde.internal.AvroClassTrust;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * The one place serdes for holdfast records come from. The configuration decides the format:
 * {@code schema.registry.url} set selects the Confluent wire format with a Schema Registry, otherwise Avro
 * single-object encoding with the schemas shipped in this module. Pass the application's whole config map:
 * keys the serdes do not use are ignored.
 */
public final class HoldfastSerdes {

    private HoldfastSerdes() {
    }

    /** A configured serde for record values of {@code type}. */
    public static <T extends SpecificRecord> HoldfastSerde<T> value(Class<T> type, Map<String, ?> config) {
        return configured(type, config, false);
    }

    /** A configured serde for record keys of {@code type} (subject {@code <topic>-key} in the registry). */
    public static <T extends SpecificRecord> HoldfastSerde<T> key(Class<T> type, Map<String, ?> config) {
        return configured(type, config, true);
    }

    /**
     * Lets Avro's own readers (e.g. {@code VolumeMetric.getDecoder()}) instantiate the generated classes
     * reachable from {@code type}: Avro 1.12 loads only classes it trusts. The serdes of this package do
     * this themselves; call it only when decoding holdfast records with Avro directly.
     */
    public static void trustGeneratedClasses(Class<? extends SpecificRecord> type) {
        AvroClassTrust.trustReachableFrom(type);
    }

    /** The format {@code config} selects. */
    public static WireFormat wireFormat(Map<String, ?> config) {
        return new HoldfastSerdeConfig(config).wireFormat();
    }

    private static <T extends SpecificRecord> HoldfastSerde<T> configured(Class<T> type, Map<String, ?> config,
            boolean isKey) {
        HoldfastSerde<T> serde = new HoldfastSerde<>(type);
        serde.configure(config, isKey);
        return serde;
    }
}
