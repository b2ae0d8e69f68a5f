package io.holdfast.connectors.reconcile.internal;

import io.holdfast.schemas.ReconcileCommand;
import io.holdfast.schemas.ReconcileCommandType;
import io.holdfast.schemas.SnapshotRef;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Turns a {@code commands.reconcile} record into a command, or says why it is poison: bytes that are
 * not a ReconcileCommand, an UNKNOWN type (a newer reconciler's action this executor cannot guess at),
 * a replay without its snapshot, a required field missing, or a key that is not the command's entity.
 * Poison goes to the dead-letter topic; it is never executed and never stops the commands behind it.
 */
public final class CommandDecoder {

    /** Exactly one of {@code command} and {@code problem} is set. */
    public record Decoded(ReconcileCommand command, String problem, Exception cause) {
        public boolean poison() {
            return command == null;
        }
    }

    private final Deserializer<ReconcileCommand> values;

    public CommandDecoder(Deserializer<ReconcileCommand> values) {
        this.values = values;
    }

    public Decoded decode(String topic, byte[] key, byte[] value) {
        if (value == null) {
            return poison("no value (a tombstone is not a command)", null);
        }
        ReconcileCommand command;
        try {
            command = values.deserialize(topic, value);
        } catch (RuntimeException e) {
            return poison("not a ReconcileCommand: " + e.getMessage(), e);
        }
        if (command == null) {
            return poison("not a ReconcileCommand: the deserializer returned nothing", null);
        }
        if (command.getType() == ReconcileCommandType.UNKNOWN) {
            return poison("unknown command type: this executor carries out REPLAY_SNAPSHOT, ADVANCE_HEAD and MARK_PUBLISHED", null);
        }
        List<String> problems = problems(command);
        if (!problems.isEmpty()) {
            return poison(String.join("; ", problems), null);
        }
        if (key == null) {
            return poison("no key: a reconcile command is keyed by its entity " + command.getEntityId(), null);
        }
        String keyText = new String(key, StandardCharsets.UTF_8);
        if (!keyText.equals(command.getEntityId())) {
            return poison("key '" + keyText + "' is not the command's entity '" + command.getEntityId() + "'", null);
        }
        return new Decoded(command, null, null);
    }

    static List<String> problems(ReconcileCommand command) {
        List<String> problems = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        blank(missing, "command_id", command.getCommandId());
        blank(missing, "entity_id", command.getEntityId());
        SnapshotRef snapshot = command.getSnapshot();
        if (snapshot == null && command.getType() == ReconcileCommandType.REPLAY_SNAPSHOT) {
            missing.add("snapshot (a replay names the snapshot it replays)");
        }
        if (snapshot != null) {
            blank(missing, "snapshot.bucket", snapshot.getBucket());
            blank(missing, "snapshot.object_key", snapshot.getObjectKey());
        }
        if (!missing.isEmpty()) {
            problems.add("missing " + String.join(", ", missing));
        }
        if (command.getRevision() < 1) {
            problems.add("revision " + command.getRevision() + " (revisions start at 1)");
        }
        return problems;
    }

    private static void blank(List<String> missing, String field, String value) {
        if (value == null || value.isBlank()) {
            missing.add(field);
        }
    }

    private static Decoded poison(String problem, Exception cause) {
        return new Decoded(null, problem, cause);
    }
}
