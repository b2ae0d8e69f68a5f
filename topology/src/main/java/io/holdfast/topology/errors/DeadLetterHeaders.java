package io.holdfast.topology.errors;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Keeps a dead letter about as large as the record it carries. Kafka Streams puts the exception's message
 * in {@code __streams.errors.message} and again in {@code __streams.errors.stacktrace}; a message that
 * quotes a field of the record (a megabyte volume id, a result's revision) made a letter of three times the
 * record, which the producer refuses ({@code RecordTooLargeException}, not retriable: the task fails and
 * the app stops). Those two headers are cut to {@value #MAX_MESSAGE_BYTES} and {@value #MAX_STACKTRACE_BYTES}
 * bytes, marked where cut; the other headers and the record itself are left alone.
 */
final class DeadLetterHeaders {

    static final int MAX_MESSAGE_BYTES = 4 * 1024;
    static final int MAX_STACKTRACE_BYTES = 16 * 1024;
    static final String MESSAGE = "__streams.errors.message";
    static final String STACKTRACE = "__streams.errors.stacktrace";

    private DeadLetterHeaders() {
    }

    static void cap(List<ProducerRecord<byte[], byte[]>> letters) {
        for (ProducerRecord<byte[], byte[]> letter : letters) {
            cap(letter.headers(), MESSAGE, MAX_MESSAGE_BYTES);
            cap(letter.headers(), STACKTRACE, MAX_STACKTRACE_BYTES);
        }
    }

    private static void cap(Headers headers, String name, int max) {
        Header h = headers.lastHeader(name);
        if (h == null || h.value() == null || h.value().length <= max) {
            return;
        }
        String text = new String(h.value(), StandardCharsets.UTF_8);
        String marker = "... [cut: " + h.value().length + " bytes]";
        int keep = Math.max(0, Math.min(text.length(), max - marker.length()));
        String cut = text.substring(0, Math.min(text.length(), keep));
        byte[] bytes = (cut + marker).getBytes(StandardCharsets.UTF_8);
        while (bytes.length > max && !cut.isEmpty()) { // multi-byte characters: shorten until it fits
            cut = cut.substring(0, cut.length() - Math.max(1, (bytes.length - max)));
            bytes = (cut + marker).getBytes(StandardCharsets.UTF_8);
        }
        headers.remove(name);
        headers.add(name, bytes);
    }
}
