package io.holdfast.launcher.internal;

import io.holdfast.connectors.fleet.FleetSimulator;
import io.holdfast.connectors.fleet.SimulatedOperation;
import io.holdfast.connectors.fleet.SimulatorConfig;
import io.holdfast.health.HealthApp;
import io.holdfast.health.HealthConfig;
import io.holdfast.topology.app.RunningApp;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The reparent side in one process, for {@code holdfast dev}: the health app (classifier and shard
 * recovery) and the fleet simulator, which publishes tablets and volume metrics and executes
 * {@code commands.fleet} like {@code holdfast execute fleet} would on Vitess.
 */
public final class FleetServices implements AutoCloseable {

    private final RunningApp health;
    private final FleetSimulator simulator;

    private FleetServices(RunningApp health, FleetSimulator simulator) {
        this.health = health;
        this.simulator = simulator;
    }

    /** Starts the simulator first (the health app's inputs exist from its first poll), then the health app. */
    public static FleetServices start(Map<String, String> settings) {
        FleetSimulator simulator = FleetSimulator.start(SimulatorConfig.ofValidated(settings));
        try {
            HealthConfig healthConfig = HealthConfig.ofValidated(settings);
            return new FleetServices(RunningApp.start(new HealthApp(healthConfig), healthConfig), simulator);
        } catch (RuntimeException | Error e) {
            simulator.close();
            throw e;
        }
    }

    public RunningApp health() {
        return health;
    }

    public FleetSimulator simulator() {
        return simulator;
    }

    /** The first component that failed on its own, if any. */
    public Optional<String> failure() {
        if (simulator.failure().isPresent()) {
            return Optional.of("fleet simulator: " + Failures.oneLine(simulator.failure().get()));
        }
        KafkaStreams.State state = health.streams().state();
        if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING) {
            return Optional.of("health app: " + state);
        }
        return Optional.empty();
    }

    @Override
    public void close() {
        try {
            health.close();
        } finally {
            simulator.close();
        }
    }

    /**
     * What the dev fleet looks like unless the user says otherwise: 8 shards of 3 tablets over 3 cells,
     * per-second metrics, reparents at their realistic durations, and replacement volumes in 8-12 s
     * instead of EBS's minutes, so that a whole recovery can be watched.
     */
    public static Map<String, String> embeddedDefaults(double injectionsPerHour) {
        return Map.of(
                SimulatorConfig.SHARDS, "8",
                SimulatorConfig.TABLETS, "3",
                SimulatorConfig.PERIOD_MS, "1000",
                SimulatorConfig.delayKey(SimulatedOperation.PROVISION), "8000-12000",
                SimulatorConfig.delayKey(SimulatedOperation.CATCH_UP), "3000-5000",
                SimulatorConfig.INJECT_RATE_PER_HOUR, Double.toString(injectionsPerHour));
    }
}
