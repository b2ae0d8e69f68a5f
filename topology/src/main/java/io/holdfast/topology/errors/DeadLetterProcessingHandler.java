package io.holdfast.topology.errors;

import java.util.Map;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;

/**
 * A record whose processing throws (bad content the deserializer accepted, e.g. an absurd value) is
 * written with its original bytes and the reason to the dead-letter topic, and processing continues.
 */
public class DeadLetterProcessingHandler extends LogAndContinueProcessingExceptionHandler {

    private DeadLetterMetrics metrics;

    @Override
    public void configure(Map<String, ?> configs) {
        super.configure(configs);
        metrics = DeadLetterMetrics.from(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        if (metrics != null) {
            metrics.record("processing", context.topic());
        }
        Response response = super.handleError(context, record, exception);
        DeadLetterHeaders.cap(response.deadLetterQueueRecords());
        return response;
    }
}
