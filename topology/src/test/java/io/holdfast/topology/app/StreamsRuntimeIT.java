package io.holdfast.topology.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.embedded.EmbeddedKafka;
import io.holdfast.embedded.junit.EmbeddedStackExtension;
import io.holdfast.schemas.VolumeHealth;
import io.holdfast.schemas.VolumeHealthState;
import io.holdfast.schemas.VolumeMetric;
import io.holdfast.topology.app.demo.MetricRelayApp;
import io.holdfast.topology.catalog.TopicCatalog;
import io.holdfast.topology.config.HoldfastConfig;
import io.holdfast.topology.testkit.KafkaTestClients;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.errors.internals.ExceptionHandlerUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The runtime on the real broker: exactly-once Avro in and out, bad records to the DLQ, probes and metrics. */
@ExtendWith(EmbeddedStackExtension.class)
class StreamsRuntimeIT {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void exactlyOnceAvroPipelineSendsPoisonRecordsToTheDeadLetterTopicAndKeepsFlowing(EmbeddedKafka kafka, @TempDir Path state)
            throws Exception {
        String prefix = "it-runtime-" + System.nanoTime() + ".";
        HoldfastConfig config = RuntimeTestSupport.config(kafka, prefix, state, Map.of());
        RuntimeTestSupport.ensureTopics(kafka, config, "relay");
        TopicCatalog catalog = new TopicCatalog(config);
        var metricSerializer = catalog.volumeMetrics.valueSerde().serializer();

        // 10 good metrics, a record that is not Avro at all, a metric the processor rejects, 10 more good ones.
        List<ProducerRecord<byte[], byte[]>> input = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            input.add(avro(catalog, metricSerializer, "vol-" + i, 500 + i, i));
        }
        byte[] poison = "{\"volume_id\": \"not avro\"}".getBytes(StandardCharsets.UTF_8);
        input.add(new ProducerRecord<>(catalog.volumeMetrics.name(), 0, "vol-poison".getBytes(StandardCharsets.UTF_8), poison));
        input.add(avro(catalog, metricSerializer, "vol-negative", -5, 10));
        for (int i = 10; i < 20; i++) {
            input.add(avro(catalog, metricSerializer, "vol-" + i, i < 15 ? 500 : 20_000, i));
        }

