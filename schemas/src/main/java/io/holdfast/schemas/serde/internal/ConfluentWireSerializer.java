package io.holdfast.schemas.serde.internal;

import io.holdfast.schemas.serde.HoldfastSerdeConfig;
import io.holdfast.schemas.serde.RegisteredSchema;
import io.holdfast.schemas.serde.SchemaRegistryClient;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes the Confluent wire format: magic byte 0, the 4-byte big-endian schema id, the Avro body. The id
 * is resolved once per topic under the TopicNameStrategy subject; registry failures surface as
 * {@link io.holdfast.schemas.serde.SchemaRegistryException}.
 */
public final class ConfluentWireSerializer<T extends SpecificRecord> implements Serializer<T> {

    static final byte MAGIC = 0;
    static final int HEADER_LENGTH = 5;

    private final RecordType<T> type;
    private final SchemaRegistryClient registry;
    private final boolean isKey;
    private final boolean autoRegister;
    private final boolean useLatestVersion;
    private final Map<String, Integer> schemaIdByTopic = new ConcurrentHashMap<>();

    public ConfluentWireSerializer(Class<T> type, SchemaRegistryClient registry, boolean isKey, boolean autoRegister,
            boolean useLatestVersion) {
        this.type = RecordType.of(type);
        this.registry = registry;
        this.isKey = isKey;
        this.autoRegister = autoRegister;
        this.useLatestVersion = useLatestVersion;
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        Integer schemaId = schemaIdByTopic.get(topic);
        if (schemaId == null) {
            schemaId = resolveSchemaId(topic);
            schemaIdByTopic.put(topic, schemaId);
        }
        EncodeScratch scratch = EncodeScratch.start();
        scratch.writeByte(MAGIC);
        scratch.writeIntBigEndian(schemaId);
        try {
            type.writer().write(data, scratch.encoder());
        } catch (IOException | RuntimeException e) {
            throw SerdeFailures.encoding(topic, type, e);
        }
        return scratch.toByteArray();
    }

    private int resolveSchemaId(String topic) {
        String subject = SchemaRegistryClient.topicSubject(topic, isKey);
        if (useLatestVersion) {
            RegisteredSchema latest = registry.latest(subject).orElseThrow(() -> new SerializationException(
                    "Cannot serialize " + type.name() + " for topic '" + topic + "': "
                            + HoldfastSerdeConfig.USE_LATEST_VERSION + " is set but subject " + subject
                            + " has no version"));
            // The body is written with the class's schema, so the id may only name a schema whose
            // binary layout is the same.
            if (SchemaNormalization.parsingFingerprint64(latest.schema()) != type.fingerprint()) {
                throw new SerializationException("Cannot serialize " + type.name() + " for topic '" + topic
                        + "': the latest version of subject " + subject + " (version " + latest.version() + ", id "
                        + latest.id() + ", " + latest.schema().getFullName() + ") is not the schema of this class; "
                        + "deploy the matching holdfast-schemas release or unset " + HoldfastSerdeConfig.USE_LATEST_VERSION);
            }
            return latest.id();
        }
        if (autoRegister) {
            return registry.register(subject, type.schema());
        }
        return registry.lookup(subject, type.schema())
                .map(RegisteredSchema::id)
                .orElseThrow(() -> new SerializationException("Cannot serialize " + type.name() + " for topic '"
                        + topic + "': its schema is not registered under subject " + subject + " and "
                        + HoldfastSerdeConfig.AUTO_REGISTER_SCHEMAS + " is false"));
    }
}
