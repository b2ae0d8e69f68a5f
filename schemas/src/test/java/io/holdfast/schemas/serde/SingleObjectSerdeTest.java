package io.holdfast.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.schemas.Contracts;
import io.holdfast.schemas.VolumeMetric;
import io.holdfast.schemas.WorkflowProgress;
import io.holdfast.schemas.testing.ContractArbitraries;
import io.holdfast.schemas.testing.Normalized;
import io.holdfast.schemas.testing.RandomRecords;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

/** Round trips through the default serde (Avro single-object encoding) and conformance with Avro's own codec. */
class SingleObjectSerdeTest {

    private static final String TOPIC = "fleet.volume-metrics";
    private static final Map<String, Object> NO_REGISTRY = Map.of();
    private static final Map<Class<?>, Serde<?>> SERDES = new ConcurrentHashMap<>();

    @Property(tries = 400)
    void everyContractSurvivesARoundTrip(@ForAll("anyContractRecord") SpecificRecord record) {
        assertEquals(Normalized.of(record), Normalized.of(roundTrip(record)));
    }

    @Provide
    Arbitrary<SpecificRecord> anyContractRecord() {
        return ContractArbitraries.anyContractRecord();
    }

    /** Every contract, whatever the property above happened to draw. */
    @Test
    void everyContractRoundTripsWithManySeeds() {
        for (Class<? extends SpecificRecord> type : Contracts.ALL) {
            Random random = new Random(type.getName().hashCode());
            for (int i = 0; i < 50; i++) {
                SpecificRecord record = RandomRecords.specific(type, random);
                assertEquals(Normalized.of(record), Normalized.of(roundTrip(record)), type.getSimpleName());
            }
        }
    }

    @Test
    void bytesFollowTheSingleObjectLayout() {
        VolumeMetric metric = sampleMetric();
        byte[] bytes = serde(VolumeMetric.class).serializer().serialize(TOPIC, metric);

        assertEquals((byte) 0xC3, bytes[0]);
        assertEquals((byte) 0x01, bytes[1]);
        long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(SchemaNormalization.parsingFingerprint64(VolumeMetric.getClassSchema()), fingerprint);
    }

    @Test
    void interoperatesWithAvrosOwnMessageEncoderAndDecoder() throws Exception {
        VolumeMetric metric = sampleMetric();
        BinaryMessageEncoder<VolumeMetric> avroEncoder = VolumeMetric.getEncoder();
        BinaryMessageDecoder<VolumeMetric> avroDecoder = VolumeMetric.getDecoder();
        Serde<VolumeMetric> serde = serde(VolumeMetric.class);

        byte[] ours = serde.serializer().serialize(TOPIC, metric);
        byte[] avros = toArray(avroEncoder.encode(metric));

        assertArrayEquals(avros, ours);
        assertEquals(metric, avroDecoder.decode(ours));
        assertEquals(metric, serde.deserializer().deserialize(TOPIC, avros));
    }

    @Test
    void nullIsATombstoneBothWays() {
        Serde<VolumeMetric> serde = serde(VolumeMetric.class);
        assertNull(serde.serializer().serialize(TOPIC, null));
        assertNull(serde.deserializer().deserialize(TOPIC, null));
    }

    @Test
    void aSerializerSharedByThreadsKeepsEveryRecordApart() throws Exception {
        Serde<WorkflowProgress> serde = serde(WorkflowProgress.class);
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int seed = t;
                Callable<Integer> work = () -> {
                    Random random = new Random(seed);
                    for (int i = 0; i < 300; i++) {
                        WorkflowProgress record = RandomRecords.specific(WorkflowProgress.class, random);
                        byte[] bytes = serde.serializer().serialize("state.workflow", record);
                        assertEquals(Normalized.of(record),
                                Normalized.of(serde.deserializer().deserialize("state.workflow", bytes)));
                    }
                    return seed;
                };
                results.add(threads.submit(work));
            }
            for (Future<Integer> result : results) {
                result.get();
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void aHugeRecordDoesNotDisturbTheNextOne() {
        Serde<VolumeMetric> serde = serde(VolumeMetric.class);
        StringBuilder huge = new StringBuilder();
        while (huge.length() < 3 * 1024 * 1024) {
            huge.append("peer-group-");
        }
        VolumeMetric big = VolumeMetric.newBuilder(sampleMetric()).setPeerGroup(huge.toString()).build();
        VolumeMetric small = sampleMetric();

        assertEquals(big, serde.deserializer().deserialize(TOPIC, serde.serializer().serialize(TOPIC, big)));
        assertEquals(small, serde.deserializer().deserialize(TOPIC, serde.serializer().serialize(TOPIC, small)));
    }

    @Test
    void anIncompleteRecordIsASerializationException() {
        VolumeMetric incomplete = new VolumeMetric();
        SerializationException failure = assertThrows(SerializationException.class,
                () -> serde(VolumeMetric.class).serializer().serialize(TOPIC, incomplete));
        assertTrue(failure.getMessage().contains("io.holdfast.schemas.VolumeMetric"), failure.getMessage());
        assertTrue(failure.getMessage().contains(TOPIC), failure.getMessage());
    }

    static VolumeMetric sampleMetric() {
        return VolumeMetric.newBuilder()
                .setVolumeId("vol-0a1b2c3d")
                .setPeerGroup("node-17")
                .setNode("node-17")
                .setCell("zone1")
                .setEventTime(Instant.ofEpochMilli(1_700_000_000_123L))
                .setSamplePeriodMs(1000L)
                .setReadLatencyUs(812.5)
                .setWriteLatencyUs(1430.25)
                .setReadOps(120L)
                .setWriteOps(80L)
                .setQueueDepth(1.75)
                .setIdleRatio(0.42)
                .setStalled(false)
                .build();
    }

    @SuppressWarnings("unchecked")
    private static <T extends SpecificRecord> T roundTrip(T record) {
        Serde<T> serde = serde((Class<T>) record.getClass());
        byte[] bytes = serde.serializer().serialize(TOPIC, record);
        T back = serde.deserializer().deserialize(TOPIC, bytes);
        assertEquals(SpecificData.get().getSchema(record.getClass()), back.getSchema());
        return back;
    }

    @SuppressWarnings("unchecked")
    private static <T extends SpecificRecord> Serde<T> serde(Class<T> type) {
        return (Serde<T>) SERDES.computeIfAbsent(type, t -> {
            HoldfastSerde<T> serde = HoldfastSerdes.value(type, NO_REGISTRY);
            assertEquals(WireFormat.SINGLE_OBJECT, serde.wireFormat());
            return serde;
        });
    }

    private static byte[] toArray(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }
}
