package io.holdfast.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code holdfast config --effective} shows every secret masked, whether it is written in the settings file
 * or read from another file through Kafka's {@code FileConfigProvider} ({@code ${file:PATH:KEY}}); the
 * environment's secrets are covered by {@link SecretsStayHiddenIT}, which can give a process its environment.
 * Bad credential and TLS settings end a command with one line, before it connects anywhere.
 */
class ConfigSecretsTest {

    @Test
    void effectiveConfigMasksSecretsFromTheFileAndFromAProvider(@TempDir Path dir) throws Exception {
        Path secrets = dir.resolve("secrets.properties");
        Files.writeString(secrets, "db.password=from-provider-db-password-5f2c\n");
        Path file = dir.resolve("holdfast.properties");
        Files.writeString(file, String.join("\n",
                "config.providers=file",
                "config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider",
                "holdfast.db.password=${file:" + secrets + ":db.password}",
                "holdfast.s3.access.key.id=AKIAEXAMPLEKEYID",
                "holdfast.s3.secret.access.key=in-file-s3-secret-9d1e",
                "holdfast.http.operator.token=in-file-operator-token-77aa", ""));
        CliRun run = CliRun.run("config", "--effective", "--config", file.toString());
        assertEquals(0, run.exit(), run.err());
        for (String secret : new String[] {"from-provider-db-password-5f2c", "in-file-s3-secret-9d1e", "in-file-operator-token-77aa"}) {
            assertFalse(run.out().contains(secret) || run.err().contains(secret), secret + " shown:\n" + run.out());
        }
        assertTrue(run.out().contains("holdfast.db.password = [hidden]"), run.out());
        assertTrue(run.out().contains("holdfast.s3.secret.access.key = [hidden]"), run.out());
        assertTrue(run.out().contains("holdfast.http.operator.token = [hidden]"), run.out());
    }

    @Test
    void badCredentialAndTlsSettingsAreOneLineErrors() {
        String[] write = {"write", "--entities", "1", "--revisions", "1", "--rate", "1"};
        CliRun halfKeys = CliRun.run(concat(write, "--set", "holdfast.s3.access.key.id=AKIAEXAMPLEKEYID"));
        assertEquals(1, halfKeys.exit(), halfKeys.err());
        halfKeys.assertOneLine("only holdfast.s3.access.key.id is set");
        CliRun badMode = CliRun.run(concat(write, "--set", "holdfast.db.ssl.mode=required"));
        assertEquals(1, badMode.exit(), badMode.err());
        badMode.assertOneLine("Invalid value required for configuration holdfast.db.ssl.mode");
        CliRun noCa = CliRun.run(concat(write, "--set", "holdfast.db.ssl.mode=verify-full", "--set", "holdfast.db.ssl.ca=/nonexistent/ca.pem"));
        assertEquals(1, noCa.exit(), noCa.err());
        noCa.assertOneLine("holdfast.db.ssl.ca");
    }

    private static String[] concat(String[] first, String... more) {
        String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }
}
