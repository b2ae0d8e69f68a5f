package io.holdfast.topology.errors;

import static org.apache.kafka.streams.errors.internals.ExceptionHandlerUtils.maybeBuildDeadLetterQueueRecords;

import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DefaultProductionExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

/**
 * An output record that cannot be serialized comes from one input record: that input goes to the
 * dead-letter topic and processing continues. A failure to send (the broker refusing a write) is
 * not about one record, so it keeps Kafka's default: retry if retriable, otherwise fail the task.
 */
public class DeadLetterProductionHandler extends DefaultProductionExceptionHandler {

    private DeadLetterMetrics metrics;
    private String deadLetterTopic;

    @Override
    public void configure(Map<String, ?> configs) {
        super.configure(configs);
        metrics = DeadLetterMetrics.from(configs);
        Object topic = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        deadLetterTopic = topic == null ? null : topic.toString();
    }

    @SuppressWarnings("rawtypes")
    @Override
    public Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record, Exception exception,
                                             SerializationExceptionOrigin origin) {
        if (metrics != null) {
            metrics.record("production", context.topic());
        }
        var letters = maybeBuildDeadLetterQueueRecords(deadLetterTopic, context.sourceRawKey(), context.sourceRawValue(),
                context, exception);
        DeadLetterHeaders.cap(letters);
        return Response.resume(letters);
    }
}
