package io.holdfast.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.schemas.serde.internal.SchemaHistory;
import io.holdfast.schemas.serde.internal.SingleObjectDeserializer;
import io.holdfast.schemas.serde.internal.SingleObjectSerializer;
import io.holdfast.schemas.testing.AvscSources;
import io.holdfast.schemas.testing.Encodings;
import io.holdfast.schemas.testing.Normalized;
import io.holdfast.schemas.testing.RandomRecords;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Schema evolution over the released history in {@code avro-history}: every released version is read by
 * the current deserializer, and, since every contract promises FULL compatibility, every released version
 * reads current data. A fixture with a genuinely older shape of VolumeMetric proves the mechanism on a real
 * difference.
 */
class SchemaEvolutionTest {

    private static final int RECORDS_PER_VERSION = 40;
    private static final String TOPIC = "evolution-test";

    private final AvscSources sources = AvscSources.load();

    @TestFactory
    Stream<DynamicTest> everyContractHasAContiguousReleasedHistory() {
        return Contracts.ALL.stream().map(type -> DynamicTest.dynamicTest(type.getSimpleName(), () -> {
            Path dir = AvscSources.historyDir(type.getName());
            assertTrue(Files.isDirectory(dir), "No released version of " + type.getName()
                    + "; release it (schemas/README.md, 'Releasing a schema version')");
            List<String> files;
            try (Stream<Path> list = Files.list(dir)) {
                files = list.map(p -> p.getFileName().toString()).sorted().toList();
            }
            List<Schema> released = SchemaHistory.of(type).released();
            List<String> expected = new ArrayList<>();
            for (int version = 1; version <= released.size(); version++) {
                expected.add(version + ".avsc");
            }
            assertEquals(expected.stream().sorted().toList(), files, "versions must be 1.avsc .. N.avsc without gaps");
            for (Schema version : released) {
                assertEquals(type.getName(), version.getFullName());
            }
        }));
    }

    /** Guards against a breaking change: the current schema must stay compatible with the latest release. */
    @TestFactory
    Stream<DynamicTest> currentSchemaIsCompatibleWithEveryReleasedVersion() {
        return Contracts.ALL.stream().map(type -> DynamicTest.dynamicTest(type.getSimpleName(), () -> {
            Schema current = sources.contract(type.getName());
            boolean full = current.getDoc().contains("Compatibility: FULL");
            List<Schema> released = SchemaHistory.of(type).released();
            for (int i = 0; i < released.size(); i++) {
                assertCompatible(current, released.get(i), "current " + type.getSimpleName() + " reading version " + (i + 1));
                if (full) {
                    assertCompatible(released.get(i), current, "version " + (i + 1) + " reading current " + type.getSimpleName());
                }
            }
        }));
    }

    /** Data written with each released version (generic writer, that version's fingerprint) decodes today. */
    @TestFactory
    Stream<DynamicTest> everyReleasedVersionIsDecodedByTheCurrentDeserializer() {
        return Contracts.ALL.stream().map(type -> DynamicTest.dynamicTest(type.getSimpleName(),
                () -> readsEveryReleasedVersion(type)));
    }

    /** Data written with the current schema decodes with each released version, as FULL promises. */
    @TestFactory
    Stream<DynamicTest> everyReleasedVersionReadsCurrentData() {
        return Contracts.ALL.stream().map(type -> DynamicTest.dynamicTest(type.getSimpleName(),
                () -> releasedVersionsReadCurrentData(type)));
    }

    @Test
    void olderVolumeMetricWithoutLaterFieldsIsDecodedWithTheirDefaults() throws IOException {
        Schema older = fixtureSchema();
        GenericRecord written = fixtureRecord(older);
        byte[] payload = Encodings.singleObject(older, written);

        // The fixture is not a shipped version: the production deserializer must not know it...
        SerializationException unknown = assertThrows(SerializationException.class,
                () -> new SingleObjectDeserializer<>(VolumeMetric.class).deserialize(TOPIC, payload));
        assertTrue(unknown.getMessage().contains("unknown fingerprint"), unknown.getMessage());

        // ...and once it is part of the history, it is read, with the defaults of the fields added since.
        SchemaHistory history = SchemaHistory.of(VolumeMetric.getClassSchema(),
                append(SchemaHistory.of(VolumeMetric.class).released(), older));
        VolumeMetric read = new SingleObjectDeserializer<>(VolumeMetric.class, history).deserialize(TOPIC, payload);

        assertEquals("vol-0a1b2c3d", read.getVolumeId());
        assertEquals("node-17", read.getPeerGroup());
        assertEquals(Instant.ofEpochMilli(1_700_000_000_000L), read.getEventTime());
        assertEquals(812.5, read.getReadLatencyUs());
        assertEquals(655_360L, read.getWriteBytes());
        assertEquals(Boolean.FALSE, read.getStalled());
        assertEquals(MetricSource.CLOUDWATCH, read.getSource());
        assertNull(read.getDevice(), "added field takes its default");
        assertNull(read.getLatencyUs(), "added field takes its default");
        assertNull(read.getTotalBytes(), "added field takes its default");
    }

    @Test
    void olderVolumeMetricReadsCurrentDataFallingBackToTheEnumDefault() throws IOException {
        Schema older = fixtureSchema();
        assertCompatible(older, VolumeMetric.getClassSchema(), "older VolumeMetric reading current data");
        VolumeMetric current = VolumeMetric.newBuilder(fixtureAsCurrent())
                .setDevice("nvme1n1")
                .setLatencyUs(1052.0)
                .setTotalBytes(1_146_880L)
                .setSource(MetricSource.BACKTEST)
                .build();
        byte[] payload = new SingleObjectSerializer<>(VolumeMetric.class).serialize(TOPIC, current);

        GenericRecord seenByOlder = Encodings.readGeneric(Encodings.withoutHeader(payload, 10),
                VolumeMetric.getClassSchema(), older);

        assertEquals("UNKNOWN", seenByOlder.get("source").toString(), "a symbol the old reader lacks becomes its default");
        assertNull(older.getField("device"));
        assertEquals(812.5, seenByOlder.get("read_latency_us"));
        assertEquals(1_700_000_000_000L, seenByOlder.get("event_time"));
    }

