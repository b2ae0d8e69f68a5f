package io.holdfast.topology.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A fresh {@code state.dir} per TopologyTestDriver. The default one is shared by every driver of an
 * application id on the machine, so one driver that failed to start (and so never closed) would hold
 * RocksDB's lock for every later test in the JVM, and a leftover task directory without a checkpoint
 * makes an exactly-once driver throw TaskCorrupted.
 */
public final class TestStateDir implements AutoCloseable {

    private final Path path;

    public TestStateDir() {
        try {
            path = Files.createTempDirectory("holdfast-ttd-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String path() {
        return path.toString();
    }

    @Override
    public void close() {
        try (Stream<Path> files = Files.walk(path)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
