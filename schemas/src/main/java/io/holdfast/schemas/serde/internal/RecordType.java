package io.holdfast.schemas.serde.internal;

import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.DatumReader;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * A generated record class with what encoding and decoding it needs. The class's own {@link SpecificData}
 * carries its logical-type conversions (timestamps as {@link java.time.Instant}); the shared default
 * instance does not, so it must never be used for these classes.
 */
public final class RecordType<T extends SpecificRecord> {

    private final Class<T> type;
    private final SpecificData model;
    private final Schema schema;
    private final long fingerprint;
    private final SpecificDatumWriter<T> writer;

    private RecordType(Class<T> type) {
        this.type = Objects.requireNonNull(type, "type");
        AvroClassTrust.trustReachableFrom(type);
        this.model = SpecificData.getForClass(type);
        this.schema = model.getSchema(type);
        this.fingerprint = SchemaNormalization.parsingFingerprint64(schema);
        this.writer = new SpecificDatumWriter<>(schema, model);
    }

    public static <T extends SpecificRecord> RecordType<T> of(Class<T> type) {
        return new RecordType<>(type);
    }

    public Class<T> type() {
        return type;
    }

    public String name() {
        return schema.getFullName();
    }

    public Schema schema() {
        return schema;
    }

    /** CRC-64-AVRO fingerprint of the schema's Parsing Canonical Form. */
    public long fingerprint() {
        return fingerprint;
    }

    /** Thread-safe: a datum writer keeps no state between writes. */
    public SpecificDatumWriter<T> writer() {
        return writer;
    }

    /** A reader resolving data written with {@code writerSchema} into this class. Thread-safe. */
    public DatumReader<T> readerFrom(Schema writerSchema) {
        return new SpecificDatumReader<>(writerSchema, schema, model);
    }

    public static String hexFingerprint(long fingerprint) {
        return String.format("0x%016x", fingerprint);
    }
}
