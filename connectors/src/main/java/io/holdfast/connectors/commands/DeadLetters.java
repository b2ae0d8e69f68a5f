package io.holdfast.connectors.commands;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * How a command executor sends a record it cannot execute to {@code dlq.connectors}: the original key
 * and bytes, untouched, with why, where from and who sent it in {@code holdfast.dlq.*} headers, so that
 * an operator can fix and replay it. Every executor uses the same header names.
 */
public final class DeadLetters {

    public static final String HEADER_REASON = "holdfast.dlq.reason";
    public static final String HEADER_EXCEPTION = "holdfast.dlq.exception";
    public static final String HEADER_TOPIC = "holdfast.dlq.topic";
    public static final String HEADER_PARTITION = "holdfast.dlq.partition";
    public static final String HEADER_OFFSET = "holdfast.dlq.offset";
    public static final String HEADER_COMPONENT = "holdfast.dlq.component";

    private DeadLetters() {}

    /** The dead letter of {@code record}: same key, value and timestamp, with the reason headers. */
    public static ProducerRecord<byte[], byte[]> of(ConsumerRecord<byte[], byte[]> record, String deadLetterTopic, String component,
                                                    String reason, Exception cause) {
        Long timestamp = record.timestamp() >= 0 ? record.timestamp() : null;
        return new ProducerRecord<>(deadLetterTopic, null, timestamp, record.key(), record.value(),
                headers(record, component, reason, cause));
    }

    static Headers headers(ConsumerRecord<?, ?> record, String component, String reason, Exception cause) {
        RecordHeaders headers = new RecordHeaders();
        put(headers, HEADER_REASON, reason);
        if (cause != null) {
            put(headers, HEADER_EXCEPTION, cause.getClass().getName());
        }
        put(headers, HEADER_TOPIC, record.topic());
        put(headers, HEADER_PARTITION, Integer.toString(record.partition()));
        put(headers, HEADER_OFFSET, Long.toString(record.offset()));
        put(headers, HEADER_COMPONENT, component);
        return headers;
    }

    private static void put(Headers headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
