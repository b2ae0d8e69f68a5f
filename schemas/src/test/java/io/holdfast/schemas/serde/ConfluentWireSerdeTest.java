package io.holdfast.schemas.serde;

import static io.holdfast.schemas.testing.InTestSchemaRegistry.BY_ID;
import static io.holdfast.schemas.testing.InTestSchemaRegistry.LATEST;
import static io.holdfast.schemas.testing.InTestSchemaRegistry.LOOKUP;
import static io.holdfast.schemas.testing.InTestSchemaRegistry.REGISTER;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.schemas.Alert;
import io.holdfast.schemas.Contracts;
import io.holdfast.schemas.ControlAction;
import io.holdfast.schemas.ControlCommand;
import io.holdfast.schemas.Scope;
import io.holdfast.schemas.Scopes;
import io.holdfast.schemas.VolumeMetric;
import io.holdfast.schemas.testing.ContractArbitraries;
import io.holdfast.schemas.testing.Encodings;
import io.holdfast.schemas.testing.InTestSchemaRegistry;
import io.holdfast.schemas.testing.Normalized;
import io.holdfast.schemas.testing.RandomRecords;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.constraints.Size;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Confluent wire format serde against {@link InTestSchemaRegistry} (the real Confluent registry is not
 * available on this machine): round trips, the exact header bytes, caching, subject naming, the
 * registration modes, and the line between bad records (SerializationException) and registry outages
 * (SchemaRegistryException).
 */
class ConfluentWireSerdeTest {

    private static final String TOPIC = "fleet.volume-metrics";
    private static final int FIRST_ID = 0x01020304;

    private static InTestSchemaRegistry sharedRegistry;
    private static final Map<Class<?>, Serde<SpecificRecord>> SHARED_SERDES = new ConcurrentHashMap<>();
    private InTestSchemaRegistry registry;

    @BeforeContainer
    static void startSharedRegistry() throws IOException {
        sharedRegistry = InTestSchemaRegistry.http();
    }

    @AfterContainer
    static void stopSharedRegistry() {
        SHARED_SERDES.values().forEach(Serde::close);
        SHARED_SERDES.clear();
        sharedRegistry.close();
    }

    @BeforeEach
    void startRegistry() throws IOException {
        registry = InTestSchemaRegistry.http();
        registry.startIdsAt(FIRST_ID);
    }

    @AfterEach
    void stopRegistry() {
        registry.close();
    }

    @Property(tries = 300)
    void everyContractSurvivesARoundTrip(@ForAll("anyContractRecord") SpecificRecord record) {
        Serde<SpecificRecord> serde = sharedSerde(record.getClass());
        String topic = "topic-of-" + record.getClass().getSimpleName();
        byte[] bytes = serde.serializer().serialize(topic, record);
        assertEquals(0, bytes[0]);
        assertEquals(Normalized.of(record), Normalized.of(serde.deserializer().deserialize(topic, bytes)));
    }

    @Provide
    Arbitrary<SpecificRecord> anyContractRecord() {
        return ContractArbitraries.anyContractRecord();
    }

    @Test
    void everyContractRoundTripsAndRegistersOncePerTopic() {
        for (Class<? extends SpecificRecord> type : Contracts.ALL) {
            Random random = new Random(type.getName().hashCode());
            Serde<SpecificRecord> serde = null;
            for (int i = 0; i < 20; i++) {
                SpecificRecord record = RandomRecords.specific(type, random);
                serde = serde != null ? serde : serde(registry, record);
                byte[] bytes = serde.serializer().serialize(type.getSimpleName(), record);
                assertEquals(Normalized.of(record),
                        Normalized.of(serde.deserializer().deserialize(type.getSimpleName(), bytes)));
            }
        }
        assertEquals(Contracts.ALL.size(), registry.hits(REGISTER));
        assertEquals(0, registry.hits(BY_ID), "a serde knows the schema it registered");
    }

    @Test
    void bytesAreMagicZeroThenTheBigEndianIdThenTheAvroBody() {
        VolumeMetric metric = SingleObjectSerdeTest.sampleMetric();
        byte[] bytes = HoldfastSerdes.value(VolumeMetric.class, config(registry)).serializer().serialize(TOPIC, metric);

        assertArrayEquals(new byte[] {0, 0x01, 0x02, 0x03, 0x04}, Arrays.copyOf(bytes, 5));
        assertArrayEquals(Encodings.body(VolumeMetric.getClassSchema(), metric, SpecificData.getForClass(VolumeMetric.class)),
                Encodings.withoutHeader(bytes, 5));
        assertEquals(List.of(TOPIC + "-value"), registry.subjectsSeen());
    }

