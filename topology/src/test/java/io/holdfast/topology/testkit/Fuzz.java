package io.holdfast.topology.testkit;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Seeded generator of bad input for the stream apps' fuzz tests: random bytes, Avro single-object records
 * cut short, with a fingerprint no release has, framed as Confluent records or stripped of their header,
 * with bytes after the body, huge strings. The seed is {@code -Dholdfast.fuzz.seed=N} when given, a fresh
 * one otherwise; tests print it so that a failure can be run again. Each bad record carries
 * {@link #ID_HEADER} so that its dead letter (which keeps the original headers) can be matched to it.
 */
public final class Fuzz {

    public static final String SEED_PROPERTY = "holdfast.fuzz.seed";
    public static final String ID_HEADER = "holdfast.fuzz.id";

    public final long seed;
    public final Random random;

    public Fuzz(long seed) {
        this.seed = seed;
        this.random = new Random(seed);
    }

    /** The seed from {@code -Dholdfast.fuzz.seed}, or a new one. */
    public static Fuzz fromSystemProperty() {
        String s = System.getProperty(SEED_PROPERTY);
        return new Fuzz(s == null || s.isBlank() ? new Random().nextLong() : Long.parseLong(s.trim()));
    }

    public int between(int lowInclusive, int highExclusive) {
        return lowInclusive + random.nextInt(highExclusive - lowInclusive);
    }

    public <T> T pick(T[] values) {
        return values[random.nextInt(values.length)];
    }

    public byte[] randomBytes(int maxLength) {
        byte[] b = new byte[random.nextInt(maxLength + 1)];
        random.nextBytes(b);
        return b;
    }

    /** A valid encoding cut after 0 to length-1 bytes. */
    public byte[] truncated(byte[] valid) {
        return Arrays.copyOf(valid, random.nextInt(valid.length));
    }

    /** Single-object encoding ({@code C3 01}, 8-byte fingerprint, body) whose fingerprint no schema has. */
    public byte[] wrongFingerprint(byte[] valid) {
        byte[] b = valid.clone();
        for (int i = 2; i < 10 && i < b.length; i++) {
            b[i] = (byte) random.nextInt(256);
        }
        b[2] ^= (byte) 0x5A; // never by chance the original
        return b;
    }

    /** The body behind a Confluent header ({@code 00}, 4-byte schema id): another format than configured. */
    public byte[] confluentFramed(byte[] valid) {
        byte[] body = Arrays.copyOfRange(valid, Math.min(10, valid.length), valid.length);
        return ByteBuffer.allocate(5 + body.length).put((byte) 0).putInt(random.nextInt(1000) + 1).put(body).array();
    }

    /** The Avro body without the single-object header. */
    public byte[] headerless(byte[] valid) {
        return Arrays.copyOfRange(valid, Math.min(10, valid.length), valid.length);
    }

    /** A valid encoding followed by 1 to 16 bytes more. */
    public byte[] trailing(byte[] valid) {
        byte[] extra = new byte[1 + random.nextInt(16)];
        random.nextBytes(extra);
        byte[] b = Arrays.copyOf(valid, valid.length + extra.length);
        System.arraycopy(extra, 0, b, valid.length, extra.length);
        return b;
    }

    /** The single-object header of {@code header} on the body of {@code body}: a known fingerprint, another schema's bytes. */
    public static byte[] splice(byte[] header, byte[] body) {
        byte[] b = Arrays.copyOf(header, 10 + Math.max(0, body.length - 10));
        if (body.length > 10) {
            System.arraycopy(body, 10, b, 10, body.length - 10);
        }
        return b;
    }

    /** A string of {@code length} characters (ASCII and some multi-byte). */
    public String hugeString(int length) {
        StringBuilder s = new StringBuilder(length);
        while (s.length() < length) {
            s.append(random.nextInt(8) == 0 ? 'é' : (char) ('a' + random.nextInt(26)));
        }
        return s.toString();
    }

    public static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    public static Headers idHeader(long id) {
        RecordHeaders h = new RecordHeaders();
        h.add(ID_HEADER, Long.toString(id).getBytes(StandardCharsets.UTF_8));
        return h;
    }

    /** The fuzz id a record carries, or -1. */
    public static long idOf(Headers headers) {
        Header h = headers.lastHeader(ID_HEADER);
        return h == null ? -1 : Long.parseLong(new String(h.value(), StandardCharsets.UTF_8));
    }

    /**
     * Every key-value store of {@code driver} (global ones included) as text, key to value, sorted: the
     * state two runs are compared on. Byte arrays are shown in hex.
     */
    public static java.util.SortedMap<String, java.util.SortedMap<String, String>> stores(
            org.apache.kafka.streams.TopologyTestDriver driver) {
        java.util.SortedMap<String, java.util.SortedMap<String, String>> out = new java.util.TreeMap<>();
        for (var e : driver.getAllStateStores().entrySet()) {
            if (!(e.getValue() instanceof org.apache.kafka.streams.state.KeyValueStore<?, ?> store)) {
                continue;
            }
            java.util.SortedMap<String, String> content = new java.util.TreeMap<>();
            try (var it = store.all()) {
                while (it.hasNext()) {
                    var kv = it.next();
                    content.put(text(kv.key), text(kv.value));
                }
            }
            out.put(e.getKey(), content);
        }
        return out;
    }

    /**
     * Runs {@code body} with the per-record warnings of the error handlers (a stack trace per bad record,
     * some carrying a megabyte of the record) turned down to errors: ten thousand of them are the point of
     * a fuzz run, not news. Errors are still logged.
     */
    public static <T> T quietly(java.util.function.Supplier<T> body) {
        List<ch.qos.logback.classic.Logger> loggers = new java.util.ArrayList<>();
        List<ch.qos.logback.classic.Level> levels = new java.util.ArrayList<>();
        for (String name : List.of("org.apache.kafka.streams", "io.holdfast.topology.errors")) {
            if (org.slf4j.LoggerFactory.getLogger(name) instanceof ch.qos.logback.classic.Logger l) {
                loggers.add(l);
                levels.add(l.getLevel());
                l.setLevel(ch.qos.logback.classic.Level.ERROR);
            }
        }
        try {
            return body.get();
        } finally {
            for (int i = 0; i < loggers.size(); i++) {
                loggers.get(i).setLevel(levels.get(i));
            }
        }
    }

    /** Kafka Streams' dropped-records count of the global task (-1_-1) of a test driver. */
    public static double globalDropped(org.apache.kafka.streams.TopologyTestDriver driver) {
        double total = 0;
        for (var e : driver.metrics().entrySet()) {
            if (e.getKey().name().equals("dropped-records-total") && "-1_-1".equals(e.getKey().tags().get("task-id"))) {
                total += ((Number) e.getValue().metricValue()).doubleValue();
            }
        }
        return total;
    }

    /** A value as text: byte arrays in hex, objects without a toString of their own as JSON, the rest by toString. */
    public static String text(Object o) {
        if (o instanceof byte[] b) {
            StringBuilder s = new StringBuilder(b.length * 2);
            for (byte x : b) {
                s.append(Character.forDigit((x >> 4) & 0xF, 16)).append(Character.forDigit(x & 0xF, 16));
            }
            return s.toString();
        }
        if (o != null && !(o instanceof CharSequence)) {
            try {
                if (o.getClass().getMethod("toString").getDeclaringClass() == Object.class) {
                    return JSON.writeValueAsString(o); // state objects without their own text (e.g. JSON-stored ones)
                }
            } catch (NoSuchMethodException | com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("cannot show a " + o.getClass().getName(), e);
            }
        }
        return String.valueOf(o);
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper()
            .findAndRegisterModules().configure(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    public static String header(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
