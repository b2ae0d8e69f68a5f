package io.holdfast.health.recovery.internal;

import io.holdfast.health.recovery.LockMessage;
import io.holdfast.health.recovery.RecoverySettings;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/** Runs the {@link RecoveryCoordinator} on its single partition; answers go back to the shards. */
final class CoordinatorProcessor implements Processor<String, RecoveryEvent, String, RecoveryEvent> {

    private final RecoverySettings settings;
    private ProcessorContext<String, RecoveryEvent> context;
    private RecoveryCoordinator coordinator;

    CoordinatorProcessor(RecoverySettings settings) {
        this.settings = settings;
    }

    @Override
    public void init(ProcessorContext<String, RecoveryEvent> context) {
        this.context = context;
        this.coordinator = new RecoveryCoordinator(settings, context.getStateStore(RecoveryCoordinator.SLOTS_STORE),
                context.getStateStore(RecoveryCoordinator.VOLUMES_STORE), context.getStateStore(RecoveryCoordinator.CELLS_STORE));
    }

    @Override
    public void process(Record<String, RecoveryEvent> record) {
        RecoveryEvent event = record.value();
        if (event instanceof RecoveryEvent.Health h) {
            coordinator.onHealth(h.health());
        } else if (event instanceof RecoveryEvent.Lock l) {
            LockMessage reply = coordinator.onLock(l.message(), context.currentSystemTimeMs());
            if (reply != null) {
                context.forward(new Record<>(reply.shard, new RecoveryEvent.Lock(reply), context.currentSystemTimeMs()));
            }
        }
    }
}
