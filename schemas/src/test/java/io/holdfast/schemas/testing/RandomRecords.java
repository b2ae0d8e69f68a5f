package io.holdfast.schemas.testing;

import io.holdfast.schemas.serde.HoldfastSerdes;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Random records driven by the schema alone, so every contract (and every future one) is covered without
 * a hand-written generator. Values lean on edges: empty and non-ASCII strings, extreme numbers, NaN,
 * empty and non-empty maps, null and non-null union branches.
 */
public final class RandomRecords {

    private static final List<String> STRING_SEEDS = List.of(
            "", "a", "vol-0abc123", "commerce/-80", "zone1-0000000100", "snapshots/e-1/42",
            "ünïcödé", "日本語", "emoji 🚀 surrogate", "quote \" backslash \\ newline \n", "sha256:deadbeef");
    private static final long[] LONG_EDGES = {0, 1, -1, Long.MAX_VALUE, Long.MIN_VALUE, Integer.MAX_VALUE + 1L};
    private static final int[] INT_EDGES = {0, 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE};
    private static final double[] DOUBLE_EDGES = {0.0, -0.0, 1.5, Double.NaN, Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY, Double.MIN_VALUE, Double.MAX_VALUE};

    private RandomRecords() {
    }

    /** A random instance of a generated record class, with Java types (Instant, enums) as generated. */
    public static <T extends SpecificRecord> T specific(Class<T> type, Random random) {
        HoldfastSerdes.trustGeneratedClasses(type);
        SpecificData model = SpecificData.getForClass(type);
        @SuppressWarnings("unchecked")
        T record = (T) new Generator(model, true, random).value(model.getSchema(type));
        return record;
    }

    /** A random generic record of {@code schema}, with timestamps as plain longs (no conversions). */
    public static GenericRecord generic(Schema schema, Random random) {
        return (GenericRecord) new Generator(GenericData.get(), false, random).value(schema);
    }

    private static final class Generator {
        private final GenericData model;
        private final boolean javaTimes;
        private final Random random;

        Generator(GenericData model, boolean javaTimes, Random random) {
            this.model = model;
            this.javaTimes = javaTimes;
            this.random = random;
        }

        Object value(Schema schema) {
            switch (schema.getType()) {
                case RECORD: {
                    Object record = model.newRecord(null, schema);
                    for (Schema.Field field : schema.getFields()) {
                        model.setField(record, field.name(), field.pos(), value(field.schema()));
                    }
                    return record;
                }
                case ENUM: {
                    List<String> symbols = schema.getEnumSymbols();
                    return model.createEnum(symbols.get(random.nextInt(symbols.size())), schema);
                }
                case UNION: {
                    List<Schema> branches = schema.getTypes();
                    boolean nullable = branches.get(0).getType() == Schema.Type.NULL;
                    if (nullable && random.nextInt(3) == 0) {
                        return null;
                    }
                    int first = nullable ? 1 : 0;
                    return value(branches.get(first + random.nextInt(branches.size() - first)));
                }
                case MAP: {
                    Map<String, Object> map = new HashMap<>();
                    int size = random.nextInt(4);
                    for (int i = 0; i < size; i++) {
                        map.put(string() + i, value(schema.getValueType()));
                    }
                    return map;
                }
                case STRING:
                    return string();
                case LONG:
                    return longValue(schema);
                case INT:
                    return random.nextInt(4) == 0 ? INT_EDGES[random.nextInt(INT_EDGES.length)] : random.nextInt();
                case DOUBLE:
                    return random.nextInt(4) == 0
                            ? DOUBLE_EDGES[random.nextInt(DOUBLE_EDGES.length)]
                            : random.nextDouble() * 1e6;
                case FLOAT:
                    return random.nextFloat();
                case BOOLEAN:
                    return random.nextBoolean();
                case NULL:
                    return null;
                default:
                    throw new IllegalArgumentException("No generator for " + schema.getType()
                            + "; extend RandomRecords when a contract uses it");
            }
        }

        private Object longValue(Schema schema) {
            long value = random.nextInt(4) == 0 ? LONG_EDGES[random.nextInt(LONG_EDGES.length)] : random.nextLong();
            LogicalType logicalType = schema.getLogicalType();
            if (logicalType instanceof LogicalTypes.TimestampMillis) {
                // Realistic times most of the time, any representable millisecond otherwise.
                long millis = random.nextBoolean() ? 1_600_000_000_000L + random.nextInt(Integer.MAX_VALUE) : value;
                return javaTimes ? Instant.ofEpochMilli(millis) : millis;
            }
            return value;
        }

        private String string() {
            if (random.nextBoolean()) {
                return STRING_SEEDS.get(random.nextInt(STRING_SEEDS.size()));
            }
            int length = random.nextInt(24);
            StringBuilder text = new StringBuilder(length);
            for (int i = 0; i < length; i++) {
                text.appendCodePoint(random.nextInt(8) == 0 ? 0x80 + random.nextInt(0x2000) : 0x20 + random.nextInt(0x5F));
            }
            return text.toString();
        }
    }
}
