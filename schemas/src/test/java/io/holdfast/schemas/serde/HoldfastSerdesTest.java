package io.holdfast.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.schemas.TabletRecord;
import io.holdfast.schemas.TabletRole;
import io.holdfast.schemas.VolumeMetric;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

/** Format selection, Kafka's by-class-name instantiation, and what a serde reveals about itself. */
class HoldfastSerdesTest {

    private static final String SECRET = "an0ther-s3cret";

    @Test
    void theRegistryUrlSelectsTheConfluentFormat() {
        assertEquals(WireFormat.SINGLE_OBJECT, HoldfastSerdes.wireFormat(Map.of()));
        assertEquals(WireFormat.SINGLE_OBJECT, HoldfastSerdes.wireFormat(Map.of("schema.registry.url", "")));
        assertEquals(WireFormat.CONFLUENT, HoldfastSerdes.wireFormat(Map.of("schema.registry.url", "http://127.0.0.1:1")));
        assertEquals(WireFormat.CONFLUENT,
                HoldfastSerdes.value(VolumeMetric.class, Map.of("schema.registry.url", "http://127.0.0.1:1")).wireFormat());
    }

    @Test
    void kafkaStreamsCanCreateTheSerdeByClassName() {
        @SuppressWarnings("unchecked")
        Serde<TabletRecord> serde = Utils.newInstance(HoldfastSerde.class);
        serde.configure(Map.of(HoldfastSerdeConfig.VALUE_TYPE, TabletRecord.class.getName(),
                "application.id", "ignored-by-the-serde"), false);

        TabletRecord tablet = sampleTablet();
        assertEquals(tablet, serde.deserializer().deserialize("fleet.tablets",
                serde.serializer().serialize("fleet.tablets", tablet)));
    }

    @Test
    void producersAndConsumersCanCreateSerializersByClassName() {
        Map<String, Object> config = Map.of(HoldfastSerdeConfig.KEY_TYPE, TabletRecord.class.getName());
        @SuppressWarnings("unchecked")
        Serializer<TabletRecord> serializer = Utils.newInstance(HoldfastSerializer.class);
        @SuppressWarnings("unchecked")
        Deserializer<TabletRecord> deserializer = Utils.newInstance(HoldfastDeserializer.class);
        serializer.configure(config, true);
        deserializer.configure(config, true);

        TabletRecord tablet = sampleTablet();
        assertEquals(tablet, deserializer.deserialize("t", serializer.serialize("t", tablet)));
        serializer.close();
        deserializer.close();
    }

    @Test
    void aSerdeWithoutARecordTypeSaysWhichKeyIsMissing() {
        HoldfastSerde<VolumeMetric> serde = new HoldfastSerde<>();
        ConfigException missing = assertThrows(ConfigException.class, () -> serde.configure(Map.of(), false));
        assertTrue(missing.getMessage().contains(HoldfastSerdeConfig.VALUE_TYPE), missing.getMessage());

        ConfigException notARecord = assertThrows(ConfigException.class,
                () -> serde.configure(Map.of(HoldfastSerdeConfig.VALUE_TYPE, String.class.getName()), false));
        assertTrue(notARecord.getMessage().contains("java.lang.String"), notARecord.getMessage());
    }

    @Test
    void anUnconfiguredSerdeRefusesToWork() {
        HoldfastSerde<VolumeMetric> serde = new HoldfastSerde<>(VolumeMetric.class);
        assertThrows(IllegalStateException.class, serde::serializer);
        assertThrows(IllegalStateException.class,
                () -> new HoldfastSerializer<>(VolumeMetric.class).serialize("t", null));
    }

    @Test
    void descriptionsNameTypeFormatAndRegistryButNoSecret() {
        Map<String, Object> config = new HashMap<>();
        config.put(SchemaRegistryConfig.SCHEMA_REGISTRY_URL, "https://127.0.0.1:8081");
        config.put(SchemaRegistryConfig.BASIC_AUTH_USER_INFO, "holdfast:" + SECRET);
        config.put(SchemaRegistryConfig.SSL_KEYSTORE_PASSWORD, SECRET);
        HoldfastSerde<VolumeMetric> serde = HoldfastSerdes.value(VolumeMetric.class, config);

        String description = serde.toString();
        assertTrue(description.contains("io.holdfast.schemas.VolumeMetric"), description);
        assertTrue(description.contains("CONFLUENT"), description);
        assertTrue(description.contains("https://127.0.0.1:8081"), description);
        assertFalse(description.contains(SECRET), description);
        assertFalse(new HoldfastSerdeConfig(config).toString().contains(SECRET));
        serde.close();
    }

    @Test
    void anInvalidRegistrySettingIsRefusedWithTheKeyAndWithoutTheSecret() {
        ConfigException badUrl = assertThrows(ConfigException.class, () -> HoldfastSerdes.value(VolumeMetric.class,
                Map.of(SchemaRegistryConfig.SCHEMA_REGISTRY_URL, "ftp://127.0.0.1/?token=" + SECRET)));
        assertTrue(badUrl.getMessage().contains(SchemaRegistryConfig.SCHEMA_REGISTRY_URL), badUrl.getMessage());
        assertFalse(badUrl.getMessage().contains(SECRET), badUrl.getMessage());

        ConfigException badSource = assertThrows(ConfigException.class, () -> HoldfastSerdes.value(VolumeMetric.class,
                Map.of(SchemaRegistryConfig.SCHEMA_REGISTRY_URL, "http://127.0.0.1:1",
                        SchemaRegistryConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "SASL_INHERIT")));
        assertTrue(badSource.getMessage().contains(SchemaRegistryConfig.BASIC_AUTH_CREDENTIALS_SOURCE));
    }

    private static TabletRecord sampleTablet() {
        return TabletRecord.newBuilder()
                .setTabletAlias("zone1-0000000100").setKeyspace("commerce").setShard("-80").setCell("zone1")
                .setRole(TabletRole.PRIMARY).setServing(true).setVolumeId("vol-1").setPrimaryTerm(3L)
                .setPrimaryTermStartTime(Instant.ofEpochMilli(1_700_000_000_000L))
                .setUpdatedTime(Instant.ofEpochMilli(1_700_000_001_000L)).build();
    }
}
