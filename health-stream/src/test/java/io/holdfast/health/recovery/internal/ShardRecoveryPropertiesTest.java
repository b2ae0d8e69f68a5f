package io.holdfast.health.recovery.internal;

import io.holdfast.health.recovery.RecoverySettings;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Random fleets and event sequences (degradations and recoveries, pauses and dry runs, restarts from
 * the stored state, commands lost, failed, late and duplicated, every message delayed and reordered)
 * against the recovery engine and the real coordinator. Safety is checked at every decision by
 * {@link FleetHarness}; liveness after a quiet period.
 */
class ShardRecoveryPropertiesTest {

    /** Defaults with shorter waits, so that a quiet period covers blocks, retries and replacements. */
    private static RecoverySettings settings(RecoverySettings.DurabilityPolicy policy) {
        return new RecoverySettings(policy, 1_000, 0.3, 120_000, 3, 10_000, 8_000, 60_000, 120_000, 20_000,
                3, 2, 2_000, 600_000, 30_000);
    }

    @Property(tries = 1000)
    void recoveryIsSafeAndEveryFailingPrimaryEndsReparentedOrAlerted(
            @ForAll("actions") List<FleetHarness.Action> actions,
            @ForAll long seed,
            @ForAll @IntRange(min = 1, max = 5) int shards,
            @ForAll @IntRange(min = 3, max = 4) int tabletsPerShard,
            @ForAll RecoverySettings.DurabilityPolicy policy) {
        FleetHarness fleet = new FleetHarness(settings(policy), seed, shards, tabletsPerShard);
        for (FleetHarness.Action action : actions) {
            fleet.apply(action);
        }
        fleet.quiesce(20 * 60_000);
        fleet.checkConverged();
    }

    @Provide
    Arbitrary<List<FleetHarness.Action>> actions() {
        Arbitrary<FleetHarness.Action> action = Combinators.combine(
                Arbitraries.of(FleetHarness.Kind.class),
                Arbitraries.integers().between(0, 1_000),
                Arbitraries.integers().between(0, 100_000),
                Arbitraries.integers().between(0, 8_000))
                .as(FleetHarness.Action::new);
        return action.list().ofMinSize(1).ofMaxSize(40);
    }
}
