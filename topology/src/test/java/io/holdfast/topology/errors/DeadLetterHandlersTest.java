package io.holdfast.topology.errors;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.processor.internals.GlobalProcessorContextImpl;
import org.apache.kafka.streams.processor.internals.RecordDeserializer;
import org.apache.kafka.streams.processor.internals.metrics.StreamsMetricsImpl;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A record of a global store's topic (both apps read {@code control} so, the reconciler also
 * {@code state.workflow}) that cannot be deserialized is handled by the global thread. Kafka Streams
 * 4.3.1 cannot send dead letters from there: given any, {@code RecordDeserializer} casts the global
 * context to {@code RecordCollector.Supplier}, which it is not, and the {@code ClassCastException} kills
 * the global thread and with it the app. {@code TopologyTestDriver} does not show it: it runs its global
 * task with an unconfigured {@code LogAndContinueExceptionHandler} of its own.
 */
class DeadLetterHandlersTest {

    @Test
    void aBadRecordOfAGlobalTopicIsCountedAndSkippedWithoutStoppingTheGlobalThread() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        DeadLetterMetrics metrics = new DeadLetterMetrics(registry, "test");
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "holdfast-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "dlq.test");
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterDeserializationHandler.class.getName());
        props.put(DeadLetterMetrics.CONFIG_KEY, metrics);
        StreamsConfig config = new StreamsConfig(props);
        DeserializationExceptionHandler handler = config.deserializationExceptionHandler(); // as the global thread gets it
        Metrics kafkaMetrics = new Metrics();
        GlobalProcessorContextImpl global = new GlobalProcessorContextImpl(config, null,
                new StreamsMetricsImpl(kafkaMetrics, "client", Time.SYSTEM), null, Time.SYSTEM);
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("control", 0, 7L, 1_893_456_000_000L,
                org.apache.kafka.common.record.TimestampType.CREATE_TIME, 6, 3, "global".getBytes(StandardCharsets.UTF_8),
                new byte[]{1, 2, 3}, new org.apache.kafka.common.header.internals.RecordHeaders(), java.util.Optional.empty());

        assertDoesNotThrow(() -> RecordDeserializer.handleDeserializationFailure(handler, global,
                new SerializationException("not Avro single-object encoding"), record,
                LoggerFactory.getLogger(DeadLetterHandlersTest.class), kafkaMetrics.sensor("dropped"),
                "control-source"));
        assertEquals(1, metrics.count(DeadLetterMetrics.GLOBAL_SKIPPED, "control"));
        assertEquals(0, metrics.count("deserialization", "control"), "no dead letter was written, none is counted");
        kafkaMetrics.close();
    }

    /**
     * Found by HealthFuzzTest: a reason quoting a megabyte field (a volume id, a result's target) was in the
     * letter twice more (message and stack trace), a letter the producer would refuse as too large.
     */
    @Test
    void aHugeReasonIsCutInTheLetterNotTheRecordOrTheExceptionClass() {
        DeadLetterProcessingHandler handler = new DeadLetterProcessingHandler();
        java.util.Map<String, Object> configs = new java.util.HashMap<>();
        configs.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "dlq.test");
        handler.configure(configs);
        byte[] value = new byte[1 << 20];
        String huge = "v".repeat(1 << 20);
        var context = new org.apache.kafka.streams.errors.internals.DefaultErrorHandlerContext(null, "fleet.volume-metrics", 0, 9L,
                new org.apache.kafka.common.header.internals.RecordHeaders(), "node", new org.apache.kafka.streams.processor.TaskId(0, 0),
                1_893_456_000_000L, new byte[]{1}, value);
        var response = handler.handleError(context, new org.apache.kafka.streams.processor.api.Record<>("k", "v", 1L),
                new IllegalArgumentException("latency_us NaN of " + huge + " is not a finite non-negative number"));
        var letter = response.deadLetterQueueRecords().get(0);
        int headerBytes = 0;
        for (var h : letter.headers()) {
            headerBytes += h.value() == null ? 0 : h.value().length;
        }
        assertEquals(true, headerBytes < 32 * 1024, headerBytes + " bytes of headers");
        assertEquals(value.length, letter.value().length, "the record itself is kept whole");
        assertEquals(IllegalArgumentException.class.getName(), new String(letter.headers()
                .lastHeader("__streams.errors.exception").value(), StandardCharsets.UTF_8));
        String message = new String(letter.headers().lastHeader("__streams.errors.message").value(), StandardCharsets.UTF_8);
        assertEquals(true, message.startsWith("latency_us NaN of vvv") && message.contains("[cut: "), message.substring(0, 80));
    }
}
