package io.holdfast.health.recovery.internal;

import io.holdfast.health.recovery.LockMessage;
import io.holdfast.schemas.CommandResult;
import io.holdfast.schemas.TabletRecord;
import io.holdfast.schemas.VolumeHealth;
import io.holdfast.topology.catalog.TopicCatalog;
import io.holdfast.topology.serde.JsonSerde;
import java.util.Arrays;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A tagged union: one byte for the kind, then the payload in its own format (the public contract's
 * serde for Avro payloads, JSON for lock messages). Avro payloads are written as if for their public
 * topic, so that with a schema registry they land under that topic's subject and not under one
 * subject holding four unrelated schemas.
 */
final class RecoveryEventSerde implements Serde<RecoveryEvent> {

    private static final byte TABLET = 1;
    private static final byte HEALTH = 2;
    private static final byte RESULT = 3;
    private static final byte LOCK = 4;

    private final Serde<TabletRecord> tablets;
    private final Serde<VolumeHealth> health;
    private final Serde<CommandResult> results;
    private final Serde<LockMessage> locks = new JsonSerde<>(LockMessage.class);
    private final String tabletsTopic;
    private final String healthTopic;
    private final String resultsTopic;

    RecoveryEventSerde(TopicCatalog catalog) {
        this.tablets = catalog.tablets.valueSerde();
        this.health = catalog.volumeHealth.valueSerde();
        this.results = catalog.commandResults.valueSerde();
        this.tabletsTopic = catalog.tablets.name();
        this.healthTopic = catalog.volumeHealth.name();
        this.resultsTopic = catalog.commandResults.name();
    }

    @Override
    public Serializer<RecoveryEvent> serializer() {
        return (topic, event) -> {
            if (event == null) {
                return null;
            }
            // Java 17: no pattern matching for switch yet; the interface is sealed, so this is exhaustive.
            if (event instanceof RecoveryEvent.Tablet t) {
                return tagged(TABLET, tablets.serializer().serialize(tabletsTopic, t.record()));
            } else if (event instanceof RecoveryEvent.Health h) {
                return tagged(HEALTH, health.serializer().serialize(healthTopic, h.health()));
            } else if (event instanceof RecoveryEvent.Result r) {
                return tagged(RESULT, results.serializer().serialize(resultsTopic, r.result()));
            } else if (event instanceof RecoveryEvent.Lock l) {
                return tagged(LOCK, locks.serializer().serialize(topic, l.message()));
            }
            throw new SerializationException("not a recovery event: " + event.getClass().getName());
        };
    }

    @Override
    public Deserializer<RecoveryEvent> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            if (bytes.length < 2) {
                throw new SerializationException("recovery event of " + bytes.length + " bytes in " + topic);
            }
            byte[] payload = Arrays.copyOfRange(bytes, 1, bytes.length);
            return switch (bytes[0]) {
                case TABLET -> new RecoveryEvent.Tablet(tablets.deserializer().deserialize(tabletsTopic, payload));
                case HEALTH -> new RecoveryEvent.Health(health.deserializer().deserialize(healthTopic, payload));
                case RESULT -> new RecoveryEvent.Result(results.deserializer().deserialize(resultsTopic, payload));
                case LOCK -> new RecoveryEvent.Lock(locks.deserializer().deserialize(topic, payload));
                default -> throw new SerializationException("unknown recovery event kind " + bytes[0] + " in " + topic);
            };
        };
    }

    private static byte[] tagged(byte tag, byte[] payload) {
        byte[] out = new byte[payload.length + 1];
        out[0] = tag;
        System.arraycopy(payload, 0, out, 1, payload.length);
        return out;
    }
}
