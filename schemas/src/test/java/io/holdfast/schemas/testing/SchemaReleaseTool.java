package io.holdfast.schemas.testing;

import io.holdfast.schemas.serde.internal.SchemaHistory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaFormatter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Releases contracts: writes the current schema of each named contract, self-contained, as the next
 * {@code avro-history/<FullName>/<N+1>.avsc}, after checking it is FULL compatible with every released
 * version. A contract identical to its latest release is left alone. Not part of the normal test run; see
 * schemas/README.md ("Releasing a schema version"):
 *
 * <pre>
 * ./mvnw -B -pl schemas test -Dtest=SchemaReleaseTool -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dholdfast.release=VolumeMetric,Alert     (or -Dholdfast.release=all)
 * </pre>
 */
class SchemaReleaseTool {

    static final String PROPERTY = "holdfast.release";

    @Test
    @EnabledIfSystemProperty(named = PROPERTY, matches = ".+")
    void releaseRequestedContracts() throws IOException {
        AvscSources sources = AvscSources.load();
        List<String> requested = Arrays.asList(System.getProperty(PROPERTY).split(","));
        List<String> written = new ArrayList<>();
        for (Map.Entry<String, Schema> contract : sources.contracts().entrySet()) {
            String fullName = contract.getKey();
            String simpleName = contract.getValue().getName();
            if (requested.contains("all") || requested.contains(fullName) || requested.contains(simpleName)) {
                release(contract.getValue()).ifPresent(written::add);
            }
        }
        System.out.println("Released: " + (written.isEmpty() ? "nothing (all unchanged)" : String.join(", ", written)));
    }

    private static Optional<String> release(Schema current) throws IOException {
        String fullName = current.getFullName();
        List<Schema> released = SchemaHistory.loadReleased(fullName, SchemaReleaseTool.class.getClassLoader());
        String text = SchemaFormatter.format("json/pretty", current) + "\n";
        if (!released.isEmpty()
                && SchemaFormatter.format("json/pretty", released.get(released.size() - 1)).equals(text.strip())) {
            return Optional.empty();
        }
        for (int i = 0; i < released.size(); i++) {
            requireCompatible(current, released.get(i), fullName + " (current) reading version " + (i + 1));
            requireCompatible(released.get(i), current, fullName + " version " + (i + 1) + " reading the current one");
        }
        Path file = AvscSources.historyDir(fullName).resolve((released.size() + 1) + ".avsc");
        if (Files.exists(file)) {
            throw new IllegalStateException(file + " exists but is not on the test classpath; rebuild first");
        }
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return Optional.of(file.toString());
    }

    private static void requireCompatible(Schema reader, Schema writer, String what) {
        SchemaCompatibility.SchemaPairCompatibility result =
                SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        if (result.getType() != SchemaCompatibilityType.COMPATIBLE) {
            throw new IllegalStateException("Refusing to release: " + what + " is incompatible: "
                    + result.getDescription());
        }
    }
}
