package io.holdfast.topology.testkit;

import io.holdfast.topology.app.StreamsDefaults;
import io.holdfast.topology.catalog.TopicCatalog;
import io.holdfast.topology.config.HoldfastConfig;
import io.holdfast.topology.errors.DeadLetterMetrics;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;

/** The properties a TopologyTestDriver of an app runs with: the app's production defaults, its own state dir. */
public final class DriverProperties {

    private DriverProperties() {
    }

    public static Properties of(String app, HoldfastConfig config, TopicCatalog catalog, TestStateDir stateDir,
                                DeadLetterMetrics deadLetters) {
        Properties props = new Properties();
        props.putAll(StreamsDefaults.productionDefaults(app, config, catalog));
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.path());
        props.put(DeadLetterMetrics.CONFIG_KEY, deadLetters);
        return props;
    }
}
