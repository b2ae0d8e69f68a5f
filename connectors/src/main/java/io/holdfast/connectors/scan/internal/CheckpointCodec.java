package io.holdfast.connectors.scan.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * Checkpoints as small JSON documents, so that an operator can read the checkpoint topic with any
 * console consumer. A version field lets a later scanner tell an old layout from a new one; a
 * checkpoint of an unknown version or missing a field is refused (the caller then starts a new pass,
 * which is always safe: the inventory is at-least-once).
 */
public final class CheckpointCodec {

    static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private CheckpointCodec() {
    }

    public static byte[] encode(ScanCheckpoint c) {
        ObjectNode n = JSON.createObjectNode();
        n.put("version", VERSION);
        n.put("pass_id", c.passId());
        n.put("pass_started_ms", c.passStartedMs());
        if (c.lastKey() == null) {
            n.putNull("last_key");
        } else {
            n.put("last_key", c.lastKey());
        }
        n.put("objects_listed", c.objectsListed());
        n.put("objects_emitted", c.objectsEmitted());
        n.put("objects_skipped", c.objectsSkipped());
        n.put("pages", c.pages());
        if (c.finishedMs() == null) {
            n.putNull("finished_ms");
        } else {
            n.put("finished_ms", c.finishedMs());
        }
        if (c.latestComplete() == null) {
            n.putNull("latest_complete");
        } else {
            ObjectNode done = n.putObject("latest_complete");
            done.put("pass_id", c.latestComplete().passId());
            done.put("started_ms", c.latestComplete().startedMs());
            done.put("finished_ms", c.latestComplete().finishedMs());
        }
        try {
            return JSON.writeValueAsBytes(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode checkpoint " + c, e);
        }
    }

    /** @throws IllegalArgumentException if {@code bytes} is not a checkpoint this scanner understands */
    public static ScanCheckpoint decode(byte[] bytes) {
        JsonNode n;
        try {
            n = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        int version = required(n, "version").asInt(-1);
        if (version != VERSION) {
            throw new IllegalArgumentException("checkpoint version " + required(n, "version") + ", this scanner reads " + VERSION);
        }
        JsonNode done = required(n, "latest_complete");
        ScanCheckpoint.CompletedPass latest = done.isNull() ? null : new ScanCheckpoint.CompletedPass(
                text(done, "pass_id"), number(done, "started_ms"), number(done, "finished_ms"));
        JsonNode lastKey = required(n, "last_key");
        JsonNode finished = required(n, "finished_ms");
        return new ScanCheckpoint(text(n, "pass_id"), number(n, "pass_started_ms"), lastKey.isNull() ? null : lastKey.asText(),
                number(n, "objects_listed"), number(n, "objects_emitted"), number(n, "objects_skipped"), number(n, "pages"),
                finished.isNull() ? null : finished.asLong(), latest);
    }

    private static JsonNode required(JsonNode n, String field) {
        JsonNode value = n.get(field);
        if (value == null) {
            throw new IllegalArgumentException("checkpoint without " + field);
        }
        return value;
    }

    private static String text(JsonNode n, String field) {
        JsonNode value = required(n, field);
        if (!value.isTextual() || value.asText().isEmpty()) {
            throw new IllegalArgumentException("checkpoint field " + field + " is not a non-empty string: " + value);
        }
        return value.asText();
    }

    private static long number(JsonNode n, String field) {
        JsonNode value = required(n, field);
        if (!value.isIntegralNumber()) {
            throw new IllegalArgumentException("checkpoint field " + field + " is not an integer: " + value);
        }
        return value.asLong();
    }
}
