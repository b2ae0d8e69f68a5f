package io.holdfast.connectors.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.schemas.MetricSource;
import io.holdfast.schemas.VolumeMetric;
import io.holdfast.schemas.serde.HoldfastSerdes;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class VolumeMetricPublisherTest {

    static MockProducer<String, VolumeMetric> mockProducer(boolean autoComplete) {
        return new MockProducer<>(autoComplete, null, new StringSerializer(),
                HoldfastSerdes.value(VolumeMetric.class, Map.of()).serializer());
    }

    static VolumeMetric metric(String volumeId, long eventMillis) {
        return VolumeMetric.newBuilder().setVolumeId(volumeId).setPeerGroup("g").setEventTime(Instant.ofEpochMilli(eventMillis))
                .setSamplePeriodMs(1_000L).setSource(MetricSource.NODE_AGENT).build();
    }

    @Test
    void eachSampleIsKeyedByVolumeAndStampedWithItsEventTime() {
        MockProducer<String, VolumeMetric> producer = mockProducer(true);
        VolumeMetricPublisher publisher = new VolumeMetricPublisher(producer, "fleet.volume-metrics");
        publisher.publish(metric("vol-1", 5_000));
        publisher.publish(metric("vol-2", 6_000));

        ProducerRecord<String, VolumeMetric> first = producer.history().get(0);
        assertEquals("fleet.volume-metrics", first.topic());
        assertEquals("vol-1", first.key());
        assertEquals(5_000L, first.timestamp());
        assertEquals(new VolumeMetricPublisher.Counts(2, 2, 0), publisher.counts());
    }

    @Test
    void failedSendsAreCountedNeverDropped() {
        MockProducer<String, VolumeMetric> producer = mockProducer(false);
        VolumeMetricPublisher publisher = new VolumeMetricPublisher(producer, "t");
        for (int i = 0; i < 3; i++) {
            publisher.publish(metric("vol-" + i, i));
        }
        assertEquals(3, publisher.counts().pending());
        producer.completeNext();
        producer.errorNext(new TimeoutException("delivery.timeout.ms expired"));
        producer.errorNext(new TimeoutException("delivery.timeout.ms expired"));

        VolumeMetricPublisher.Counts counts = publisher.counts();
        assertEquals(new VolumeMetricPublisher.Counts(3, 1, 2), counts);
        assertEquals(0, counts.pending());
        assertEquals("3 samples published (1 acknowledged, 2 failed)", counts.toString());
    }

    @Test
    void aSendThatThrowsIsNotCountedAsPublished() {
        MockProducer<String, VolumeMetric> producer = mockProducer(true);
        VolumeMetricPublisher publisher = new VolumeMetricPublisher(producer, "t");
        producer.close();
        assertThrows(IllegalStateException.class, () -> publisher.publish(metric("vol-1", 1)));
        assertEquals(new VolumeMetricPublisher.Counts(0, 0, 0), publisher.counts());
    }

    @Test
    void theProducerIsIdempotentWithAcksAllAndRefusesSettingsThatWouldWeakenIt() {
        Map<String, Object> props = VolumeMetricPublisher.producerProperties(Map.of("bootstrap.servers", "b:9092"), "holdfast-agent-x");
        assertEquals("all", props.get("acks"));
        assertEquals("true", props.get("enable.idempotence"));
        assertEquals("holdfast-agent-x", props.get("client.id"));

        Map<String, Object> equivalent = new HashMap<>(Map.of("acks", "-1", "client.id", "mine"));
        assertEquals("mine", VolumeMetricPublisher.producerProperties(equivalent, "x").get("client.id"));

        ConfigException acks = assertThrows(ConfigException.class,
                () -> VolumeMetricPublisher.producerProperties(Map.of("acks", "1"), "x"));
        assertTrue(acks.getMessage().contains("acks=all"), acks.getMessage());
        assertThrows(ConfigException.class,
                () -> VolumeMetricPublisher.producerProperties(Map.of("enable.idempotence", "false"), "x"));
    }
}
