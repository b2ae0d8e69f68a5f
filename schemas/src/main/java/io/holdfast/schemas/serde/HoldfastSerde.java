package io.holdfast.schemas.serde;

import java.util.Map;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serde for any generated holdfast record: Avro single-object encoding, or the Confluent wire format when
 * {@code schema.registry.url} is set (see {@link WireFormat}). Build one with {@link HoldfastSerdes}, or let
 * Kafka Streams create it by class name ({@code default.value.serde}) with
 * {@link HoldfastSerdeConfig#VALUE_TYPE} naming the record class; Streams then calls
 * {@link #configure(Map, boolean)}. The serializer and deserializer share one registry client, closed with
 * the serde.
 */
public class HoldfastSerde<T extends SpecificRecord> implements Serde<T> {

    private final Class<T> explicitType;
    private HoldfastSerializer<T> serializer;
    private HoldfastDeserializer<T> deserializer;
    private SchemaRegistryClient registry;
    private WireFormat wireFormat;

    /** For Kafka's instantiation by class name; the record class then comes from the configuration. */
    public HoldfastSerde() {
        this.explicitType = null;
    }

    public HoldfastSerde(Class<T> type) {
        this.explicitType = Objects.requireNonNull(type, "type");
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        HoldfastSerdeConfig config = new HoldfastSerdeConfig(configs);
        Class<T> type = RecordTypes.resolve(explicitType, config, isKey);
        SchemaRegistryClient client = config.wireFormat() == WireFormat.CONFLUENT
                ? SchemaRegistryClient.create(configs)
                : null;
        close();
        this.registry = client;
        this.wireFormat = config.wireFormat();
        this.serializer = new HoldfastSerializer<>(type, config, client, isKey);
        this.deserializer = new HoldfastDeserializer<>(type, config, client, isKey);
    }

    @Override
    public Serializer<T> serializer() {
        return configured(serializer);
    }

    @Override
    public Deserializer<T> deserializer() {
        return configured(deserializer);
    }

    /** The format chosen by the configuration; null before {@link #configure(Map, boolean)}. */
    public WireFormat wireFormat() {
        return wireFormat;
    }

    @Override
    public void close() {
        if (registry != null) {
            registry.close();
            registry = null;
        }
    }

    @Override
    public String toString() {
        return serializer == null
                ? "HoldfastSerde[unconfigured" + (explicitType == null ? "" : ", " + explicitType.getName()) + "]"
                : "HoldfastSerde[" + serializer + ", " + deserializer + "]";
    }

    private <S> S configured(S part) {
        if (part == null) {
            throw new IllegalStateException(this + " must be configured before use");
        }
        return part;
    }
}
