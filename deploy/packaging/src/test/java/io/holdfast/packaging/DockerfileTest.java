package io.holdfast.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** deploy/docker/Dockerfile, read as text (no Docker here): base image, contents, user, entrypoint, volume. */
class DockerfileTest {

    /** Instructions with their continuation lines joined, comments dropped. */
    static List<String[]> instructions;

    @BeforeAll
    static void read() throws IOException {
        instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : Files.readAllLines(Repo.root().resolve("deploy/docker/Dockerfile"), StandardCharsets.UTF_8)) {
            String t = line.strip();
            if (t.startsWith("#") || (t.isEmpty() && current.length() == 0)) {
                continue;
            }
            if (t.endsWith("\\")) {
                current.append(t, 0, t.length() - 1).append(' ');
                continue;
            }
            current.append(t);
            String joined = current.toString().strip();
            current.setLength(0);
            if (!joined.isEmpty()) {
                int space = joined.indexOf(' ');
                instructions.add(new String[] {joined.substring(0, space).toUpperCase(), joined.substring(space + 1).strip()});
            }
        }
    }

    static List<String> all(String instruction) {
        List<String> found = new ArrayList<>();
        for (String[] i : instructions) {
            if (i[0].equals(instruction)) {
                found.add(i[1]);
            }
        }
        return found;
    }

    static String last(String instruction) {
        List<String> found = all(instruction);
        assertTrue(!found.isEmpty(), "no " + instruction);
        return found.get(found.size() - 1);
    }

    @Test
    void startsFromAJava17Runtime() {
        assertEquals("FROM", instructions.get(0)[0]);
        assertEquals(1, all("FROM").size(), "one stage: the distribution is built by Maven, not in the image");
        assertTrue(all("FROM").get(0).matches("eclipse-temurin:17(\\.[0-9.+_]+)?-jre(-[a-z0-9.]+)?"), all("FROM")::toString);
    }

    @Test
    void copiesTheLaunchersDistributionAndEntersThroughItsScript() throws IOException {
        String[] copy = last("COPY").split("\\s+");
        assertEquals("deploy/launcher/target/holdfast/", copy[copy.length - 2]);
        String home = copy[copy.length - 1].replaceAll("/$", "");
        JsonNode entrypoint = Rendered.YAML.readTree(last("ENTRYPOINT"));
        assertTrue(entrypoint.isArray() && entrypoint.size() == 1, "exec form, so that SIGTERM reaches the JVM");
        assertEquals(home + "/bin/holdfast", entrypoint.get(0).asText());
        // What the COPY brings: the assembly puts src/dist/bin/holdfast at bin/holdfast.
        Path launcher = Repo.root().resolve("deploy/launcher");
        assertTrue(Files.isRegularFile(launcher.resolve("src/dist/bin/holdfast")));
        String assembly = Files.readString(launcher.resolve("src/assembly/distribution.xml"), StandardCharsets.UTF_8);
        assertTrue(assembly.contains("<directory>src/dist/bin</directory>") && assembly.contains("<outputDirectory>bin</outputDirectory>"));
        String launcherPom = Files.readString(launcher.resolve("pom.xml"), StandardCharsets.UTF_8);
        assertTrue(launcherPom.contains("<finalName>holdfast</finalName>"), "the distribution is target/holdfast");
        // The build context is the repository's root; its ignore file must let the distribution through.
        String ignore = Files.readString(Repo.root().resolve("deploy/docker/Dockerfile.dockerignore"), StandardCharsets.UTF_8);
        assertTrue(ignore.lines().anyMatch(l -> l.strip().equals("!deploy/launcher/target/holdfast/")));
    }

    @Test
    void runsAsAnUnprivilegedUser() {
        String user = last("USER");
        String name = user.split(":")[0];
        assertTrue(!name.equals("root") && !name.equals("0"), "runs as " + user);
        assertTrue(name.matches("[0-9]+"), "numeric, so that Kubernetes' runAsNonRoot can verify it: " + user);
    }

    @Test
    void theStateDirIsAVolumeAtTheChartsDefaultStateDir() throws IOException {
        JsonNode values = Rendered.YAML.readTree(Repo.chart().resolve("values.yaml").toFile());
        String stateDir = values.path("reconciler").path("stateDir").asText();
        assertEquals(stateDir, values.path("health").path("stateDir").asText());
        assertTrue(all("VOLUME").stream().anyMatch(v -> v.equals(stateDir) || v.contains("\"" + stateDir + "\"")), all("VOLUME")::toString);
        // The chart runs the pods as the image's user, so that the state volume's fsGroup fits it.
        assertEquals(values.path("podSecurityContext").path("runAsUser").asText(), last("USER").split(":")[0]);
    }
}
