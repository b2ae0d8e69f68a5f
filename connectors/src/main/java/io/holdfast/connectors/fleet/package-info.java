/**
 * The fleet side of the shard recovery workflow (see {@code connectors/FLEET-PROTOCOL.md}).
 * {@link io.holdfast.connectors.fleet.FleetCommandRunner} consumes {@code commands.fleet} and publishes
 * {@code commands.results}, executing each command through a
 * {@link io.holdfast.connectors.fleet.FleetExecutor}: {@link io.holdfast.connectors.fleet.VtctldFleetExecutor}
 * on a real Vitess ({@code holdfast execute fleet}), or the
 * {@link io.holdfast.connectors.fleet.FleetSimulator}'s, which also plays the fleet itself: tablets,
 * volume metrics, injected degradations and a ledger of what customers saw ({@code holdfast sim fleet}).
 * Settings: {@link io.holdfast.connectors.fleet.FleetExecutorConfig} ({@code holdfast.fleet.*}) and
 * {@link io.holdfast.connectors.fleet.SimulatorConfig} ({@code holdfast.sim.*}).
 */
package io.holdfast.connectors.fleet;