    @Test
    void oneRegistrationAndOneIdLookupServeManyRecords() {
        Serde<VolumeMetric> producerSide = HoldfastSerdes.value(VolumeMetric.class, config(registry));
        Serde<VolumeMetric> consumerSide = HoldfastSerdes.value(VolumeMetric.class, config(registry));
        Random random = new Random(7);
        for (int i = 0; i < 200; i++) {
            VolumeMetric metric = RandomRecords.specific(VolumeMetric.class, random);
            byte[] bytes = producerSide.serializer().serialize(TOPIC, metric);
            assertEquals(Normalized.of(metric), Normalized.of(consumerSide.deserializer().deserialize(TOPIC, bytes)));
        }
        assertEquals(1, registry.hits(REGISTER));
        assertEquals(1, registry.hits(BY_ID));
    }

    @Test
    void keysUseTheKeySubject() {
        Scope scope = Scopes.shard("commerce", "-80");
        Serde<Scope> keySerde = HoldfastSerdes.key(Scope.class, config(registry));
        byte[] bytes = keySerde.serializer().serialize("control", scope);
        assertEquals(scope, keySerde.deserializer().deserialize("control", bytes));
        assertEquals(List.of("control-key"), registry.subjectsSeen());
    }

    @Test
    void withoutAutoRegistrationTheSchemaMustAlreadyBeRegistered() {
        Map<String, Object> config = config(registry);
        config.put(HoldfastSerdeConfig.AUTO_REGISTER_SCHEMAS, false);
        VolumeMetric metric = SingleObjectSerdeTest.sampleMetric();

        SerializationException missing = assertThrows(SerializationException.class,
                () -> HoldfastSerdes.value(VolumeMetric.class, config).serializer().serialize(TOPIC, metric));
        assertTrue(missing.getMessage().contains("not registered under subject " + TOPIC + "-value"), missing.getMessage());

        int id = registry.register(TOPIC + "-value", VolumeMetric.getClassSchema().toString());
        byte[] bytes = HoldfastSerdes.value(VolumeMetric.class, config).serializer().serialize(TOPIC, metric);
        assertEquals(id, schemaIdOf(bytes));
        assertEquals(0, registry.hits(REGISTER));
        assertEquals(2, registry.hits(LOOKUP));
    }

