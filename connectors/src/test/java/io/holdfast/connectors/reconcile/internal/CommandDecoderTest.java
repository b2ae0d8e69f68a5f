package io.holdfast.connectors.reconcile.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.schemas.ReconcileCommand;
import io.holdfast.schemas.ReconcileCommandType;
import io.holdfast.schemas.SnapshotRef;
import io.holdfast.schemas.serde.HoldfastSerdes;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class CommandDecoderTest {

    private static final String TOPIC = "commands.reconcile";
    private final Serde<ReconcileCommand> serde = HoldfastSerdes.value(ReconcileCommand.class, Map.of());
    private final CommandDecoder decoder = new CommandDecoder(serde.deserializer());

    @Test
    void aWellFormedCommandKeyedByItsEntityIsDecoded() {
        ReconcileCommand replay = command(ReconcileCommandType.REPLAY_SNAPSHOT, snapshot());
        CommandDecoder.Decoded decoded = decode("entity-1", replay);
        assertFalse(decoded.poison(), decoded.problem());
        assertEquals(replay, decoded.command());
        assertFalse(decode("entity-1", command(ReconcileCommandType.ADVANCE_HEAD, null)).poison(), "an advance needs no snapshot");
        assertFalse(decode("entity-1", command(ReconcileCommandType.MARK_PUBLISHED, null)).poison(),
                "a mark without a snapshot uses the layout's key");
    }

    @Test
    void poisonSaysWhy() {
        assertTrue(decoder.decode(TOPIC, key("entity-1"), "garbage".getBytes(StandardCharsets.UTF_8)).problem()
                .startsWith("not a ReconcileCommand"));
        assertTrue(decoder.decode(TOPIC, key("entity-1"), null).problem().startsWith("no value"));
        assertTrue(decode("entity-1", command(ReconcileCommandType.UNKNOWN, snapshot())).problem().startsWith("unknown command type"));
        assertEquals("missing snapshot (a replay names the snapshot it replays)",
                decode("entity-1", command(ReconcileCommandType.REPLAY_SNAPSHOT, null)).problem());
        assertTrue(decode("entity-2", command(ReconcileCommandType.ADVANCE_HEAD, null)).problem()
                .contains("is not the command's entity"));
        ReconcileCommand noId = ReconcileCommand.newBuilder(command(ReconcileCommandType.ADVANCE_HEAD, null))
                .setCommandId(" ").setRevision(0).build();
        assertEquals("missing command_id; revision 0 (revisions start at 1)", decode("entity-1", noId).problem());
    }

    private CommandDecoder.Decoded decode(String key, ReconcileCommand command) {
        return decoder.decode(TOPIC, key(key), serde.serializer().serialize(TOPIC, command));
    }

    private static byte[] key(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    private static SnapshotRef snapshot() {
        return SnapshotRef.newBuilder().setBucket("b").setObjectKey("snapshots/entity-1/2").build();
    }

    static ReconcileCommand command(ReconcileCommandType type, SnapshotRef snapshot) {
        return ReconcileCommand.newBuilder()
                .setCommandId("c-1")
                .setType(type)
                .setEntityId("entity-1")
                .setRevision(2)
                .setSnapshot(snapshot)
                .setDecidedTime(Instant.ofEpochMilli(1_700_000_000_000L))
                .build();
    }
}
