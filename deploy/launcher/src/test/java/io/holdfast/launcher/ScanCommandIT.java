package io.holdfast.launcher;

import io.holdfast.topology.testkit.KafkaTestClients;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.connectors.scan.ScanConfig;
import io.holdfast.connectors.store.EntityStoreSchema;
import io.holdfast.connectors.store.StoreConfig;
import io.holdfast.embedded.EmbeddedKafka;
import io.holdfast.embedded.EmbeddedS3;
import io.holdfast.embedded.junit.EmbeddedStackExtension;
import io.holdfast.schemas.DiffPassState;
import io.holdfast.schemas.WorkflowProgress;
import io.holdfast.topology.catalog.TopicCatalog;
import io.holdfast.topology.catalog.TopicEnsurer;
import io.holdfast.topology.config.HoldfastConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** {@code holdfast scan s3 --once} end to end against the embedded broker and S3 server. */
@ExtendWith(EmbeddedStackExtension.class)
class ScanCommandIT {

    @Test
    void oneScanPassFromTheCommandLine(EmbeddedKafka kafka, EmbeddedS3 s3) throws Exception {
        String prefix = "it-scan-cli-" + System.nanoTime() + "/";
        putPendingSnapshots(s3, prefix, 12);
        Map<String, String> settings = settings(kafka, s3, EmbeddedStackExtension.TEST_BUCKET, prefix);
        TopicCatalog catalog = ensureTopics(kafka, settings);

        CliRun run = CliRun.run(args(settings, "--once"));
        assertEquals(0, run.exit(), run.out() + run.err());
        assertTrue(run.out().contains("completed in") && run.out().contains("2 pages (2 by this run), 12 objects listed, 12 emitted, 0 skipped"),
                run.out());

        WorkflowProgress report = latestReport(kafka, catalog, "s3:" + EmbeddedStackExtension.TEST_BUCKET + "/" + prefix);
        assertEquals(DiffPassState.COMPLETED, report.getDiffPass().getState());
        assertEquals(12, report.getDiffPass().getObjectsCompared());
    }

