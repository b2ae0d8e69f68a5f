package io.holdfast.topology.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.embedded.EmbeddedKafka;
import io.holdfast.embedded.junit.EmbeddedStackExtension;
import io.holdfast.schemas.VolumeMetric;
import io.holdfast.topology.app.demo.MetricRelayApp;
import io.holdfast.topology.catalog.TopicCatalog;
import io.holdfast.topology.config.HoldfastConfig;
import io.holdfast.topology.testkit.KafkaTestClients;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Two instances of one app: a query for any key, sent to either instance, is answered by the key's owner. */
@ExtendWith(EmbeddedStackExtension.class)
class KeyQueryRoutingIT {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void queriesForKeysOwnedElsewhereAreForwardedToTheOwner(EmbeddedKafka kafka, @TempDir Path stateA, @TempDir Path stateB)
            throws Exception {
        String prefix = "it-routing-" + System.nanoTime() + ".";
        HoldfastConfig configA = RuntimeTestSupport.config(kafka, prefix, stateA, Map.of());
        HoldfastConfig configB = RuntimeTestSupport.config(kafka, prefix, stateB, Map.of());
        RuntimeTestSupport.ensureTopics(kafka, configA, "relay");
        TopicCatalog catalog = new TopicCatalog(configA);

        try (RunningApp a = RunningApp.start(new MetricRelayApp(), configA);
             RunningApp b = RunningApp.start(new MetricRelayApp(), configB)) {
            awaitBothOwnSomething(a, b);

            List<ProducerRecord<String, VolumeMetric>> metrics = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                metrics.add(new ProducerRecord<>(catalog.volumeMetrics.name(), "vol-" + i,
                        RuntimeTestSupport.metric("vol-" + i, 100 + i, 1_700_000_000_000L + i)));
            }
            KafkaTestClients.produce(kafka.bootstrapServers(), metrics, new StringSerializer(), catalog.volumeMetrics.valueSerde().serializer());
            assertEquals(20, KafkaTestClients.readCommitted(kafka.bootstrapServers(), catalog.volumeHealth.name(), 20,
                    Duration.ofSeconds(60), new StringDeserializer(), catalog.volumeHealth.valueSerde().deserializer()).size());

            int forwarded = 0;
            for (int i = 0; i < 20; i++) {
                HttpResponse<String> viaA = get(a, "/latest-metric/vol-" + i);
                HttpResponse<String> viaB = get(b, "/latest-metric/vol-" + i);
                assertEquals(200, viaA.statusCode(), viaA.body());
                assertEquals(200, viaB.statusCode(), viaB.body());
                assertEquals(viaA.body(), viaB.body());
                assertTrue(viaA.body().contains("\"read_latency_us\":" + (100.0 + i)), viaA.body());
                forwarded += viaA.headers().firstValue("X-Holdfast-Served-By").isPresent() ? 1 : 0;
                forwarded += viaB.headers().firstValue("X-Holdfast-Served-By").isPresent() ? 1 : 0;
            }
            assertEquals(20, forwarded, "each key is local on exactly one of the two instances");
            assertEquals(404, get(a, "/latest-metric/no-such-volume").statusCode());
        }
    }

    private static void awaitBothOwnSomething(RunningApp a, RunningApp b) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            if (a.streams().state() == KafkaStreams.State.RUNNING && b.streams().state() == KafkaStreams.State.RUNNING
                    && !a.streams().metadataForLocalThreads().iterator().next().activeTasks().isEmpty()
                    && !b.streams().metadataForLocalThreads().iterator().next().activeTasks().isEmpty()) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the two instances did not share the partitions: " + a.streams().state() + "/" + b.streams().state());
    }

    private HttpResponse<String> get(RunningApp app, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.http().port() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
