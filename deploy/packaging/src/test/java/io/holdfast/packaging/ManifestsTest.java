package io.holdfast.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * deploy/k8s is the chart rendered with default values, one file per template, for `kubectl apply`
 * without Helm; this test keeps the two from drifting apart. After a change to the chart, rewrite them:
 *
 * <pre>./mvnw -q -o -pl deploy/packaging verify -Dtest=ManifestsTest -Dholdfast.k8s.regenerate=true</pre>
 */
class ManifestsTest {

    static final String REGENERATE = "holdfast.k8s.regenerate";
    private static final Pattern SOURCE = Pattern.compile("(?m)^---\\n# Source: holdfast/templates/([^\\n]+)\\n");

    static String header(String template) {
        return "# Rendered from deploy/helm/holdfast/templates/" + template + " with default values (release \""
                + HelmChart.RELEASE + "\"); do not edit. Regenerate:\n"
                + "#   ./mvnw -q -o -pl deploy/packaging verify -Dtest=ManifestsTest -D" + REGENERATE + "=true\n";
    }

    /** The default render, split by the template each document comes from. */
    static Map<String, String> expectedFiles() {
        String text = HelmChart.template(Map.of());
        Matcher m = SOURCE.matcher(text);
        Map<String, StringBuilder> byTemplate = new TreeMap<>();
        int start = -1;
        String template = null;
        while (m.find()) {
            if (template != null) {
                byTemplate.computeIfAbsent(template, t -> new StringBuilder()).append("---\n").append(text, start, m.start());
            }
            template = m.group(1);
            start = m.end();
        }
        if (template == null) {
            throw new AssertionError("the render has no '# Source:' markers:\n" + text);
        }
        byTemplate.computeIfAbsent(template, t -> new StringBuilder()).append("---\n").append(text.substring(start));
        Map<String, String> files = new TreeMap<>();
        byTemplate.forEach((t, docs) -> {
            String body = docs.toString().stripTrailing() + "\n";
            files.put(t, header(t) + body);
        });
        return files;
    }

    @Test
    void committedManifestsAreTheChartRenderedWithDefaults() throws IOException {
        Path dir = Repo.root().resolve("deploy/k8s");
        Map<String, String> expected = expectedFiles();
        if (Boolean.getBoolean(REGENERATE)) {
            Files.createDirectories(dir);
            try (Stream<Path> old = Files.list(dir)) {
                for (Path p : old.filter(p -> p.toString().endsWith(".yaml")).collect(Collectors.toList())) {
                    Files.delete(p);
                }
            }
            for (Map.Entry<String, String> e : expected.entrySet()) {
                Files.writeString(dir.resolve(e.getKey()), e.getValue(), StandardCharsets.UTF_8);
            }
        }
        Map<String, String> committed = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.filter(p -> p.toString().endsWith(".yaml")).collect(Collectors.toList())) {
                committed.put(p.getFileName().toString(), Files.readString(p, StandardCharsets.UTF_8));
            }
        }
        assertEquals(expected.keySet(), committed.keySet(), "files in deploy/k8s (regenerate with -D" + REGENERATE + "=true)");
        expected.forEach((file, text) -> assertEquals(text, committed.get(file),
                "deploy/k8s/" + file + " differs from the chart (regenerate with -D" + REGENERATE + "=true)"));
    }
}
