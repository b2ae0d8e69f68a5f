package io.holdfast.topology.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.holdfast.schemas.VolumeHealth;
import io.holdfast.schemas.VolumeHealthState;
import io.holdfast.schemas.VolumeMetric;
import io.holdfast.topology.app.demo.MetricRelayApp;
import io.holdfast.topology.catalog.TopicCatalog;
import io.holdfast.topology.config.HoldfastConfig;
import io.holdfast.topology.testkit.TestStateDir;
import io.holdfast.topology.testkit.TopologySnapshot;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;

/** The demo app's logic on TopologyTestDriver, and its committed topology snapshot. */
class MetricRelayTopologyTest {

    private final HoldfastConfig config = HoldfastConfig.load(Optional.empty(), Map.of(), Map.of());
    private final TopicCatalog catalog = new TopicCatalog(config);
    private final Topology topology = new MetricRelayApp().buildTopology(
            new AppContext("holdfast-relay", config, catalog, new SimpleMeterRegistry()));

    @Test
    void verdictFollowsTheThreshold() {
        Properties props = new Properties();
        props.putAll(StreamsDefaults.productionDefaults("relay", config, catalog));
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        try (TestStateDir stateDir = new TestStateDir()) {
            props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.path());
            verdictFollowsTheThreshold(props);
        }
    }

    private void verdictFollowsTheThreshold(Properties props) {
        try (TopologyTestDriver driver = new TopologyTestDriver(topology, props)) {
            TestInputTopic<String, VolumeMetric> in = driver.createInputTopic(catalog.volumeMetrics.name(),
                    new StringSerializer(), catalog.volumeMetrics.valueSerde().serializer());
            TestOutputTopic<String, VolumeHealth> out = driver.createOutputTopic(catalog.volumeHealth.name(),
                    new StringDeserializer(), catalog.volumeHealth.valueSerde().deserializer());
            in.pipeInput("v1", RuntimeTestSupport.metric("v1", 9_999, 1_000));
            in.pipeInput("v2", RuntimeTestSupport.metric("v2", 10_000, 2_000));
            assertEquals(VolumeHealthState.HEALTHY, out.readValue().getState());
            assertEquals(VolumeHealthState.SUSPECT, out.readValue().getState());
            assertEquals(9_999.0, driver.<String, VolumeMetric>getKeyValueStore(MetricRelayApp.STORE).get("v1").getReadLatencyUs());
        }
    }

    @Test
    void topologyMatchesItsSnapshot() {
        TopologySnapshot.assertMatches(topology, Path.of("src/test/resources/topology/metric-relay.txt"));
    }
}
