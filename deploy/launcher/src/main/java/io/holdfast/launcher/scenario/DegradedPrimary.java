package io.holdfast.launcher.scenario;

import io.holdfast.connectors.fleet.FleetSimulator;
import io.holdfast.connectors.fleet.Injection;
import io.holdfast.schemas.ReparentMode;
import java.time.Duration;

/** A primary's volume degrades (300 ms per operation, still reachable): a planned reparent, then replacement and retirement. */
final class DegradedPrimary extends PrimaryFailure {

    static final double LATENCY_MS = 300;

    @Override
    public String name() {
        return "degraded-primary";
    }

    @Override
    public String demonstrates() {
        return "a primary's volume degrades: detection from its latency, a PlannedReparentShard to a healthy replica in seconds, "
                + "a replacement volume provisioned and the degraded one retired, no split brain (impact window)";
    }

    @Override
    Injection inject(FleetSimulator simulator, String shard) {
        return simulator.degradePrimary(shard, FAILURE, LATENCY_MS);
    }

    @Override
    String failedState() {
        return "DEGRADED";
    }

    @Override
    ReparentMode expectedMode() {
        return ReparentMode.PLANNED;
    }

    @Override
    boolean expectFence() {
        return false;
    }

    @Override
    Duration impactBound() {
        return Duration.ofSeconds(30);
    }
}
