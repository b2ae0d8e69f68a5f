package io.holdfast.health.recovery;

import java.time.Duration;

/**
 * Policy of the shard recovery workflow, immutable; documented key by key in
 * {@link io.holdfast.health.HealthConfig} ({@code holdfast.recovery.*}).
 */
public record RecoverySettings(
        DurabilityPolicy durabilityPolicy,
        long candidateMaxLagMs,
        double correlatedCellShare,
        long antiFlapBlockMs,
        int maxAttempts,
        long reparentTimeoutMs,
        long fenceTimeoutMs,
        long provisionTimeoutMs,
        long replacementTimeoutMs,
        long retireTimeoutMs,
        int maxConcurrentReparents,
        int maxConcurrentReparentsPerCell,
        long lockRetryMs,
        long lockLeaseMs,
        long noCandidateRetryMs) {

    public static final RecoverySettings DEFAULTS = new RecoverySettings(
            DurabilityPolicy.SEMI_SYNC,
            1_000,
            0.3,
            Duration.ofMinutes(10).toMillis(),
            3,
            30_000,
            15_000,
            Duration.ofMinutes(5).toMillis(),
            Duration.ofMinutes(10).toMillis(),
            60_000,
            5,
            2,
            2_000,
            Duration.ofMinutes(10).toMillis(),
            30_000);

    /** Which cells a promoted replica may be in, decided by where semi-sync acknowledgements can come from. */
    public enum DurabilityPolicy {
        /** Any cell; no acknowledgement needed. */
        NONE,
        /** Another healthy serving replica must remain to acknowledge the new primary's writes. */
        SEMI_SYNC,
        /** That acknowledging replica must be in a different cell from the new primary. */
        CROSS_CELL;

        public static DurabilityPolicy parse(String value) {
            return valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
        }
    }

    public long timeoutMs(io.holdfast.schemas.FleetCommandType type) {
        return switch (type) {
            case REPARENT -> reparentTimeoutMs;
            case FENCE -> fenceTimeoutMs;
            case PROVISION_VOLUME -> provisionTimeoutMs;
            case RETIRE_VOLUME -> retireTimeoutMs;
            default -> reparentTimeoutMs;
        };
    }
}
