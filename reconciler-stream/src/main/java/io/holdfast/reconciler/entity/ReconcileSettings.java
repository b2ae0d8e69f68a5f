package io.holdfast.reconciler.entity;

/**
 * Timing of the reconciler's decisions (see {@code ReconcilerConfig} for the keys and their meaning).
 * Correctness never depends on these: a repair decided too early is a no-op at the executor (replays
 * never change an existing row, heads only move up), so they trade repair latency against duplicate work.
 *
 * @param graceMs how long an inconsistency may last before it is repaired: the writer's own steps normally close it
 * @param retryBackoffMs wait before the second attempt of a repair whose effect has not been seen
 * @param retryBackoffMaxMs the longest wait between attempts (the backoff doubles up to this)
 * @param recheckMs how often a decision held back (copy running, paused, scan not complete) is looked at again
 */
public record ReconcileSettings(long graceMs, long retryBackoffMs, long retryBackoffMaxMs, long recheckMs) {

    public static final ReconcileSettings DEFAULTS = new ReconcileSettings(10_000, 5_000, 300_000, 15_000);

    public ReconcileSettings {
        if (graceMs < 0 || retryBackoffMs < 1 || retryBackoffMaxMs < retryBackoffMs || recheckMs < 1) {
            throw new IllegalArgumentException("invalid reconcile settings " + this);
        }
    }

    /** Wait after attempt {@code attempt} (1-based) before the next one. */
    public long backoffAfter(int attempt) {
        int doublings = Math.min(30, Math.max(0, attempt - 1));
        return Math.min(retryBackoffMaxMs, retryBackoffMs << doublings);
    }
}
