package io.holdfast.schemas.serde;

import io.holdfast.schemas.serde.internal.ConfluentWireDeserializer;
import io.holdfast.schemas.serde.internal.SingleObjectDeserializer;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Deserializer for any generated holdfast record, in the {@link WireFormat} the configuration selects.
 * Usable by class name in a consumer config ({@code value.deserializer}) together with
 * {@link HoldfastSerdeConfig#VALUE_TYPE} / {@link HoldfastSerdeConfig#KEY_TYPE}.
 *
 * <p>A record that cannot be read (unknown fingerprint or schema id, truncated or corrupt bytes, another
 * format) raises {@link org.apache.kafka.common.errors.SerializationException} naming the topic, the type
 * expected and the schema reference seen: route it to a dead-letter topic. An unreachable registry raises
 * {@link SchemaRegistryException} instead. A null payload (tombstone) deserializes to null. Thread-safe once
 * configured.
 */
public class HoldfastDeserializer<T extends SpecificRecord> implements Deserializer<T> {

    private final Class<T> explicitType;
    private Deserializer<T> delegate;
    private SchemaRegistryClient ownedRegistry;
    private String description = "HoldfastDeserializer[unconfigured]";

    /** For Kafka's instantiation by class name; the record class then comes from the configuration. */
    public HoldfastDeserializer() {
        this.explicitType = null;
    }

    public HoldfastDeserializer(Class<T> type) {
        this.explicitType = Objects.requireNonNull(type, "type");
    }

    /** A deserializer over a registry client owned by the caller (e.g. a {@link HoldfastSerde}). */
    HoldfastDeserializer(Class<T> type, HoldfastSerdeConfig config, SchemaRegistryClient sharedRegistry,
            boolean isKey) {
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
                ? new ConfluentWireDeserializer<>(type, registry)
                : new SingleObjectDeserializer<>(type);
        this.description = "HoldfastDeserializer[" + type.getName() + ", " + format
                + (registry == null ? "" : ", " + registry) + "]";
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (delegate == null) {
            throw new IllegalStateException(this + " must be configured before use");
        }
        return delegate.deserialize(topic, data);
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
