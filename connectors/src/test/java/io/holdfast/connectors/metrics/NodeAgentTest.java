package io.holdfast.connectors.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.connectors.metrics.internal.Fixtures;
import io.holdfast.schemas.MetricSource;
import io.holdfast.schemas.VolumeMetric;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeAgentTest {

    @TempDir
    Path dir;

    private final AtomicLong nanos = new AtomicLong();
    private final AtomicLong wall = new AtomicLong(1_767_225_600_000L);

    private AgentConfig config(Path diskStats, Map<String, String> more) {
        Map<String, String> settings = new java.util.HashMap<>(Map.of(AgentConfig.DISKSTATS_PATH, diskStats.toString(),
                AgentConfig.NODE, "node-1"));
        settings.putAll(more);
        return AgentConfig.load(Optional.empty(), Map.of(), settings);
    }

    private NodeAgent agent(AgentConfig config, MockProducer<String, VolumeMetric> producer) {
        return new NodeAgent(config, new VolumeMetricPublisher(producer, "fleet.volume-metrics"), nanos::get, wall::get);
    }

    private void advance(Path file, String fixture) throws IOException {
        Files.writeString(file, Fixtures.text("diskstats/" + fixture));
        nanos.addAndGet(1_000_000_000L);
        wall.addAndGet(1_000);
    }

    @Test
    void publishesOneSamplePerSelectedDevicePerPeriod() throws IOException {
        Path file = dir.resolve("diskstats");
        Files.writeString(file, Fixtures.text("diskstats/vm-virtio-t0.txt"));
        MockProducer<String, VolumeMetric> producer = VolumeMetricPublisherTest.mockProducer(true);
        NodeAgent agent = agent(config(file, Map.of()), producer);
        assertEquals(List.of("vda"), agent.initialDevices());

        advance(file, "vm-virtio-t1.txt");
        agent.sampleOnce();
        advance(file, "vm-virtio-t2.txt");
        agent.sampleOnce();

        List<ProducerRecord<String, VolumeMetric>> sent = producer.history();
        assertEquals(2, sent.size());
        for (ProducerRecord<String, VolumeMetric> record : sent) {
            assertEquals("node-1:vda", record.key());
            assertEquals(MetricSource.NODE_AGENT, record.value().getSource());
            assertEquals(record.value().getEventTime().toEpochMilli(), record.timestamp());
        }
        assertEquals(169L, sent.get(0).value().getWriteOps(), "t0 -> t1: the recorded 64 MiB direct write");
        assertEquals(1_103L, sent.get(1).value().getReadOps(), "t1 -> t2: the recorded direct read");
        NodeAgent.Status status = agent.status();
        assertEquals(2, status.periods());
        assertEquals(1, status.devices());
        assertEquals(new VolumeMetricPublisher.Counts(2, 2, 0), status.samples());
        assertTrue(status.oneLine().startsWith("1 devices, 2 periods, 2 samples published (2 acknowledged, 0 failed)"), status.oneLine());
    }

    @Test
    void aFailedReadIsCountedAndTheNextPeriodCarriesOn() throws IOException {
        Path file = dir.resolve("diskstats");
        Files.writeString(file, Fixtures.text("diskstats/kernel-5.4-nitro.txt"));
        MockProducer<String, VolumeMetric> producer = VolumeMetricPublisherTest.mockProducer(true);
        NodeAgent agent = agent(config(file, Map.of()), producer);
        assertEquals(List.of("nvme0n1", "nvme1n1", "nvme2n1"), agent.initialDevices());

        Files.delete(file);
        agent.sampleOnce();
        assertEquals(1, agent.status().readFailures());
        advance(file, "kernel-5.4-nitro.txt");
        agent.sampleOnce();
        assertEquals(3, producer.history().size(), "unchanged counters: one idle sample per device");
        assertEquals(1.0, producer.history().get(0).value().getIdleRatio());
    }

    @Test
    void refusesToStartWhenNoDeviceMatches() throws IOException {
        Path file = dir.resolve("diskstats");
        Files.writeString(file, Fixtures.text("diskstats/vm-virtio-t0.txt"));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> agent(config(file, Map.of(AgentConfig.DEVICE_EXCLUDE, "vd.*")), VolumeMetricPublisherTest.mockProducer(true)));
        assertTrue(e.getMessage().startsWith("No block device in " + file + " matches include"), e.getMessage());
        assertTrue(e.getMessage().contains("loop0, loop1"), "names the devices there are: " + e.getMessage());
    }

    @Test
    void refusesToStartWithoutStatistics() {
        Path missing = dir.resolve("nope");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> agent(config(missing, Map.of()), VolumeMetricPublisherTest.mockProducer(true)));
        assertTrue(e.getMessage().startsWith("Cannot read " + missing), e.getMessage());
    }
}
