package io.holdfast.schemas.serde;

import io.holdfast.schemas.serde.internal.ConfluentWireSerializer;
import io.holdfast.schemas.serde.internal.SingleObjectSerializer;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serializer for any generated holdfast record, in the {@link WireFormat} the configuration selects. Usable
 * by class name in a producer config ({@code value.serializer}) together with
 * {@link HoldfastSerdeConfig#VALUE_TYPE} / {@link HoldfastSerdeConfig#KEY_TYPE}. A null record serializes to
 * null (a tombstone). Thread-safe once configured.
 */
public class HoldfastSerializer<T extends SpecificRecord> implements Serializer<T> {

    private final Class<T> explicitType;
    private Serializer<T> delegate;
    private SchemaRegistryClient ownedRegistry;
    private String description = "HoldfastSerializer[unconfigured]";

    /** For Kafka's instantiation by class name; the record class then comes from the configuration. */
    public HoldfastSerializer() {
        this.explicitType = null;
    }

    public HoldfastSerializer(Class<T> type) {
        this.explicitType = Objects.requireNonNull(type, "type");
    }

    /** A serializer over a registry client owned by the caller (e.g. a {@link HoldfastSerde}). */
    HoldfastSerializer(Class<T> type, HoldfastSerdeConfig config, SchemaRegistryClient sharedRegistry, boolean isKey) {
        this.explicitType = type;
        setUp(config, sharedRegistry, isKey);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        HoldfastSerdeConfig config = new HoldfastSerdeConfig(configs);
        SchemaRegistryClient registry = null;
        if (config.wireFormat() == WireFormat.CONFLUENT) {
            registry = SchemaRegistryClient.create(configs);
        }
        try {
            setUp(config, registry, isKey);
        } catch (RuntimeException e) {
            if (registry != null) {
                registry.close();
            }
            throw e;
        }
        this.ownedRegistry = registry;
    }

    private void setUp(HoldfastSerdeConfig config, SchemaRegistryClient registry, boolean isKey) {
        Class<T> type = RecordTypes.resolve(explicitType, config, isKey);
        WireFormat format = config.wireFormat();
        this.delegate = format == WireFormat.CONFLUENT
                ? new ConfluentWireSerializer<>(type, registry, isKey, config.autoRegisterSchemas(),
                        config.useLatestVersion())
                : new SingleObjectSerializer<>(type);
        this.description = "HoldfastSerializer[" + type.getName() + ", " + format
                + (registry == null ? "" : ", " + registry) + "]";
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (delegate == null) {
            throw new IllegalStateException(this + " must be configured before use");
        }
        return delegate.serialize(topic, data);
    }

    @Override
    public void close() {
        if (ownedRegistry != null) {
            ownedRegistry.close();
            ownedRegistry = null;
        }
    }

    @Override
    public String toString() {
        return description;
    }
}
