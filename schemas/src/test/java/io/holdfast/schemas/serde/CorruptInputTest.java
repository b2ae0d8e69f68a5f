package io.holdfast.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.schemas.Alert;
import io.holdfast.schemas.Scopes;
import io.holdfast.schemas.Severity;
import io.holdfast.schemas.VolumeMetric;
import io.holdfast.schemas.testing.Encodings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.Test;

/**
 * Whatever arrives on a topic, the single-object deserializer either returns a record or throws a
 * {@link SerializationException} (exactly that type) naming the topic, the type expected and the
 * fingerprint seen, so a stream app can route the record to its dead-letter topic.
 */
class CorruptInputTest {

    private static final String TOPIC = "fleet.volume-metrics";
    private static final String TYPE = "io.holdfast.schemas.VolumeMetric";
    private static final long CURRENT_FINGERPRINT = SchemaNormalization.parsingFingerprint64(VolumeMetric.getClassSchema());

    private final Deserializer<VolumeMetric> deserializer =
            HoldfastSerdes.value(VolumeMetric.class, Map.of()).deserializer();
    private final byte[] valid =
            HoldfastSerdes.value(VolumeMetric.class, Map.of()).serializer().serialize(TOPIC, SingleObjectSerdeTest.sampleMetric());

    @Test
    void unknownFingerprintNamesTopicTypeAndFingerprint() {
        byte[] payload = Encodings.singleObjectWithFingerprint(0x0123456789abcdefL, Encodings.withoutHeader(valid, 10));
        SerializationException failure = rejected(payload);
        assertTrue(failure.getMessage().contains("0x0123456789abcdef"), failure.getMessage());
        assertTrue(failure.getMessage().contains("unknown fingerprint"), failure.getMessage());
    }

    @Test
    void everyTruncationIsRejected() {
        for (int length = 0; length < valid.length; length++) {
            SerializationException failure = rejected(Arrays.copyOf(valid, length));
            if (length >= 10) {
                assertTrue(failure.getMessage().contains(String.format("0x%016x", CURRENT_FINGERPRINT)),
                        "the fingerprint seen is named: " + failure.getMessage());
            }
        }
    }

    @Test
    void trailingBytesAreRejected() {
        byte[] longer = Arrays.copyOf(valid, valid.length + 3);
        SerializationException failure = rejected(longer);
        assertTrue(failure.getMessage().contains("3 bytes left over"), failure.getMessage());
    }

    @Test
    void aRecordOfAnotherContractIsRejectedByFingerprint() {
        Alert alert = Alert.newBuilder()
                .setAlertId("a1").setApp("health").setSeverity(Severity.CRITICAL).setCode("no_safe_candidate")
                .setScope(Scopes.shard("commerce", "-80")).setSummary("no candidate")
                .setRaisedTime(Instant.ofEpochMilli(1_700_000_000_000L)).build();
        byte[] alertBytes = HoldfastSerdes.value(Alert.class, Map.of()).serializer().serialize("alerts", alert);
        SerializationException failure = rejected(alertBytes);
        assertTrue(failure.getMessage().contains(String.format("0x%016x",
                SchemaNormalization.parsingFingerprint64(Alert.getClassSchema()))), failure.getMessage());
    }

    @Test
    void confluentWireFormatIsRejectedWithAHint() {
        byte[] confluent = Encodings.confluent(42, Encodings.withoutHeader(valid, 10));
        SerializationException failure = rejected(confluent);
        assertTrue(failure.getMessage().contains("schema.registry.url"), failure.getMessage());
    }

    @Test
    void anAvroContainerFileIsRejected() throws IOException {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        try (DataFileWriter<VolumeMetric> writer = new DataFileWriter<>(new SpecificDatumWriter<>(VolumeMetric.class))) {
            writer.create(VolumeMetric.getClassSchema(), file);
            writer.append(SingleObjectSerdeTest.sampleMetric());
        }
        rejected(file.toByteArray());
    }

    @Test
    void aBareAvroBodyIsRejected() {
        rejected(Encodings.withoutHeader(valid, 10));
    }

    @Property(tries = 500)
    void randomBytesAreRejected(@ForAll @Size(max = 200) byte[] payload) {
        rejected(payload);
    }

    /** Behind a valid header anything may follow: a record or a SerializationException, nothing else. */
    @Property(tries = 2000)
    void randomBodiesBehindAValidHeaderNeverEscapeAsAnotherException(@ForAll @Size(max = 300) byte[] body) {
        byte[] payload = Encodings.singleObjectWithFingerprint(CURRENT_FINGERPRINT, body);
        try {
            deserializer.deserialize(TOPIC, payload);
        } catch (SerializationException expected) {
            assertNamesTopicAndType(expected);
        }
    }

    /** Flipping bits of a valid record: every corruption is caught or yields a record, never a crash. */
    @Property(tries = 2000)
    void bitFlipsNeverEscapeAsAnotherException(@ForAll int position, @ForAll byte mask) {
        byte[] payload = valid.clone();
        int index = 10 + Math.floorMod(position, payload.length - 10);
        payload[index] ^= (mask == 0 ? 1 : mask);
        try {
            deserializer.deserialize(TOPIC, payload);
        } catch (SerializationException expected) {
            assertNamesTopicAndType(expected);
        }
    }

    /** A length prefix announcing a gigabyte in a few bytes fails at once instead of allocating it. */
    @Test
    void aHugeAnnouncedLengthDoesNotAllocateIt() {
        byte[] body = {(byte) 0xFE, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07};
        rejected(Encodings.singleObjectWithFingerprint(CURRENT_FINGERPRINT, body));
    }

    private SerializationException rejected(byte[] payload) {
        SerializationException failure = assertThrows(SerializationException.class,
                () -> deserializer.deserialize(TOPIC, payload));
        assertEquals(SerializationException.class, failure.getClass());
        assertNamesTopicAndType(failure);
        return failure;
    }

    private static void assertNamesTopicAndType(SerializationException failure) {
        assertTrue(failure.getMessage().contains("'" + TOPIC + "'"), failure.getMessage());
        assertTrue(failure.getMessage().contains(TYPE), failure.getMessage());
    }
}
