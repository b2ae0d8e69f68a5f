package io.holdfast.connectors.fleet.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what vtctldclient prints. On failure it exits non-zero and logs the gRPC error on stderr
 * ({@code rpc error: code = FailedPrecondition desc = primary zone1-0000000101 is not equal to expected
 * alias zone1-0000000100}); {@code GetShard} prints the shard record as protobuf JSON with proto field
 * names ({@code "primary_alias": {"cell": "zone1", "uid": 100}}).
 */
public final class VtctldOutput {

    /** How a failed call is to be reported. */
    public enum Failure {
        /** FAILED_PRECONDITION: vtctld's checks refused the call before acting (expected primary, primary-elect not in the shard). */
        PRECONDITION,
        /** DEADLINE_EXCEEDED: vtctld gave up mid-way; the effect is unknown. */
        DEADLINE,
        /** UNAVAILABLE: vtctld (or a tablet it needed) could not be reached; nothing was done. */
        UNAVAILABLE,
        /** Anything else. */
        OTHER
    }

    private static final Pattern GRPC_CODE = Pattern.compile("code = (\\w+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private VtctldOutput() {}

    public static Failure classify(String output) {
        Matcher code = GRPC_CODE.matcher(output);
        String last = null;
        while (code.find()) {
            last = code.group(1);
        }
        if (last == null) {
            return Failure.OTHER;
        }
        return switch (last) {
            case "FailedPrecondition" -> Failure.PRECONDITION;
            case "DeadlineExceeded" -> Failure.DEADLINE;
            case "Unavailable" -> Failure.UNAVAILABLE;
            default -> Failure.OTHER;
        };
    }

    /** The line that says what went wrong: the last one naming an rpc error, else the last non-empty line. */
    public static String errorLine(String stderr, String stdout) {
        String text = stderr.isBlank() ? stdout : stderr;
        String[] lines = text.strip().split("\\R");
        for (int i = lines.length - 1; i >= 0; i--) {
            if (lines[i].contains("rpc error") || lines[i].contains("Error")) {
                return lines[i].strip();
            }
        }
        return lines.length == 0 || lines[lines.length - 1].isBlank() ? "no output" : lines[lines.length - 1].strip();
    }

    /** The last non-empty line of {@code text}, if any (vtctldclient's last reparent event, e.g. "finished PlannedReparentShard"). */
    public static Optional<String> lastLine(String text) {
        String[] lines = text.strip().split("\\R");
        String last = lines[lines.length - 1].strip();
        return last.isEmpty() ? Optional.empty() : Optional.of(last);
    }

    /**
     * The shard's primary alias from GetShard's output ({@code <cell>-<10-digit uid>}); empty when the
     * shard has no primary. Accepts the shard record itself or one wrapped in {@code "shard"}.
     *
     * @throws IllegalArgumentException if the output is not GetShard's JSON
     */
    public static Optional<String> primaryAlias(String getShardOutput) {
        JsonNode root;
        try {
            root = JSON.readTree(getShardOutput);
        } catch (IOException e) {
            throw new IllegalArgumentException("GetShard printed no JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("GetShard printed no JSON object");
        }
        JsonNode shard = root.has("shard") && root.get("shard").isObject() ? root.get("shard") : root;
        JsonNode alias = shard.get("primary_alias");
        if (alias == null || alias.isNull()) {
            return Optional.empty();
        }
        JsonNode cell = alias.get("cell");
        JsonNode uid = alias.get("uid");
        if (cell == null || uid == null || !uid.canConvertToLong() && !uid.isTextual()) {
            throw new IllegalArgumentException("GetShard's primary_alias has no cell and uid: " + alias);
        }
        long number = uid.isTextual() ? Long.parseLong(uid.asText()) : uid.asLong();
        if (number == 0 && cell.asText().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(String.format("%s-%010d", cell.asText(), number));
    }
}
