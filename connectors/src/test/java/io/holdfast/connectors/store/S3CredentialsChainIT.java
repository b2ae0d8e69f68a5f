package io.holdfast.connectors.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.embedded.EmbeddedS3;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * S3 without holdfast keys goes through the AWS default credentials chain: a process of its own
 * ({@link S3ChainProbe}) gets its credentials from its environment, or from its system properties, and puts
 * and gets an object on the embedded S3 server; with no credentials anywhere it fails with holdfast's message.
 *
 * <p>Honest limit: S3Mock does not verify request signatures (the first test shows a put signed with made-up
 * keys succeeding), so a put going through proves the request was made and signed, not that S3 accepted these
 * particular keys. That the chain supplied them is shown by the access key id the probe's provider resolved.
 * Every process's profile files are pointed at nothing and instance metadata is off, so no credentials of
 * the machine running the test can be picked up.
 */
class S3CredentialsChainIT {

    private static final String BUCKET = "chain-test";

    @TempDir
    static Path dir;

    private static EmbeddedS3 s3;

    @BeforeAll
    static void startS3() {
        s3 = EmbeddedS3.start(EmbeddedS3.Options.in(dir.resolve("s3"), BUCKET));
    }

    @AfterAll
    static void stop() {
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void s3MockAcceptsAnySignature() {
        try (S3Client client = S3Client.builder().endpointOverride(java.net.URI.create(s3.endpoint())).forcePathStyle(true)
                .region(Region.of(EmbeddedS3.REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("made-up", "made-up"))).build()) {
            client.putObject(b -> b.bucket(BUCKET).key("any-signature"), RequestBody.fromString("x"));
        }
    }

    @Test
    void credentialsFromTheEnvironment() throws Exception {
        Probe run = probe(Map.of("AWS_ACCESS_KEY_ID", "AKIAFROMENVIRONMENT", "AWS_SECRET_ACCESS_KEY", "env-secret-value"), List.of(), "env");
        assertEquals(0, run.exit(), run.toString());
        assertTrue(run.out().contains("access key id: AKIAFROMENVIRONMENT"), run.toString());
        assertTrue(run.out().contains("read back: probe env"), run.toString());
        assertFalse(run.out().contains("env-secret-value") || run.err().contains("env-secret-value"));
    }

    @Test
    void credentialsFromSystemProperties() throws Exception {
        Probe run = probe(Map.of(), List.of("-Daws.accessKeyId=AKIAFROMPROPERTIES", "-Daws.secretAccessKey=property-secret"), "props");
        assertEquals(0, run.exit(), run.toString());
        assertTrue(run.out().contains("access key id: AKIAFROMPROPERTIES"), run.toString());
        assertTrue(run.out().contains("read back: probe props"), run.toString());
    }

    @Test
    void noCredentialsAnywhereIsAClearError() throws Exception {
        Probe run = probe(Map.of(), List.of(), "none");
        assertEquals(2, run.exit(), run.toString());
        assertTrue(run.err().contains("probe failed: no S3 credentials: holdfast.s3.access.key.id and holdfast.s3.secret.access.key "
                + "are not set and the AWS default chain found none"), run.toString());
    }

    private record Probe(int exit, String out, String err) {}

    private static Probe probe(Map<String, String> env, List<String> jvmArgs, String key) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path")));
        command.addAll(jvmArgs);
        command.addAll(List.of(S3ChainProbe.class.getName(), s3.endpoint(), BUCKET, key));
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(dir.resolve(key + ".out").toFile())
                .redirectError(dir.resolve(key + ".err").toFile());
        // Only what the test gives, plus the region and the off switches for the machine's own credentials.
        builder.environment().keySet().removeIf(name -> name.startsWith("AWS_"));
        builder.environment().put("AWS_REGION", EmbeddedS3.REGION);
        builder.environment().put("AWS_CONFIG_FILE", dir.resolve("no-aws-config").toString());
        builder.environment().put("AWS_SHARED_CREDENTIALS_FILE", dir.resolve("no-aws-credentials").toString());
        builder.environment().put("AWS_EC2_METADATA_DISABLED", "true");
        builder.environment().putAll(env);
        Process p = builder.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the probe did not finish within 60 s");
        }
        return new Probe(p.exitValue(), java.nio.file.Files.readString(dir.resolve(key + ".out"), StandardCharsets.UTF_8),
                java.nio.file.Files.readString(dir.resolve(key + ".err"), StandardCharsets.UTF_8));
    }
}
