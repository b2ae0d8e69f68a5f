package io.holdfast.connectors.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.connectors.metrics.internal.DeviceFilter;
import io.holdfast.connectors.metrics.internal.DiskCounters;
import io.holdfast.connectors.metrics.internal.DiskStatsParser;
import io.holdfast.embedded.EmbeddedKafka;
import io.holdfast.embedded.junit.EmbeddedStackExtension;
import io.holdfast.schemas.MetricSource;
import io.holdfast.schemas.VolumeMetric;
import io.holdfast.schemas.serde.HoldfastSerdes;
import io.holdfast.topology.catalog.TopicCatalog;
import io.holdfast.topology.catalog.TopicEnsurer;
import io.holdfast.topology.config.HoldfastConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code holdfast agent} on this machine's real {@code /proc/diskstats}, publishing per-second
 * samples to the embedded broker, read back as a consumer of the topic would.
 */
@ExtendWith(EmbeddedStackExtension.class)
class NodeAgentIT {

    private static final int PERIODS = 4;

    @TempDir
    Path scratch;

    @Test
    void publishesThisMachinesDiskStatisticsEverySecond(EmbeddedKafka kafka) throws Exception {
        AgentConfig config = AgentConfig.load(Optional.empty(), Map.of(), Map.of(
                "bootstrap.servers", kafka.bootstrapServers(),
                HoldfastConfig.TOPIC_PREFIX, "it-agent-" + System.nanoTime() + ".",
                HoldfastConfig.TOPIC_PARTITIONS, "3",
                AgentConfig.NODE, "it-node"));
        TopicCatalog catalog = new TopicCatalog(config);
        try (Admin admin = kafka.admin()) {
            new TopicEnsurer(admin, Duration.ofSeconds(30)).ensure(List.of(catalog.volumeMetrics));
        }
        DeviceFilter filter = new DeviceFilter(config.deviceInclude(), config.deviceExclude());
        TreeSet<String> devices = new TreeSet<>(DiskStatsParser.parse(Files.readString(Path.of("/proc/diskstats"))).devices()
                .stream().map(DiskCounters::device).filter(filter::accepts).toList());
        assertFalse(devices.isEmpty(), "this machine has a whole disk the default filter keeps");

        NodeAgent agent = NodeAgent.start(config);
        try {
            assertEquals(List.copyOf(devices), agent.initialDevices());
            writeAndSync(scratch.resolve("load"), 4 << 20);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            // The agent samples in real time: wait for its periods to pass.
            while (agent.status().samples().acknowledged() < (long) PERIODS * devices.size() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertTrue(agent.failure().isEmpty(), () -> "agent failed: " + agent.failure());
        } finally {
            agent.close();
        }
        VolumeMetricPublisher.Counts counts = agent.status().samples();
        assertEquals(0, counts.failed());
        assertEquals(counts.published(), counts.acknowledged(), "every sample sent was acknowledged");
        assertTrue(counts.acknowledged() >= (long) PERIODS * devices.size(), counts.toString());

        List<ConsumerRecord<String, VolumeMetric>> records = readCommitted(kafka.bootstrapServers(), catalog.volumeMetrics.name(),
                (int) counts.acknowledged(), Duration.ofSeconds(30));
        assertEquals(counts.acknowledged(), records.size(), "exactly what the agent published, nothing lost, nothing extra");

        Map<String, List<VolumeMetric>> byDevice = new TreeMap<>();
        for (ConsumerRecord<String, VolumeMetric> record : records) {
            VolumeMetric m = record.value();
            assertEquals("it-node:" + m.getDevice(), record.key());
            assertEquals(record.key(), m.getVolumeId());
            assertEquals(m.getEventTime().toEpochMilli(), record.timestamp(), "record time is the sample's event time");
            byDevice.computeIfAbsent(m.getDevice(), d -> new ArrayList<>()).add(m);
        }
        assertEquals(devices, byDevice.keySet());

        long written = 0;
        for (List<VolumeMetric> series : byDevice.values()) {
            assertTrue(series.size() >= PERIODS, "at least " + PERIODS + " periods per device: " + series.size());
            for (int i = 0; i < series.size(); i++) {
                VolumeMetric m = series.get(i);
                assertSane(m);
                written += m.getWriteBytes();
                if (i > 0) {
                    long gap = m.getEventTime().toEpochMilli() - series.get(i - 1).getEventTime().toEpochMilli();
                    assertTrue(gap >= 900 && gap <= 5_000, "one sample per second, event times increasing in the order "
                            + "the partition holds them: gap " + gap + " ms");
                }
            }
        }
        assertTrue(written > 0, "the test's own fsync'd write shows up as bytes written");
    }

    private static void assertSane(VolumeMetric m) {
        assertEquals(MetricSource.NODE_AGENT, m.getSource());
        assertEquals("it-node", m.getNode());
        assertEquals("it-node", m.getPeerGroup());
        assertNull(m.getCell());
        assertTrue(m.getSamplePeriodMs() >= 1_000 && m.getSamplePeriodMs() <= 5_000, "period " + m.getSamplePeriodMs());
        assertTrue(m.getReadOps() >= 0 && m.getWriteOps() >= 0, m.toString());
        assertTrue(m.getReadBytes() >= 0 && m.getWriteBytes() >= 0, m.toString());
        assertEquals(m.getReadBytes() + m.getWriteBytes(), m.getTotalBytes());
        assertEquals(m.getReadOps() > 0, m.getReadLatencyUs() != null, m.toString());
        assertEquals(m.getWriteOps() > 0, m.getWriteLatencyUs() != null, m.toString());
        if (m.getLatencyUs() != null) {
            assertTrue(m.getLatencyUs() >= 0 && m.getLatencyUs() < 60e6, m.toString());
        }
        assertTrue(m.getIdleRatio() >= 0 && m.getIdleRatio() <= 1, m.toString());
        assertTrue(m.getQueueDepth() >= 0, m.toString());
        assertNotNull(m.getStalled());
    }

    private static void writeAndSync(Path file, int bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ByteBuffer block = ByteBuffer.allocate(64 * 1024);
            for (int written = 0; written < bytes; written += block.capacity()) {
                block.clear();
                channel.write(block);
            }
            channel.force(true);
        }
    }

    private static List<ConsumerRecord<String, VolumeMetric>> readCommitted(String bootstrap, String topic, int expected,
                                                                          Duration timeout) {
        List<ConsumerRecord<String, VolumeMetric>> records = new ArrayList<>();
        try (KafkaConsumer<String, VolumeMetric> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), HoldfastSerdes.value(VolumeMetric.class, Map.of()).deserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            // Anything beyond what was acknowledged would be a duplicate: give it a moment to show up.
            consumer.poll(Duration.ofMillis(500)).forEach(records::add);
        }
        return records;
    }
}
