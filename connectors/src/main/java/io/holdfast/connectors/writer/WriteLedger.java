package io.holdfast.connectors.writer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ground truth of a write run, for tests and for checking the reconciler: one JSON line per write,
 * {@code {"entity":..,"revision":..,"content_hash":..,"stopped_after":"none|s3|row|head"}}, appended
 * and flushed as each write returns. A process killed mid-write leaves that write unrecorded (its
 * snapshot may be in S3): the ledger says what certainly happened, not what may have.
 */
public final class WriteLedger implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final BufferedWriter out;

    private WriteLedger(BufferedWriter out) {
        this.out = out;
    }

    /** Opens {@code file} for appending, creating it (and nothing else) if it does not exist. */
    public static WriteLedger appendingTo(Path file) throws IOException {
        return new WriteLedger(Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND));
    }

    /** The line of {@code result}, without the line break. */
    public static String line(WriteResult result) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("entity", result.entity());
        fields.put("revision", result.revision());
        fields.put("content_hash", result.contentHash());
        fields.put("stopped_after", result.stoppedAfter().label());
        try {
            return JSON.writeValueAsString(fields);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings and numbers is always JSON", e);
        }
    }

    public synchronized void record(WriteResult result) {
        try {
            out.write(line(result));
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to the write ledger", e);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
