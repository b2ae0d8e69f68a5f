/**
 * Synthetic EBS volumes for tests, the fleet simulator and benchmarks: deterministic, seeded
 * {@link io.holdfast.schemas.VolumeMetric} samples of gp3-like volumes, with injectable episodes
 * (degradation, stalls, load spikes, subtle fail-slow) and the ground truth of each sample.
 *
 * <p>Start with {@link io.holdfast.topology.synthetic.SyntheticVolume#builder()} for one volume or
 * {@link io.holdfast.topology.synthetic.SyntheticFleetLoad#builder()} for many, interleaved in event time.
 */
package io.holdfast.topology.synthetic;
