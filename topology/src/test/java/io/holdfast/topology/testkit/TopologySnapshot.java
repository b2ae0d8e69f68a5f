package io.holdfast.topology.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.streams.Topology;

/**
 * Compares a topology's description with the snapshot committed beside the tests, so that any
 * change to processors, stores or internal topics (which decides changelog and repartition topic
 * names, i.e. compatibility with running instances) shows up in review.
 *
 * <p>To accept a change: {@code ./mvnw test -Dholdfast.snapshots.update=true}, then commit the file.
 */
public final class TopologySnapshot {

    private TopologySnapshot() {}

    public static void assertMatches(Topology topology, Path snapshot) {
        String actual = topology.describe().toString().trim() + "\n";
        boolean update = Boolean.getBoolean("holdfast.snapshots.update");
        try {
            if (update || (!Files.exists(snapshot) && !"true".equalsIgnoreCase(System.getenv("CI")))) {
                Files.createDirectories(snapshot.getParent());
                Files.writeString(snapshot, actual, StandardCharsets.UTF_8);
                if (!update) {
                    fail("no topology snapshot existed; wrote " + snapshot + " - review it and commit it");
                }
                return;
            }
            if (!Files.exists(snapshot)) {
                fail("topology snapshot " + snapshot + " is missing");
            }
            assertEquals(Files.readString(snapshot, StandardCharsets.UTF_8), actual,
                    "topology differs from " + snapshot + " (rerun with -Dholdfast.snapshots.update=true to accept)");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
