package io.holdfast.health;

import io.holdfast.health.internal.VolumeHealthProcessor;
import io.holdfast.schemas.MetricSource;
import io.holdfast.schemas.VolumeHealth;
import io.holdfast.schemas.VolumeHealthState;
import io.holdfast.schemas.VolumeMetric;
import io.holdfast.topology.app.AppContext;
import io.holdfast.topology.catalog.TopicCatalog;
import io.holdfast.topology.errors.DeadLetterMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import io.holdfast.topology.testkit.DriverProperties;
import io.holdfast.topology.testkit.TestStateDir;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The health app's topology on {@link TopologyTestDriver}, with helpers to feed a peer group of
 * steady volumes sampled every second and to read the transitions. Wall-clock and stream time only
 * move when a test moves them.
 */
final class HealthDriver implements AutoCloseable {

    static final long START = 1_893_456_000_000L; // 2030-01-01T00:00:00Z
    static final String GROUP = "node-a";

    final HealthConfig config;
    final TopicCatalog catalog;
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final DeadLetterMetrics deadLetters = new DeadLetterMetrics(registry, "health");
    final Topology topology;
    final TestStateDir stateDir = new TestStateDir();
    final TopologyTestDriver driver;
    final TestInputTopic<String, VolumeMetric> metrics;
    final TestInputTopic<byte[], byte[]> rawMetrics;
    final TestOutputTopic<String, VolumeHealth> health;
    final TestOutputTopic<byte[], byte[]> deadLetterTopic;
    final List<VolumeHealth> seen = new ArrayList<>();
    long now = START;

    HealthDriver(Map<String, String> settings) {
        config = HealthConfig.load(Optional.empty(), Map.of(), settings);
        catalog = new TopicCatalog(config);
        topology = new HealthApp(config).buildTopology(new AppContext("holdfast-health", config, catalog, registry));
        Properties props = DriverProperties.of("health", config, catalog, stateDir, deadLetters);
        // The processing wall clock keeps pace with the samples (steadyFor, tick), as for an app that is caught
        // up: tests of an app behind its input move one or the other on their own.
        driver = new TopologyTestDriver(topology, props, Instant.ofEpochMilli(START));
        metrics = driver.createInputTopic(catalog.volumeMetrics.name(), new StringSerializer(),
                catalog.volumeMetrics.valueSerde().serializer());
        rawMetrics = driver.createInputTopic(catalog.volumeMetrics.name(), new ByteArraySerializer(), new ByteArraySerializer());
        health = driver.createOutputTopic(catalog.volumeHealth.name(), new StringDeserializer(),
                catalog.volumeHealth.valueSerde().deserializer());
        deadLetterTopic = driver.createOutputTopic(catalog.deadLetter("health").name(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
    }

    HealthDriver() {
        this(Map.of());
    }

    /** A steady sample: ~1 ms latency, 300 ops/s of 16 KiB, a third of an operation queued. */
    static VolumeMetric.Builder steady(String volume, long eventMillis) {
        double wobble = 1 + 0.05 * Math.sin(eventMillis / 7_000.0 + volume.hashCode());
        return VolumeMetric.newBuilder()
                .setVolumeId(volume).setPeerGroup(GROUP).setNode(GROUP).setCell("cell-1")
                .setEventTime(Instant.ofEpochMilli(eventMillis)).setSamplePeriodMs(1_000)
                .setLatencyUs(1_000 * wobble).setReadOps(300L).setWriteOps(0L)
                .setReadBytes(300L * 16_384).setWriteBytes(0L).setQueueDepth(0.3).setIdleRatio(0.7)
                .setStalled(false).setSource(MetricSource.SIMULATOR);
    }

    void send(VolumeMetric metric) {
        metrics.pipeInput(metric.getVolumeId(), metric, metric.getEventTime());
    }

    /** {@code seconds} more seconds of steady samples from every volume in {@code volumes}. */
    void steadyFor(int seconds, String... volumes) {
        for (int s = 0; s < seconds; s++) {
            now += 1_000;
            driver.advanceWallClockTime(Duration.ofSeconds(1));
            for (String v : volumes) {
                send(steady(v, now).build());
            }
        }
    }

    /** One more second: {@code volume} sends {@code sample}, the others steady samples. */
    void tick(VolumeMetric.Builder sample, String... others) {
        now += 1_000;
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        send(sample.setEventTime(Instant.ofEpochMilli(now)).build());
        for (String v : others) {
            send(steady(v, now).build());
        }
    }

    /** Transitions emitted since the last call. */
    List<VolumeHealth> transitions() {
        List<VolumeHealth> out = new ArrayList<>();
        while (!health.isEmpty()) {
            TestRecord<String, VolumeHealth> r = health.readRecord();
            out.add(r.value());
        }
        seen.addAll(out);
        return out;
    }

    List<VolumeHealth> transitionsOf(String volume) {
        return transitions().stream().filter(h -> h.getVolumeId().equals(volume)).toList();
    }

    /** The latest state of each volume from everything emitted so far. */
    Map<String, VolumeHealthState> states() {
        transitions();
        Map<String, VolumeHealthState> states = new HashMap<>();
        for (VolumeHealth h : seen) {
            states.put(h.getVolumeId(), h.getState());
        }
        return states;
    }

    byte[] storedState(String volume) {
        return driver.<String, byte[]>getKeyValueStore(VolumeHealthProcessor.VOLUMES_STORE).get(volume);
    }

    double counter(String outcome) {
        var c = registry.find("holdfast.health.samples").tag("outcome", outcome).counter();
        return c == null ? 0 : c.count();
    }

    @Override
    public void close() {
        try {
            driver.close();
        } finally {
            stateDir.close();
        }
    }
}
