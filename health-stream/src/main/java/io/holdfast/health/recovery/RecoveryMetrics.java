package io.holdfast.health.recovery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The recovery workflow's counters, in Prometheus as {@code holdfast_recovery_problems_total{code}}
 * (problems a workflow was started for) and {@code holdfast_recovery_steps_total{type,outcome}}
 * (commands attempted, succeeded and failed, by type: reparent_planned, reparent_emergency, fence,
 * provision_volume, retire_volume) and {@code holdfast_recovery_skipped_total{input,reason}} (records
 * read and deliberately not used: tombstones of tablets, health or results; results of the reconciler's
 * commands).
 */
public final class RecoveryMetrics implements ShardRecovery.Metrics {

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public RecoveryMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void problemDetected(String code) {
        counters.computeIfAbsent("p|" + code, k -> Counter.builder("holdfast.recovery.problems")
                .description("Shard problems a recovery workflow was started for, by problem code")
                .tag("code", code).register(registry)).increment();
    }

    @Override
    public void recoveryAttempted(String type) {
        step(type, "attempted");
    }

    @Override
    public void recoverySucceeded(String type) {
        step(type, "succeeded");
    }

    @Override
    public void recoveryFailed(String type) {
        step(type, "failed");
    }

    @Override
    public void skipped(String input, String reason) {
        counters.computeIfAbsent("k|" + input + "|" + reason, k -> Counter.builder("holdfast.recovery.skipped")
                .description("Records read by the recovery workflow and deliberately not used, by input and reason")
                .tag("input", input).tag("reason", reason).register(registry)).increment();
    }

    /** The count so far, for tests and the closing report; 0 if never counted. */
    public double count(String type, String outcome) {
        Counter c = counters.get("s|" + type + "|" + outcome);
        return c == null ? 0 : c.count();
    }

    private void step(String type, String outcome) {
        counters.computeIfAbsent("s|" + type + "|" + outcome, k -> Counter.builder("holdfast.recovery.steps")
                .description("Recovery workflow commands by type and outcome")
                .tag("type", type).tag("outcome", outcome).register(registry)).increment();
    }
}