    /**
     * A scanner that keeps running serves {@code /live}, {@code /ready} and its meters on {@code /metrics} (on a free port
     * unless {@code holdfast.http.port} is set), as an orchestrator and Prometheus expect, and stops cleanly on SIGTERM.
     */
    @Test
    void aRunningScannerServesProbesAndItsMetrics(EmbeddedKafka kafka, EmbeddedS3 s3, @TempDir Path dir) throws Exception {
        String prefix = "it-scan-http-" + System.nanoTime() + "/";
        putPendingSnapshots(s3, prefix, 12);
        Map<String, String> settings = settings(kafka, s3, EmbeddedStackExtension.TEST_BUCKET, prefix);
        ensureTopics(kafka, settings);
        try (LauncherProcess scanner = new LauncherProcess("scan-http", dir, args(settings)).start()) {
            int port = awaitHttpPort(scanner);
            HttpClient http = HttpClient.newHttpClient();
            assertEquals(200, get(http, port, "/live").statusCode());
            assertEquals(200, get(http, port, "/ready").statusCode());
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            Pattern passDone = Pattern.compile("(?s).*holdfast_scan_passes_completed_total\\{[^}]*} 1\\.0.*");
            String metrics = "";
            while (!passDone.matcher(metrics).matches() && System.nanoTime() < deadline) {
                Thread.sleep(200);
                metrics = get(http, port, "/metrics").body();
            }
            assertTrue(metrics.matches("(?s).*holdfast_scan_objects_emitted_total\\{[^}]*} 12\\.0.*"), metrics);
            assertTrue(metrics.contains("jvm_memory_used_bytes{"), "the JVM's meters too");
            assertEquals(405, http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding()).statusCode());
            assertEquals(0, scanner.stop(), scanner.logTail());
        }
    }

    private static int awaitHttpPort(LauncherProcess process) throws Exception {
        Pattern line = Pattern.compile("HTTP on port (\\d+) \\(/live, /ready, /metrics\\)");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = line.matcher(Files.readString(process.log()));
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            assertTrue(process.isAlive(), process.logTail());
            Thread.sleep(100);
        }
        throw new AssertionError("no HTTP port in the first line:\n" + process.logTail());
    }

    private static HttpResponse<String> get(HttpClient http, int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void putPendingSnapshots(EmbeddedS3 s3, String prefix, int revisions) {
        try (S3Client client = S3Client.builder().endpointOverride(URI.create(s3.endpoint())).region(Region.of(EmbeddedS3.REGION))
                .forcePathStyle(true).httpClientBuilder(Apache5HttpClient.builder())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(EmbeddedS3.ACCESS_KEY, EmbeddedS3.SECRET_KEY)))
                .build()) {
            for (int r = 1; r <= revisions; r++) {
                String key = EntityStoreSchema.objectKey(prefix, "cli", r);
                client.putObject(b -> b.bucket(EmbeddedStackExtension.TEST_BUCKET).key(key)
                        .tagging(EntityStoreSchema.TAG + "=" + EntityStoreSchema.PENDING), RequestBody.fromString("x"));
            }
        }
    }

    private static TopicCatalog ensureTopics(EmbeddedKafka kafka, Map<String, String> settings) throws InterruptedException {
        TopicCatalog catalog = new TopicCatalog(ScanConfig.load(Optional.empty(), Map.of(), settings));
        try (Admin admin = kafka.admin()) {
            new TopicEnsurer(admin, Duration.ofSeconds(30)).ensure(List.of(catalog.snapshots, catalog.workflow, catalog.scanCheckpoints));
        }
        return catalog;
    }

    @Test
    void aMissingBucketIsOneLineAndExitOne(EmbeddedKafka kafka, EmbeddedS3 s3) {
        CliRun run = CliRun.run(args(settings(kafka, s3, "holdfast-no-such-bucket", "snapshots/"), "--once"));
        assertEquals(1, run.exit(), run.out() + run.err());
        run.assertOneLine("S3 bucket 'holdfast-no-such-bucket' does not exist");
    }

    private static Map<String, String> settings(EmbeddedKafka kafka, EmbeddedS3 s3, String bucket, String prefix) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("bootstrap.servers", kafka.bootstrapServers());
        settings.put(HoldfastConfig.TOPIC_PREFIX, "it-scan-cli-" + System.nanoTime() + ".");
        settings.put(HoldfastConfig.TOPIC_PARTITIONS, "2");
        settings.put(HoldfastConfig.SNAPSHOTS_BUCKET, bucket);
        settings.put(HoldfastConfig.SNAPSHOTS_PREFIX, prefix);
        settings.put(StoreConfig.S3_ENDPOINT, s3.endpoint());
        settings.put(StoreConfig.S3_REGION, EmbeddedS3.REGION);
        settings.put(StoreConfig.S3_PATH_STYLE, "true");
        settings.put(StoreConfig.S3_ACCESS_KEY_ID, EmbeddedS3.ACCESS_KEY);
        settings.put(StoreConfig.S3_SECRET_ACCESS_KEY, EmbeddedS3.SECRET_KEY);
        settings.put(ScanConfig.PAGE_SIZE, "10");
        return settings;
    }

    private static String[] args(Map<String, String> settings, String... extra) {
        List<String> args = new ArrayList<>(List.of("scan", "s3"));
        settings.forEach((k, v) -> {
            args.add("--set");
            args.add(k + "=" + v);
        });
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    private static WorkflowProgress latestReport(EmbeddedKafka kafka, TopicCatalog catalog, String key) {
        WorkflowProgress[] last = {null};
        KafkaTestClients.readToEnd(kafka.bootstrapServers(), catalog.workflow.name(), catalog.workflow.keySerde().deserializer(),
                catalog.workflow.valueSerde().deserializer(), r -> {
                    if (key.equals(r.key())) {
                        last[0] = r.value();
                    }
                });
        assertNotNull(last[0], "a report under " + key);
        return last[0];
    }
}