    @Test
    void useLatestVersionTagsRecordsWithTheLatestIdOfTheSameLayout() throws IOException {
        // Registered by someone else from the shipped .avsc: the same layout, not the same JSON as the class's.
        String shipped;
        try (InputStream in = getClass().getClassLoader()
                .getResourceAsStream("holdfast/avro-history/io.holdfast.schemas.VolumeMetric/1.avsc")) {
            shipped = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        int latestId = registry.register(TOPIC + "-value", shipped);
        Map<String, Object> config = config(registry);
        config.put(HoldfastSerdeConfig.USE_LATEST_VERSION, true);
        config.put(HoldfastSerdeConfig.AUTO_REGISTER_SCHEMAS, false);
        Serde<VolumeMetric> serde = HoldfastSerdes.value(VolumeMetric.class, config);

        VolumeMetric metric = SingleObjectSerdeTest.sampleMetric();
        byte[] bytes = serde.serializer().serialize(TOPIC, metric);
        serde.serializer().serialize(TOPIC, metric);

        assertEquals(latestId, schemaIdOf(bytes));
        assertEquals(metric, serde.deserializer().deserialize(TOPIC, bytes));
        assertEquals(1, registry.hits(LATEST), "resolved once per topic");
    }

    @Test
    void useLatestVersionRefusesALatestVersionOfAnotherLayout() {
        registry.register(TOPIC + "-value", Alert.getClassSchema().toString());
        Map<String, Object> config = config(registry);
        config.put(HoldfastSerdeConfig.USE_LATEST_VERSION, true);
        SerializationException failure = assertThrows(SerializationException.class, () -> HoldfastSerdes
                .value(VolumeMetric.class, config).serializer().serialize(TOPIC, SingleObjectSerdeTest.sampleMetric()));
        assertTrue(failure.getMessage().contains("is not the schema of this class"), failure.getMessage());
    }

    @Test
    void badRecordsAreSerializationExceptionsNamingTopicTypeAndId() {
        Serde<VolumeMetric> serde = HoldfastSerdes.value(VolumeMetric.class, config(registry));
        byte[] valid = serde.serializer().serialize(TOPIC, SingleObjectSerdeTest.sampleMetric());

        assertRejected(serde, new byte[] {0, 1, 2}, "shorter than the 5-byte Confluent header");
        assertRejected(serde, new byte[] {7, 0, 0, 0, 1, 2}, "unknown magic byte 0x07");
        assertRejected(serde, Encodings.confluent(999, Encodings.withoutHeader(valid, 5)), "schema id 999");
        for (int length = 5; length < valid.length; length++) {
            assertRejected(serde, Arrays.copyOf(valid, length), "schema id " + FIRST_ID);
        }
        int otherId = registry.register("elsewhere-value",
                "{\"type\":\"record\",\"name\":\"Unrelated\",\"fields\":[{\"name\":\"n\",\"type\":\"int\"}]}");
        assertRejected(serde, Encodings.confluent(otherId, new byte[] {2}), "which this type cannot read");
        int protobufId = registry.registerOtherType("proto-value", "syntax = \"proto3\";", "PROTOBUF");
        assertRejected(serde, Encodings.confluent(protobufId, new byte[] {2}), "not Avro");
    }

    @Property(tries = 500)
    void randomBodiesUnderAKnownIdNeverEscapeAsAnotherException(@ForAll @Size(max = 200) byte[] body) {
        Serde<SpecificRecord> serde = sharedSerde(VolumeMetric.class);
        byte[] valid = serde.serializer().serialize(TOPIC, SingleObjectSerdeTest.sampleMetric());
        int id = schemaIdOf(valid);
        try {
            serde.deserializer().deserialize(TOPIC, Encodings.confluent(id, body));
        } catch (SerializationException expected) {
            assertTrue(expected.getMessage().contains("schema id " + id), expected.getMessage());
        }
    }

    @Test
    void recordsInSingleObjectEncodingStayReadableAfterSwitchingToTheRegistry() {
        VolumeMetric metric = SingleObjectSerdeTest.sampleMetric();
        byte[] before = HoldfastSerdes.value(VolumeMetric.class, Map.of()).serializer().serialize(TOPIC, metric);
        assertEquals(metric, HoldfastSerdes.value(VolumeMetric.class, config(registry)).deserializer()
                .deserialize(TOPIC, before));
        assertEquals(0, registry.totalHits());
    }

    @Test
    void anUnreachableRegistryIsNotABadRecord() {
        Map<String, Object> config = config(registry);
        config.put(SchemaRegistryConfig.RETRIES, "1");
        config.put(SchemaRegistryConfig.RETRY_BACKOFF_MS, "1");
        Serde<ControlCommand> serde = HoldfastSerdes.value(ControlCommand.class, config);
        byte[] bytes = serde.serializer().serialize("control", ControlCommand.newBuilder()
                .setRequestId("r-1").setScope(Scopes.global()).setAction(ControlAction.PAUSE).setOperator("ops")
                .setReason("maintenance").setIssuedTime(Instant.ofEpochMilli(1_700_000_000_000L)).build());
        registry.close();

        Serde<ControlCommand> freshConsumer = HoldfastSerdes.value(ControlCommand.class, config);
        SchemaRegistryException failure = assertThrows(SchemaRegistryException.class,
                () -> freshConsumer.deserializer().deserialize("control", bytes));
        assertTrue(failure.retriable());
        assertNotEquals(SerializationException.class, failure.getClass());
    }

    private void assertRejected(Serde<VolumeMetric> serde, byte[] payload, String expectedFragment) {
        SerializationException failure = assertThrows(SerializationException.class,
                () -> serde.deserializer().deserialize(TOPIC, payload));
        assertEquals(SerializationException.class, failure.getClass());
        String message = failure.getMessage();
        assertTrue(message.contains("'" + TOPIC + "'") && message.contains("io.holdfast.schemas.VolumeMetric")
                && message.contains(expectedFragment), message);
    }

    private static int schemaIdOf(byte[] confluentRecord) {
        return ByteBuffer.wrap(confluentRecord, 1, 4).getInt();
    }

    private static Map<String, Object> config(InTestSchemaRegistry registry) {
        Map<String, Object> config = new HashMap<>();
        config.put(HoldfastSerdeConfig.SCHEMA_REGISTRY_URL, registry.url());
        return config;
    }

    @SuppressWarnings("unchecked")
    private static Serde<SpecificRecord> serde(InTestSchemaRegistry registry, SpecificRecord record) {
        return (Serde<SpecificRecord>) (Serde<?>) HoldfastSerdes.value((Class<SpecificRecord>) record.getClass(),
                config(registry));
    }

    /** One serde per type for the properties, as an application would hold them. */
    @SuppressWarnings("unchecked")
    private static Serde<SpecificRecord> sharedSerde(Class<?> type) {
        return SHARED_SERDES.computeIfAbsent(type, t -> (Serde<SpecificRecord>) (Serde<?>)
                HoldfastSerdes.value((Class<SpecificRecord>) t, config(sharedRegistry)));
    }
}
