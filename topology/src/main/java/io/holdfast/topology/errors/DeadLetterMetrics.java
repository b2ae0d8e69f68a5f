package io.holdfast.topology.errors;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts records sent to the dead-letter topic, by stage (deserialization, processing, production)
 * and source topic: {@code holdfast_dead_letter_records_total} in Prometheus. Streams instantiates
 * the exception handlers itself, so this object reaches them through the config map under
 * {@link #CONFIG_KEY}.
 */
public final class DeadLetterMetrics {

    public static final String CONFIG_KEY = "holdfast.internal.dead.letter.metrics";
    /**
     * Stage of a record of a global store's topic that could not be deserialized: Kafka Streams cannot
     * dead-letter from the global thread, so it is logged (topic, partition, offset, reason) and skipped.
     */
    public static final String GLOBAL_SKIPPED = "global_skipped";

    private final MeterRegistry registry;
    private final String app;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public DeadLetterMetrics(MeterRegistry registry, String app) {
        this.registry = registry;
        this.app = app;
    }

    public void record(String stage, String sourceTopic) {
        String topic = sourceTopic == null ? "unknown" : sourceTopic;
        counters.computeIfAbsent(stage + '\u0000' + topic, k -> Counter.builder("holdfast.dead.letter.records")
                .description("Records written to the dead-letter topic instead of being processed")
                .tag("app", app).tag("stage", stage).tag("topic", topic)
                .register(registry)).increment();
    }

    public double count(String stage, String sourceTopic) {
        Counter c = counters.get(stage + '\u0000' + sourceTopic);
        return c == null ? 0 : c.count();
    }

    static DeadLetterMetrics from(Map<String, ?> configs) {
        Object value = configs.get(CONFIG_KEY);
        return value instanceof DeadLetterMetrics metrics ? metrics : null;
    }
}
