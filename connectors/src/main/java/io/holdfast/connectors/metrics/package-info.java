/**
 * Metric producers: where {@code fleet.volume-metrics} comes from in production.
 * {@link io.holdfast.connectors.metrics.NodeAgent} ({@code holdfast agent}) samples this node's block
 * devices from {@code /proc/diskstats}; {@link io.holdfast.connectors.metrics.CloudWatchPoller}
 * ({@code holdfast cloudwatch}) polls EBS metrics from CloudWatch. Both publish through
 * {@link io.holdfast.connectors.metrics.VolumeMetricPublisher} and are configured by
 * {@link io.holdfast.connectors.metrics.AgentConfig} and {@link io.holdfast.connectors.metrics.CloudWatchConfig}.
 */
package io.holdfast.connectors.metrics;