        try (RunningApp app = RunningApp.start(new MetricRelayApp(), config)) {
            assertTrue(app.awaitRunning(Duration.ofSeconds(60)), "app not RUNNING: " + app.streams().state());
            assertEquals(200, get(app, "/ready").statusCode());
            assertEquals(200, get(app, "/live").statusCode());

            KafkaTestClients.produce(kafka.bootstrapServers(), input, new ByteArraySerializer(), new ByteArraySerializer());

            List<ConsumerRecord<String, VolumeHealth>> out = KafkaTestClients.readCommitted(kafka.bootstrapServers(),
                    catalog.volumeHealth.name(), 20, Duration.ofSeconds(60), new StringDeserializer(),
                    catalog.volumeHealth.valueSerde().deserializer());
            assertEquals(20, out.size(), "every good record came through, exactly once");
            assertEquals(20, out.stream().map(ConsumerRecord::key).distinct().count());
            assertEquals(5, out.stream().filter(r -> r.value().getState() == VolumeHealthState.SUSPECT).count());

            List<ConsumerRecord<byte[], byte[]>> dead = KafkaTestClients.readCommitted(kafka.bootstrapServers(),
                    catalog.deadLetter("relay").name(), 2, Duration.ofSeconds(30), new ByteArrayDeserializer(), new ByteArrayDeserializer());
            assertEquals(2, dead.size(), "the undecodable and the rejected record, nothing else");
            ConsumerRecord<byte[], byte[]> undecodable = dead.stream()
                    .filter(r -> "vol-poison".equals(new String(r.key(), StandardCharsets.UTF_8))).findFirst().orElseThrow();
            assertTrue(java.util.Arrays.equals(poison, undecodable.value()), "original bytes kept");
            assertEquals(catalog.volumeMetrics.name(), header(undecodable, ExceptionHandlerUtils.HEADER_ERRORS_TOPIC_NAME));
            assertEquals("0", header(undecodable, ExceptionHandlerUtils.HEADER_ERRORS_PARTITION_NAME));
            assertEquals("10", header(undecodable, ExceptionHandlerUtils.HEADER_ERRORS_OFFSET_NAME));
            assertEquals("org.apache.kafka.common.errors.SerializationException",
                    header(undecodable, ExceptionHandlerUtils.HEADER_ERRORS_EXCEPTION_NAME));
            assertTrue(header(undecodable, ExceptionHandlerUtils.HEADER_ERRORS_EXCEPTION_MESSAGE_NAME).contains(catalog.volumeMetrics.name()));

            ConsumerRecord<byte[], byte[]> rejected = dead.stream()
                    .filter(r -> "vol-negative".equals(new String(r.key(), StandardCharsets.UTF_8))).findFirst().orElseThrow();
            assertTrue(header(rejected, ExceptionHandlerUtils.HEADER_ERRORS_EXCEPTION_MESSAGE_NAME).contains("negative read latency"));
            assertEquals("11", header(rejected, ExceptionHandlerUtils.HEADER_ERRORS_OFFSET_NAME));

            assertEquals(1.0, app.deadLetters().count("deserialization", catalog.volumeMetrics.name()));
            assertEquals(1.0, app.deadLetters().count("processing", catalog.volumeMetrics.name()));
            String metrics = get(app, "/metrics").body();
            assertTrue(metrics.contains("holdfast_dead_letter_records_total{app=\"relay\",stage=\"deserialization\""), "DLQ counter exported");
            assertTrue(metrics.contains("kafka_stream_"), "Kafka Streams metrics exported");
            assertTrue(metrics.contains("jvm_memory_used_bytes"), "JVM metrics exported");
            assertTrue(get(app, "/topology").body().contains("relay-health-verdict"));
        }
    }

    @Test
    void aStaticMemberStaysInItsGroupWhenItStopsAndADynamicOneLeaves(EmbeddedKafka kafka, @TempDir Path state) throws Exception {
        String prefix = "it-membership-" + System.nanoTime() + ".";
        HoldfastConfig dynamic = RuntimeTestSupport.config(kafka, prefix, state.resolve("dynamic"), Map.of());
        RuntimeTestSupport.ensureTopics(kafka, dynamic, "relay");
        HoldfastConfig staticMember = RuntimeTestSupport.config(kafka, prefix, state.resolve("static"),
                Map.of("group.instance.id", "relay-0", "session.timeout.ms", "60000"));
        String group;
        try (RunningApp app = RunningApp.start(new MetricRelayApp(), dynamic)) {
            assertTrue(app.awaitRunning(Duration.ofSeconds(60)), "app not RUNNING: " + app.streams().state());
            group = app.applicationId();
            assertEquals(1, members(kafka, group).size());
        }
        assertEquals(List.of(), members(kafka, group), "a dynamic member leaves when it stops: its tasks move now");
        try (RunningApp app = RunningApp.start(new MetricRelayApp(), staticMember)) {
            assertTrue(app.awaitRunning(Duration.ofSeconds(60)), "app not RUNNING: " + app.streams().state());
        }
        List<String> left = members(kafka, group);
        assertEquals(1, left.size(), "a static member stays through its restart window: " + left);
        assertTrue(left.get(0).startsWith("relay-0"), left.toString());
    }

    private static List<String> members(EmbeddedKafka kafka, String group) throws Exception {
        try (org.apache.kafka.clients.admin.Admin admin = kafka.admin()) {
            return admin.describeConsumerGroups(List.of(group)).all().get().get(group).members().stream()
                    .map(m -> m.groupInstanceId().orElse(m.consumerId())).toList();
        }
    }

    @Test
    void invalidStreamsSettingFailsAtStartWithOneLine(EmbeddedKafka kafka, @TempDir Path state) {
        HoldfastConfig config = RuntimeTestSupport.config(kafka, "it-bad-" + System.nanoTime() + ".", state,
                Map.of("processing.guarantee", "sometimes"));
        var e = org.junit.jupiter.api.Assertions.assertThrows(org.apache.kafka.common.config.ConfigException.class,
                () -> RunningApp.start(new MetricRelayApp(), config));
        assertTrue(e.getMessage().contains("processing.guarantee") && e.getMessage().contains("sometimes"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    }

    private static ProducerRecord<byte[], byte[]> avro(TopicCatalog catalog, org.apache.kafka.common.serialization.Serializer<VolumeMetric> s,
                                                      String volume, double latency, long time) {
        return new ProducerRecord<>(catalog.volumeMetrics.name(), 0, volume.getBytes(StandardCharsets.UTF_8),
                s.serialize(catalog.volumeMetrics.name(), RuntimeTestSupport.metric(volume, latency, 1_700_000_000_000L + time)));
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private HttpResponse<String> get(RunningApp app, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.http().port() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
