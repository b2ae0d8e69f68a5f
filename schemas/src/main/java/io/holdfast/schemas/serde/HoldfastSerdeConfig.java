package io.holdfast.schemas.serde;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * How a {@link HoldfastSerde} behaves: which record type it handles (when Kafka instantiates it from a
 * class name) and, in the {@link WireFormat#CONFLUENT} format, how it obtains schema ids. The registry
 * connection itself is configured by {@link SchemaRegistryConfig}; both read the same map, and keys they
 * do not know (the rest of a producer or Streams config) are ignored.
 */
public final class HoldfastSerdeConfig extends AbstractConfig {

    /** Comma-separated registry base URLs; when set, the serde uses the Confluent wire format. */
    public static final String SCHEMA_REGISTRY_URL = SchemaRegistryConfig.SCHEMA_REGISTRY_URL;
    /** Generated record class a key serde handles when it is created by Kafka from a class name. */
    public static final String KEY_TYPE = "holdfast.serde.key.type";
    /** Generated record class a value serde handles when it is created by Kafka from a class name. */
    public static final String VALUE_TYPE = "holdfast.serde.value.type";
    /** Register the record's schema under the topic's subject on first use (default true). */
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    /** Tag records with the id of the subject's latest registered version (default false). */
    public static final String USE_LATEST_VERSION = "use.latest.version";

    private static final ConfigDef DEFINITION = new ConfigDef()
            .define(SCHEMA_REGISTRY_URL, Type.LIST, List.of(), Importance.HIGH,
                    "Schema Registry base URLs, comma-separated. Empty: Avro single-object encoding with the "
                            + "schemas shipped in holdfast-schemas. Set: the Confluent wire format.")
            .define(KEY_TYPE, Type.CLASS, null, Importance.MEDIUM,
                    "Generated Avro record class of the key, for a serde Kafka instantiates by class name.")
            .define(VALUE_TYPE, Type.CLASS, null, Importance.MEDIUM,
                    "Generated Avro record class of the value, for a serde Kafka instantiates by class name.")
            .define(AUTO_REGISTER_SCHEMAS, Type.BOOLEAN, true, Importance.MEDIUM,
                    "Confluent format: register the record's schema under '<topic>-key' or '<topic>-value' on "
                            + "first use. When false, the schema must already be registered there.")
            .define(USE_LATEST_VERSION, Type.BOOLEAN, false, Importance.LOW,
                    "Confluent format: tag records with the id of the subject's latest version instead of "
                            + "registering or looking up the record's own schema. That version must have the "
                            + "same Parsing Canonical Form as the record's schema, otherwise serialization fails.");

    public HoldfastSerdeConfig(Map<String, ?> originals) {
        super(DEFINITION, originals, false);
    }

    /** The Kafka {@link ConfigDef} of these keys, for documentation and validation tools. */
    public static ConfigDef configDef() {
        return new ConfigDef(DEFINITION);
    }

    public WireFormat wireFormat() {
        return getList(SCHEMA_REGISTRY_URL).isEmpty() ? WireFormat.SINGLE_OBJECT : WireFormat.CONFLUENT;
    }

    public Optional<Class<?>> recordType(boolean isKey) {
        return Optional.ofNullable(getClass(isKey ? KEY_TYPE : VALUE_TYPE));
    }

    public boolean autoRegisterSchemas() {
        return getBoolean(AUTO_REGISTER_SCHEMAS);
    }

    public boolean useLatestVersion() {
        return getBoolean(USE_LATEST_VERSION);
    }

    @Override
    public String toString() {
        return "HoldfastSerdeConfig" + values();
    }
}
