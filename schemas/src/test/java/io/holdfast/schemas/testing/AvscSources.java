package io.holdfast.schemas.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.Schema;

/**
 * The contracts as written in {@code src/main/avro}, parsed the way avro-maven-plugin does: the shared
 * types of {@code common/} first, then each contract file. Tests check the sources, not the generated
 * classes, so the rules hold for what a reviewer reads.
 */
public final class AvscSources {

    public static final Path AVRO_DIR = Path.of("src/main/avro");
    public static final Path COMMON_DIR = AVRO_DIR.resolve("common");
    public static final Path HISTORY_DIR = Path.of("src/main/resources/holdfast/avro-history");

    private final Map<Path, Schema> schemaByFile;

    private AvscSources(Map<Path, Schema> schemaByFile) {
        this.schemaByFile = schemaByFile;
    }

    public static AvscSources load() {
        Schema.Parser parser = new Schema.Parser();
        Map<Path, Schema> byFile = new LinkedHashMap<>();
        for (Path file : avscFiles(COMMON_DIR)) {
            byFile.put(file, parse(parser, file));
        }
        for (Path file : avscFiles(AVRO_DIR)) {
            byFile.put(file, parse(parser, file));
        }
        return new AvscSources(byFile);
    }

    /** Top-level schema of every file, shared types included. */
    public Map<Path, Schema> byFile() {
        return schemaByFile;
    }

    /** The contracts: the top-level schemas of the files directly in {@code src/main/avro}. */
    public Map<String, Schema> contracts() {
        Map<String, Schema> contracts = new LinkedHashMap<>();
        schemaByFile.forEach((file, schema) -> {
            if (file.getParent().equals(AVRO_DIR)) {
                contracts.put(schema.getFullName(), schema);
            }
        });
        return contracts;
    }

    public Schema contract(String fullName) {
        Schema schema = contracts().get(fullName);
        if (schema == null) {
            throw new IllegalArgumentException("No contract " + fullName + " in " + AVRO_DIR);
        }
        return schema;
    }

    public static Path historyDir(String fullName) {
        return HISTORY_DIR.resolve(fullName);
    }

    private static Schema parse(Schema.Parser parser, Path file) {
        try {
            return parser.parse(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            throw new IllegalStateException("Cannot parse " + file + ": " + e.getMessage(), e);
        }
    }

    private static List<Path> avscFiles(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".avsc")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