    @Test
    void aBreakingChangeInTheHistoryIsRefusedAtStartup() throws IOException {
        String olderText = Files.readString(Path.of("src/test/resources/evolution/VolumeMetric-older.avsc"));
        Schema broken = new Schema.Parser().parse(olderText.replace(
                "\"name\": \"sample_period_ms\",\n      \"type\": \"long\"",
                "\"name\": \"sample_period_ms\",\n      \"type\": \"string\""));
        assertEquals(Schema.Type.STRING, broken.getField("sample_period_ms").schema().getType(), "fixture edit applied");

        SchemaHistory history = SchemaHistory.of(VolumeMetric.getClassSchema(), List.of(broken));
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> new SingleObjectDeserializer<>(VolumeMetric.class, history));
        assertTrue(refused.getMessage().contains("sample_period_ms"), refused.getMessage());
    }

    private static <T extends SpecificRecord> void readsEveryReleasedVersion(Class<T> type) {
        SingleObjectDeserializer<T> deserializer = new SingleObjectDeserializer<>(type);
        Schema current = SpecificData.get().getSchema(type);
        List<Schema> released = SchemaHistory.of(type).released();
        assertFalse(released.isEmpty(), type.getName() + " has no released version");
        Random random = new Random(type.getName().hashCode());
        for (int version = 1; version <= released.size(); version++) {
            Schema writer = released.get(version - 1);
            for (int i = 0; i < RECORDS_PER_VERSION; i++) {
                GenericRecord written = RandomRecords.generic(writer, random);
                T read = deserializer.deserialize(TOPIC, Encodings.singleObject(writer, written));

                // Back to the released version's own shape: it must be exactly what was written.
                byte[] rewritten = Encodings.body(current, read, SpecificData.getForClass(type));
                GenericRecord roundTripped = Encodings.readGeneric(rewritten, current, writer);
                assertEquals(Normalized.of(written), Normalized.of(roundTripped),
                        type.getSimpleName() + " version " + version + " record " + written);
            }
        }
    }

    private static <T extends SpecificRecord> void releasedVersionsReadCurrentData(Class<T> type) throws IOException {
        SingleObjectSerializer<T> serializer = new SingleObjectSerializer<>(type);
        Schema current = SpecificData.get().getSchema(type);
        SpecificData model = SpecificData.getForClass(type);
        Random random = new Random(~type.getName().hashCode());
        List<Schema> released = SchemaHistory.of(type).released();
        for (int version = 1; version <= released.size(); version++) {
            Schema reader = released.get(version - 1);
            for (int i = 0; i < RECORDS_PER_VERSION; i++) {
                T written = RandomRecords.specific(type, random);
                byte[] body = Encodings.withoutHeader(serializer.serialize(TOPIC, written), 10);
                GenericRecord seenByRelease = Encodings.readGeneric(body, current, reader);

                // Carried back into the current class: fields the release knows survive, the others
                // take their defaults.
                @SuppressWarnings("unchecked")
                T back = (T) new SpecificDatumReader<>(reader, current, model)
                        .read(null, DecoderFactory.get().binaryDecoder(Encodings.body(reader, seenByRelease), null));
                for (Schema.Field field : current.getFields()) {
                    Object expected = reader.getField(field.name()) != null
                            ? written.get(field.pos())
                            : model.getDefaultValue(field);
                    assertEquals(Normalized.of(expected), Normalized.of(back.get(field.pos())),
                            type.getSimpleName() + "." + field.name() + " via version " + version);
                }
            }
        }
    }

    private static Schema fixtureSchema() throws IOException {
        try (InputStream in = resource("evolution/VolumeMetric-older.avsc")) {
            Schema older = new Schema.Parser().parse(in);
            assertTrue(SchemaNormalization.parsingFingerprint64(older)
                    != SchemaNormalization.parsingFingerprint64(VolumeMetric.getClassSchema()),
                    "the fixture must differ from the current schema");
            return older;
        }
    }

    private static GenericRecord fixtureRecord(Schema older) throws IOException {
        try (InputStream in = resource("evolution/VolumeMetric-older-record.json")) {
            return new GenericDatumReader<GenericRecord>(older, older, GenericData.get())
                    .read(null, DecoderFactory.get().jsonDecoder(older, in));
        }
    }

    private static VolumeMetric fixtureAsCurrent() throws IOException {
        Schema older = fixtureSchema();
        byte[] payload = Encodings.singleObject(older, fixtureRecord(older));
        SchemaHistory history = SchemaHistory.of(VolumeMetric.getClassSchema(), List.of(older));
        return new SingleObjectDeserializer<>(VolumeMetric.class, history).deserialize(TOPIC, payload);
    }

    private static InputStream resource(String name) {
        return Objects.requireNonNull(SchemaEvolutionTest.class.getClassLoader().getResourceAsStream(name), name);
    }

    private static void assertCompatible(Schema reader, Schema writer, String what) {
        SchemaCompatibility.SchemaPairCompatibility result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        assertEquals(SchemaCompatibilityType.COMPATIBLE, result.getType(), what + ": " + result.getDescription());
    }

    private static List<Schema> append(List<Schema> versions, Schema extra) {
        List<Schema> all = new ArrayList<>(versions);
        all.add(extra);
        return all;
    }
}
