package io.holdfast.reconciler.cdc;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable row of a change event (a key, {@code before} or {@code after}): column name to value, in
 * the order the event lists them.
 *
 * <p>Values are what the JSON holds: {@link String}, {@link Long} (every JSON integer that fits),
 * {@link Double}, {@link Boolean} or null. Integers beyond 64 bits (e.g. {@code BIGINT UNSIGNED} near
 * its top) are kept as their decimal String, and nested objects or arrays (e.g. Debezium's geometry
 * struct) as compact JSON text, so no event is lost for an unusual column type. Debezium's default
 * encodings are kept as they arrive: DATETIME(3) is epoch millis, DATETIME(6) epoch micros, DECIMAL a
 * base64 string of the unscaled bytes.
 *
 * <p>Why parallel arrays instead of a map: a row is built once per event and read a few times by
 * column name; arrays cost two allocations and a linear scan over a handful of interned names, and the
 * map view is only built if someone asks for it.
 */
public final class Row {

    private final String[] columns;
    private final Object[] values;
    private Map<String, Object> map;

    Row(String[] columns, Object[] values) {
        this.columns = columns;
        this.values = values;
    }

    /** A row holding {@code map}'s entries in its iteration order; values must be of the types above. */
    public static Row of(Map<String, ?> map) {
        String[] columns = new String[map.size()];
        Object[] values = new Object[map.size()];
        int i = 0;
        for (Map.Entry<String, ?> entry : map.entrySet()) {
            columns[i] = Objects.requireNonNull(entry.getKey(), "column name");
            Object value = entry.getValue();
            values[i++] = value instanceof Integer || value instanceof Short || value instanceof Byte
                    ? Long.valueOf(((Number) value).longValue()) : value;
        }
        return new Row(columns, values);
    }

    /** Whether the row has the column (its value may still be null). */
    public boolean has(String column) {
        return indexOf(column) >= 0;
    }

    /** The column's value as it was parsed; null if the value is null or the column is absent. */
    public Object get(String column) {
        int index = indexOf(column);
        return index < 0 ? null : values[index];
    }

    /**
     * The column's value as text: strings as they are, numbers and booleans in their JSON form; null if
     * the value is null or the column is absent.
     */
    public String string(String column) {
        Object value = get(column);
        return value == null ? null : value.toString();
    }

    /**
     * The column's value as a long, accepting JSON integers and strings holding a decimal integer (as
     * some converters write BIGINT) and integral doubles; null if the value is null or the column is absent.
     *
     * @throws IllegalArgumentException if the value is not an integer that fits in a long
     */
    public Long longValue(String column) {
        Object value = get(column);
        if (value == null || value instanceof Long) {
            return (Long) value;
        }
        if (value instanceof String text) {
            try {
                return Long.parseLong(text.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("column '" + column + "' is '" + text + "', not an integer", e);
            }
        }
        if (value instanceof Double d && d == Math.rint(d) && Math.abs(d) < 0x1p63) {
            return d.longValue();
        }
        throw new IllegalArgumentException("column '" + column + "' is " + value + ", not an integer");
    }

    /** Number of columns. */
    public int size() {
        return columns.length;
    }

    /** An unmodifiable map view in column order (values may be null). */
    public Map<String, Object> asMap() {
        Map<String, Object> view = map;
        if (view == null) {
            LinkedHashMap<String, Object> copy = new LinkedHashMap<>(columns.length * 2);
            for (int i = 0; i < columns.length; i++) {
                copy.put(columns[i], values[i]);
            }
            view = Collections.unmodifiableMap(copy);
            map = view;
        }
        return view;
    }

    private int indexOf(String column) {
        for (int i = 0; i < columns.length; i++) {
            if (columns[i].equals(column)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Row that && Arrays.equals(columns, that.columns) && Arrays.equals(values, that.values);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(columns) + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return asMap().toString();
    }
}
