package io.holdfast.health.recovery.internal;

import io.holdfast.health.recovery.LockMessage;
import io.holdfast.schemas.CommandResult;
import io.holdfast.schemas.TabletRecord;
import io.holdfast.schemas.VolumeHealth;

/**
 * What flows on the recovery app's own topics: one of the inputs a shard's workflow reacts to. A
 * closed set, so that a processor handles every kind (the compiler checks the switch).
 */
sealed interface RecoveryEvent {

    /** A tablet's latest topology record. */
    record Tablet(TabletRecord record) implements RecoveryEvent {
    }

    /** A volume health transition. */
    record Health(VolumeHealth health) implements RecoveryEvent {
    }

    /** The result of a fleet command. */
    record Result(CommandResult result) implements RecoveryEvent {
    }

    /** The reparent lock protocol between shards and the coordinator. */
    record Lock(LockMessage message) implements RecoveryEvent {
    }
}
