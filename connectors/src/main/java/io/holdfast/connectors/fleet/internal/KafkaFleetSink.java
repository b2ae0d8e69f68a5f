package io.holdfast.connectors.fleet.internal;

import io.holdfast.connectors.commands.KafkaTopics;
import io.holdfast.connectors.fleet.FleetSink;
import io.holdfast.schemas.TabletRecord;
import io.holdfast.schemas.VolumeMetric;
import io.holdfast.topology.catalog.TopicCatalog;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The simulator's output on a cluster: tablet records to {@code fleet.tablets} (key alias, record
 * time = observation time) and samples to {@code fleet.volume-metrics} (key volume, record time =
 * event time), through one idempotent producer whose every send's outcome is counted. Records are
 * serialized here with the catalog's serdes, so that one producer serves both topics.
 */
public final class KafkaFleetSink implements FleetSink {

    private final Producer<byte[], byte[]> producer;
    private final String tabletTopic;
    private final String metricTopic;
    private final Serializer<String> keys;
    private final Serializer<TabletRecord> tabletValues;
    private final Serializer<VolumeMetric> metricValues;
    private final SendCounter tabletSends = new SendCounter("tablet records");
    private final SendCounter metricSends = new SendCounter("volume metrics");

    /** Over {@code producer}, which must be idempotent with {@code acks=all} (tests pass a mock). */
    public KafkaFleetSink(Producer<byte[], byte[]> producer, TopicCatalog catalog) {
        this.producer = producer;
        this.tabletTopic = catalog.tablets.name();
        this.metricTopic = catalog.volumeMetrics.name();
        this.keys = catalog.tablets.keySerde().serializer();
        this.tabletValues = catalog.tablets.valueSerde().serializer();
        this.metricValues = catalog.volumeMetrics.valueSerde().serializer();
    }

    public static KafkaFleetSink connect(Map<String, Object> kafka, TopicCatalog catalog, String clientId) {
        return new KafkaFleetSink(new KafkaProducer<>(KafkaTopics.idempotentProducer(kafka, clientId), new ByteArraySerializer(),
                new ByteArraySerializer()), catalog);
    }

    @Override
    public void tablet(TabletRecord record) {
        send(tabletSends, tabletTopic, record.getUpdatedTime().toEpochMilli(), record.getTabletAlias(),
                tabletValues.serialize(tabletTopic, record));
    }

    @Override
    public void metric(VolumeMetric metric) {
        send(metricSends, metricTopic, metric.getEventTime().toEpochMilli(), metric.getVolumeId(),
                metricValues.serialize(metricTopic, metric));
    }

    private void send(SendCounter counter, String topic, long timestamp, String key, byte[] value) {
        counter.sending();
        try {
            producer.send(new ProducerRecord<>(topic, null, timestamp, keys.serialize(topic, key), value),
                    (metadata, e) -> counter.completed(topic, key, e));
        } catch (RuntimeException e) {
            counter.notSent();
            throw e;
        }
    }

    public String counts() {
        return tabletSends + ", " + metricSends;
    }

    public long failedSends() {
        return tabletSends.failed() + metricSends.failed();
    }

    public long pendingSends() {
        return tabletSends.pending() + metricSends.pending();
    }

    /** Delivers what is pending for up to {@code timeout}, then closes the producer. */
    public void close(Duration timeout) {
        producer.close(timeout);
    }
}
