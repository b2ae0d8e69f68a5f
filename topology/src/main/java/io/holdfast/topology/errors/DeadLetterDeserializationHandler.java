package io.holdfast.topology.errors;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.processor.TaskId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A record that cannot be deserialized is written, with its original bytes and the reason in
 * {@code __streams.errors.*} headers, to the dead-letter topic; processing continues with the next
 * record. Kafka's own handler builds the dead-letter record; this one also counts it.
 *
 * <p>Except on the global thread (global stores: {@code control}, {@code state.workflow}): Kafka Streams
 * 4.3.1 cannot send dead letters from there (given any, {@code RecordDeserializer} casts the global
 * context to a {@code RecordCollector.Supplier}, which it is not, and the {@code ClassCastException}
 * stops the global thread and so the app). Such a record is logged with its topic, partition, offset and
 * reason, counted under stage {@value DeadLetterMetrics#GLOBAL_SKIPPED}, and skipped.
 */
public class DeadLetterDeserializationHandler extends LogAndContinueExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterDeserializationHandler.class);

    private DeadLetterMetrics metrics;

    @Override
    public void configure(Map<String, ?> configs) {
        super.configure(configs);
        metrics = DeadLetterMetrics.from(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        if (isGlobal(context)) {
            log.warn("skipping a record of global topic {} partition {} offset {} that cannot be deserialized "
                    + "(the global thread cannot dead-letter it): {}", record.topic(), record.partition(), record.offset(),
                    String.valueOf(exception));
            if (metrics != null) {
                metrics.record(DeadLetterMetrics.GLOBAL_SKIPPED, record.topic());
            }
            return Response.resume();
        }
        if (metrics != null) {
            metrics.record("deserialization", record.topic());
        }
        Response response = super.handleError(context, record, exception);
        DeadLetterHeaders.cap(response.deadLetterQueueRecords());
        return response;
    }

    /** The global thread's tasks have id -1_-1; stream tasks have non-negative ids. */
    static boolean isGlobal(ErrorHandlerContext context) {
        TaskId task = context.taskId();
        return task != null && task.subtopology() < 0;
    }
}
