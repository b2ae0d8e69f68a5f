package io.holdfast.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.embedded.EmbeddedMariaDb;
import io.holdfast.embedded.EmbeddedS3;
import io.holdfast.embedded.junit.EmbeddedStackExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secrets kept out of the settings file, as an operator would run holdfast: the database password read from
 * another file by Kafka's {@code FileConfigProvider}, the S3 secret from {@code HOLDFAST_S3_SECRET_ACCESS_KEY},
 * the operator token from the environment by {@code EnvVarConfigProvider}. The packaged launcher, as processes
 * of their own with that environment: {@code holdfast write} reaches the database with the provider's password
 * (so the values are resolved, not passed on as {@code ${...}}), and neither its log (holdfast at DEBUG) nor
 * {@code holdfast config --effective} contains any secret.
 */
@ExtendWith(EmbeddedStackExtension.class)
class SecretsStayHiddenIT {

    private static final Path LOGS = Path.of("target", "it-logs", "secrets");

    @Test
    void secretsFromAnotherFileAndTheEnvironmentWorkAndAreNeverShown(EmbeddedMariaDb db, EmbeddedS3 s3, @TempDir Path dir)
            throws Exception {
        String s3Secret = "env-s3-secret-" + random();
        String operatorToken = "env-operator-token-" + random();
        Path secrets = dir.resolve("secrets.properties");
        Files.writeString(secrets, "db.password=" + db.password() + "\n");
        Path file = dir.resolve("holdfast.properties");
        Files.writeString(file, String.join("\n",
                "config.providers=file,env",
                "config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider",
                "config.providers.env.class=org.apache.kafka.common.config.provider.EnvVarConfigProvider",
                "holdfast.db.url=" + db.jdbcUrl(),
                "holdfast.db.user=" + db.user(),
                "holdfast.db.password=${file:" + secrets + ":db.password}",
                "holdfast.s3.endpoint=" + s3.endpoint(),
                "holdfast.s3.region=" + EmbeddedS3.REGION,
                "holdfast.s3.path.style=true",
                "holdfast.s3.access.key.id=" + EmbeddedS3.ACCESS_KEY,
                "holdfast.http.operator.token=${env:HF_TEST_OPERATOR_TOKEN}",
                "holdfast.snapshots.bucket=" + EmbeddedStackExtension.TEST_BUCKET,
                "holdfast.snapshots.prefix=it-secrets-" + System.nanoTime() + "/", ""));
        Map<String, String> env = Map.of("HOLDFAST_S3_SECRET_ACCESS_KEY", s3Secret, "HF_TEST_OPERATOR_TOKEN", operatorToken,
                "HOLDFAST_LOG_LEVEL", "DEBUG");
        List<String> secretValues = List.of(db.password(), s3Secret, operatorToken);

        String write = launch("write", env, "write", "--config", file.toString(), "--entities", "1", "--revisions", "2", "--rate", "20");
        assertTrue(write.contains("exit 0"), "write reaches the store with the resolved secrets:\n" + write);
        assertTrue(write.contains("holdfast write: 2 revisions"), write);
        String dump = launch("config-effective", env, "config", "--effective", "--config", file.toString());
        assertTrue(dump.contains("exit 0"), dump);
        assertTrue(dump.contains("holdfast.db.password = [hidden]") && dump.contains("holdfast.http.operator.token = [hidden]")
                && dump.contains("holdfast.s3.secret.access.key = [hidden]"), dump);
        for (String secret : secretValues) {
            assertFalse(write.contains(secret), "a secret in the write's log:\n" + write);
            assertFalse(dump.contains(secret), "a secret in the effective settings:\n" + dump);
        }
    }

    /** Runs the packaged launcher with {@code env} added; returns its output (stdout and stderr) and exit code. */
    private static String launch(String name, Map<String, String> env, String... args) throws Exception {
        Files.createDirectories(LOGS);
        Path log = LOGS.resolve(name + ".log");
        List<String> command = new java.util.ArrayList<>(List.of(LauncherProcess.LAUNCHER.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        Process p = builder.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(name + " did not finish within 120 s:\n" + Files.readString(log));
        }
        return Files.readString(log, StandardCharsets.UTF_8) + "\nexit " + p.exitValue();
    }

    private static String random() {
        byte[] b = new byte[8];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
