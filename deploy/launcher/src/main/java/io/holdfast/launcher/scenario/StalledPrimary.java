package io.holdfast.launcher.scenario;

import io.holdfast.connectors.fleet.FleetSimulator;
import io.holdfast.connectors.fleet.Injection;
import io.holdfast.schemas.ReparentMode;
import java.time.Duration;

/** A primary's volume stalls and the tablet stops answering: fence it, EmergencyReparentShard, then replace and retire. */
final class StalledPrimary extends PrimaryFailure {

    @Override
    public String name() {
        return "stalled-primary";
    }

    @Override
    public String demonstrates() {
        return "a primary's volume stalls: the old primary is fenced, an EmergencyReparentShard promotes a caught-up replica, "
                + "the volume is replaced and retired, never two writable primaries";
    }

    @Override
    Injection inject(FleetSimulator simulator, String shard) {
        return simulator.stallPrimary(shard, FAILURE);
    }

    @Override
    String failedState() {
        return "STALLED";
    }

    @Override
    ReparentMode expectedMode() {
        return ReparentMode.EMERGENCY;
    }

    @Override
    boolean expectFence() {
        return true;
    }

    @Override
    Duration impactBound() {
        return Duration.ofSeconds(45);
    }
}
