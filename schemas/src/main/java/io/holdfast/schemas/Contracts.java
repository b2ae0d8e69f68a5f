package io.holdfast.schemas;

import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/**
 * The value types of holdfast's topics (DESIGN section 3), in topic order. Everything that must hold for
 * every contract (released history, evolution tests, topic catalogs) iterates over this list, so a new
 * contract is covered by adding it here.
 */
public final class Contracts {

    /** Every contract that is the value type of a topic. */
    public static final List<Class<? extends SpecificRecord>> ALL = List.of(
            SnapshotObject.class,
            TabletRecord.class,
            VolumeMetric.class,
            VolumeHealth.class,
            WorkflowProgress.class,
            ReconcileCommand.class,
            FleetCommand.class,
            CommandResult.class,
            ControlCommand.class,
            AuditEvent.class,
            Alert.class);

    private Contracts() {
    }
}
