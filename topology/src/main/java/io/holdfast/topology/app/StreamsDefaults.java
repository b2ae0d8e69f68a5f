package io.holdfast.topology.app;

import io.holdfast.topology.catalog.TopicCatalog;
import io.holdfast.topology.config.HoldfastConfig;
import io.holdfast.topology.errors.DeadLetterDeserializationHandler;
import io.holdfast.topology.errors.DeadLetterMetrics;
import io.holdfast.topology.errors.DeadLetterProcessingHandler;
import io.holdfast.topology.errors.DeadLetterProductionHandler;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The Kafka Streams properties a holdfast app runs with, and where each comes from. Precedence,
 * lowest first:
 * <ol>
 *   <li><b>holdfast production defaults</b> (this class): {@code exactly_once_v2};
 *       {@code ensure.explicit.internal.resource.naming=true}; dead-letter exception handlers for
 *       deserialization, processing and production with {@code errors.dead.letter.queue.topic.name}
 *       = {@code dlq.<app>}; internal topics with the catalog's replication factor; consumers
 *       starting from the earliest offset (a new app must see the whole history of its inputs);
 *       {@code application.id} = {@code <topic prefix>holdfast-<app>};</li>
 *   <li>the config file, then the {@code HOLDFAST_*} environment, then command-line overrides
 *       (see {@link io.holdfast.topology.config.ConfigSources}): any Kafka key given there wins;</li>
 *   <li><b>set by the runtime, always</b>: {@code application.server} (the address this instance's
 *       HTTP server actually bound, so that state queries route to the owner) and the metrics
 *       object the exception handlers count with.</li>
 * </ol>
 * Kafka's own defaults apply to everything else (e.g. {@code group.protocol=classic}, which
 * supports static membership through {@code group.instance.id}; {@code num.standby.replicas=0},
 * which deployments raise to 1).
 */
public final class StreamsDefaults {

    private StreamsDefaults() {}

    public static String applicationId(String appName, HoldfastConfig config) {
        Object explicit = config.originals().get(StreamsConfig.APPLICATION_ID_CONFIG);
        return explicit != null ? explicit.toString() : config.topicPrefix() + "holdfast-" + appName;
    }

    /** holdfast's defaults for {@code appName}, before the user's settings are applied. */
    public static Map<String, Object> productionDefaults(String appName, HoldfastConfig config, TopicCatalog catalog) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.topicPrefix() + "holdfast-" + appName);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) config.getShort(HoldfastConfig.TOPIC_REPLICATION_FACTOR));
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterDeserializationHandler.class.getName());
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProcessingHandler.class.getName());
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        p.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProductionHandler.class.getName());
        p.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, catalog.deadLetter(appName).name());
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        return p;
    }

    /** The properties the app's {@code KafkaStreams} is built with, in the precedence above. */
    public static Map<String, Object> effective(String appName, HoldfastConfig config, TopicCatalog catalog,
                                                String applicationServer, DeadLetterMetrics deadLetterMetrics) {
        Map<String, Object> p = productionDefaults(appName, config, catalog);
        p.putAll(config.kafkaProperties());
        p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, applicationServer);
        p.put(DeadLetterMetrics.CONFIG_KEY, deadLetterMetrics);
        return p;
    }
}
