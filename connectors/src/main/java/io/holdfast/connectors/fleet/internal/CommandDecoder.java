package io.holdfast.connectors.fleet.internal;

import io.holdfast.schemas.FleetCommand;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Turns a {@code commands.fleet} record into a command, or says why it is poison: bytes that are not
 * a FleetCommand, no key, a key that is not the command's shard, or a field the command's type
 * cannot do without. Poison goes to the dead-letter topic; it is never executed, and never stops
 * the commands behind it.
 *
 * <p>An UNKNOWN type or an UNSPECIFIED reparent mode is not poison: the executor answers FAILED,
 * as the contract asks, so that the workflow learns of it.
 */
public final class CommandDecoder {

    /** Exactly one of {@code command} and {@code problem} is set. */
    public record Decoded(FleetCommand command, String problem, Exception cause) {
        public boolean poison() {
            return command == null;
        }
    }

    private final Deserializer<FleetCommand> values;

    public CommandDecoder(Deserializer<FleetCommand> values) {
        this.values = values;
    }

    public Decoded decode(String topic, byte[] key, byte[] value) {
        if (value == null) {
            return poison("no value (a tombstone is not a command)", null);
        }
        FleetCommand command;
        try {
            command = values.deserialize(topic, value);
        } catch (RuntimeException e) {
            return poison("not a FleetCommand: " + e.getMessage(), e);
        }
        if (command == null) {
            return poison("not a FleetCommand: the deserializer returned nothing", null);
        }
        List<String> missing = missingFields(command);
        if (!missing.isEmpty()) {
            return poison("missing " + String.join(", ", missing), null);
        }
        String shardKey = CommandResults.shardKey(command);
        if (key == null) {
            return poison("no key: a fleet command is keyed by its shard " + shardKey, null);
        }
        String keyText = new String(key, StandardCharsets.UTF_8);
        if (!keyText.equals(shardKey)) {
            return poison("key '" + keyText + "' is not the command's shard '" + shardKey + "'", null);
        }
        return new Decoded(command, null, null);
    }

    private static Decoded poison(String problem, Exception cause) {
        return new Decoded(null, problem, cause);
    }

    static List<String> missingFields(FleetCommand command) {
        List<String> missing = new ArrayList<>();
        blank(missing, "command_id", command.getCommandId());
        blank(missing, "keyspace", command.getKeyspace());
        blank(missing, "shard", command.getShard());
        blank(missing, "workflow_id", command.getWorkflowId());
        switch (command.getType()) {
            case REPARENT -> {
                if (command.getReparentMode() == null) {
                    missing.add("reparent_mode");
                }
                blank(missing, "new_primary", command.getNewPrimary());
                blank(missing, "expected_primary", command.getExpectedPrimary());
                if (command.getExpectedPrimaryTerm() == null) {
                    missing.add("expected_primary_term");
                }
            }
            case FENCE, PROVISION_VOLUME, RETIRE_VOLUME -> blank(missing, "target_tablet_alias", command.getTargetTabletAlias());
            case UNKNOWN -> {
                // answered FAILED by the executor: the contract wants the workflow to hear of it
            }
        }
        return missing;
    }

    private static void blank(List<String> missing, String field, String value) {
        if (value == null || value.isBlank()) {
            missing.add(field);
        }
    }
}
