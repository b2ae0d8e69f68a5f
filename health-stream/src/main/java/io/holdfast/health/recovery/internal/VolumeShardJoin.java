package io.holdfast.health.recovery.internal;

import io.holdfast.schemas.TabletRecord;
import io.holdfast.schemas.TabletRole;
import io.holdfast.schemas.VolumeHealth;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The volume -> tablet -> shard join, on input keyed by volume id: remembers which shard each volume
 * serves and each volume's latest health, and sends both to the shard, keyed by shard. Every tablet
 * record goes to its shard from here, ahead of its volume's health, so that a shard never hears of
 * the health of a volume it does not know yet; health that arrived first follows its tablet.
 */
final class VolumeShardJoin implements Processor<String, RecoveryEvent, String, RecoveryEvent> {

    static final String LINKS_STORE = "recovery-volume-shards";
    static final String HEALTH_STORE = "recovery-volume-health";

    private ProcessorContext<String, RecoveryEvent> context;
    private KeyValueStore<String, String> links;
    private KeyValueStore<String, VolumeHealth> health;

    @Override
    public void init(ProcessorContext<String, RecoveryEvent> context) {
        this.context = context;
        this.links = context.getStateStore(LINKS_STORE);
        this.health = context.getStateStore(HEALTH_STORE);
    }

    @Override
    public void process(Record<String, RecoveryEvent> record) {
        RecoveryEvent event = record.value();
        if (event instanceof RecoveryEvent.Tablet t) {
            onTablet(record, t.record());
        } else if (event instanceof RecoveryEvent.Health h) {
            onHealth(record, h.health());
        }
    }

    private void onTablet(Record<String, RecoveryEvent> record, TabletRecord t) {
        String shard = RecoveryInputs.shardKey(t.getKeyspace(), t.getShard());
        context.forward(record.withKey(shard));
        String volume = t.getVolumeId();
        if (volume == null || volume.isBlank()) {
            return;
        }
        if (t.getRole() == TabletRole.SPARE) {
            links.delete(volume); // retired: its health concerns no shard any more
            return;
        }
        String before = links.get(volume);
        if (shard.equals(before)) {
            return;
        }
        links.put(volume, shard);
        VolumeHealth known = health.get(volume);
        if (known != null) {
            context.forward(record.withKey(shard).withValue(new RecoveryEvent.Health(known)));
        }
    }

    private void onHealth(Record<String, RecoveryEvent> record, VolumeHealth h) {
        VolumeHealth before = health.get(h.getVolumeId());
        if (before != null && before.getEventTime().isAfter(h.getEventTime())) {
            return; // older than what we have
        }
        health.put(h.getVolumeId(), h);
        String shard = links.get(h.getVolumeId());
        if (shard != null) {
            context.forward(record.withKey(shard));
        }
    }
}
