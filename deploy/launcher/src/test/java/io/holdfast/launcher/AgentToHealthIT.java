package io.holdfast.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.embedded.EmbeddedKafka;
import io.holdfast.embedded.junit.EmbeddedStackExtension;
import io.holdfast.health.HealthApp;
import io.holdfast.health.HealthConfig;
import io.holdfast.schemas.VolumeHealth;
import io.holdfast.schemas.VolumeHealthState;
import io.holdfast.topology.app.RunningApp;
import io.holdfast.topology.catalog.TopicCatalog;
import io.holdfast.topology.catalog.TopicEnsurer;
import io.holdfast.topology.config.HoldfastConfig;
import io.holdfast.topology.testkit.KafkaTestClients;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged {@code holdfast agent} publishes this machine's real per-second disk statistics to
 * the embedded broker, and the health app classifies them: every local disk gets a health state,
 * queryable over HTTP, from the samples the agent measured.
 */
@ExtendWith(EmbeddedStackExtension.class)
class AgentToHealthIT {

    private static final Path LAUNCHER = Path.of("target", "holdfast", "bin", "holdfast").toAbsolutePath();

    @Test
    void theHealthAppClassifiesTheAgentsRealDiskMetrics(EmbeddedKafka kafka, @TempDir Path dir) throws Exception {
        String prefix = "it-agent-health-" + System.nanoTime() + ".";
        String node = "it-node";
        Map<String, String> settings = Map.of(
                "bootstrap.servers", kafka.bootstrapServers(),
                HoldfastConfig.TOPIC_PREFIX, prefix,
                HoldfastConfig.TOPIC_PARTITIONS, "2",
                HoldfastConfig.HTTP_PORT, "0",
                "state.dir", dir.resolve("state").toString(),
                "commit.interval.ms", "100");
        HealthConfig config = HealthConfig.load(Optional.empty(), Map.of(), settings);
        TopicCatalog catalog = new TopicCatalog(config);
        try (Admin admin = kafka.admin()) {
            new TopicEnsurer(admin, Duration.ofSeconds(30)).ensure(catalog.all());
            new TopicEnsurer(admin, Duration.ofSeconds(30)).ensure(List.of(catalog.deadLetter("health")));
        }

        try (RunningApp health = RunningApp.start(new HealthApp(config), config)) {
            assertTrue(health.awaitRunning(Duration.ofSeconds(60)), "health app not running");
            Process agent = new ProcessBuilder(LAUNCHER.toString(), "agent",
                    "--set", "bootstrap.servers=" + kafka.bootstrapServers(),
                    "--set", HoldfastConfig.TOPIC_PREFIX + "=" + prefix,
                    "--set", "holdfast.agent.node=" + node)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("agent.log").toFile()).start();
            List<ConsumerRecord<String, VolumeHealth>> healthRecords;
            try {
                // Some real I/O on this machine while the agent samples it.
                for (int i = 0; i < 5; i++) {
                    Path file = dir.resolve("load-" + i);
                    Files.write(file, new byte[1 << 20]);
                    try (var channel = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
                        channel.force(true);
                    }
                }
                healthRecords = KafkaTestClients.readCommitted(kafka.bootstrapServers(), catalog.volumeHealth.name(), 1,
                        Duration.ofSeconds(60), new StringDeserializer(), catalog.volumeHealth.valueSerde().deserializer());
                assertFalse(healthRecords.isEmpty(), "no volume health from the agent's metrics; agent log:\n"
                        + Files.readString(dir.resolve("agent.log")));
                Thread.sleep(3_000); // a few more real samples judged
            } finally {
                agent.destroy(); // SIGTERM: the agent stops cleanly
                assertTrue(agent.waitFor(30, TimeUnit.SECONDS), "agent did not stop on SIGTERM");
            }
            assertEquals(0, agent.exitValue(), Files.readString(dir.resolve("agent.log")));

            VolumeHealth first = healthRecords.get(0).value();
            assertTrue(first.getVolumeId().startsWith(node + ":"), first.getVolumeId());
            assertEquals(node, first.getPeerGroup());
            assertEquals(VolumeHealthState.UNKNOWN, first.getPreviousState());
            assertTrue(first.getState() == VolumeHealthState.HEALTHY || first.getState() == VolumeHealthState.SUSPECT,
                    "an idle sandbox disk is healthy: " + first);

            HttpResponse<String> state = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + health.http().port() + "/volumes/" + node + "/"
                            + URLEncoder.encode(first.getVolumeId(), StandardCharsets.UTF_8))).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, state.statusCode(), state.body());
            long judged = Long.parseLong(state.body().replaceAll(".*\"samples\":(\\d+).*", "$1"));
            assertTrue(judged >= 3, "the app judged the agent's per-second samples: " + state.body());
            System.out.println("agent -> health: " + first.getVolumeId() + " " + first.getState() + "; " + state.body());
        }
    }
}
