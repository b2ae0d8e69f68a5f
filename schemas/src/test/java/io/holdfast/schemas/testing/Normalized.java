package io.holdfast.schemas.testing;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.IndexedRecord;

/**
 * A plain, comparable view of an Avro value, for asserting that two records hold the same data whatever
 * their representation: specific or generic, String or Utf8, Instant or epoch millis, and map order.
 * Records are not compared with their own equals(): Avro 1.12 generates it with {@code !=} on non-null
 * double fields, so a record holding NaN never equals its copy.
 */
public final class Normalized {

    private Normalized() {
    }

    public static Object of(Object value) {
        if (value instanceof IndexedRecord record) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("(type)", record.getSchema().getFullName());
            record.getSchema().getFields().forEach(field -> fields.put(field.name(), of(record.get(field.pos()))));
            return fields;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> sorted = new TreeMap<>();
            map.forEach((key, entry) -> sorted.put(key.toString(), of(entry)));
            return sorted;
        }
        if (value instanceof CharSequence || value instanceof GenericEnumSymbol<?> || value instanceof Enum<?>) {
            return value.toString();
        }
        if (value instanceof Instant instant) {
            return instant.toEpochMilli();
        }
        return value;
    }
}
