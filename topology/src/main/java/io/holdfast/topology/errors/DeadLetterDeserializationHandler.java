package io.holdfast.topology.errors;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;

/**
 * A record that cannot be deserialized is written, with its original bytes and the reason in
 * {@code __streams.errors.*} headers, to the dead-letter topic; processing continues with the next
 * record. Kafka's own handler builds the dead-letter record; this one also counts it.
 */
public class DeadLetterDeserializationHandler extends LogAndContinueExceptionHandler {

    private DeadLetterMetrics metrics;

    @Override
    public void configure(Map<String, ?> configs) {
        super.configure(configs);
        metrics = DeadLetterMetrics.from(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        if (metrics != null) {
            metrics.record("deserialization", record.topic());
        }
        return super.handleError(context, record, exception);
    }
}
