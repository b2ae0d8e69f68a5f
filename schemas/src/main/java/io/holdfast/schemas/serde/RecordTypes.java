package io.holdfast.schemas.serde;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.ConfigException;

/** Resolves the record class of a serde that Kafka created by class name. */
final class RecordTypes {

    private RecordTypes() {
    }

    static <T extends SpecificRecord> Class<T> resolve(Class<T> explicit, HoldfastSerdeConfig config, boolean isKey) {
        if (explicit != null) {
            return explicit;
        }
        String key = isKey ? HoldfastSerdeConfig.KEY_TYPE : HoldfastSerdeConfig.VALUE_TYPE;
        Class<?> configured = config.recordType(isKey).orElseThrow(() -> new ConfigException(
                "A holdfast serde created without a record class needs " + key
                        + " set to a generated Avro record class, e.g. io.holdfast.schemas.VolumeMetric"));
        if (!SpecificRecord.class.isAssignableFrom(configured)) {
            throw new ConfigException(key, configured.getName(), "not a generated Avro record class (SpecificRecord)");
        }
        @SuppressWarnings("unchecked")
        Class<T> type = (Class<T>) configured;
        return type;
    }
}
