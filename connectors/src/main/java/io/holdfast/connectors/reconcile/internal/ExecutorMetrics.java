package io.holdfast.connectors.reconcile.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The reconcile executor's counters, in Prometheus as {@code holdfast_executor_reconcile_commands_total{type,outcome}}
 * (results published, duplicates included), {@code holdfast_executor_reconcile_retries_total} (transient failures
 * retried) and {@code holdfast_executor_reconcile_dead_letters_total} (poison records sent to the dead-letter topic).
 */
public final class ExecutorMetrics {

    private final MeterRegistry registry;
    private final Map<String, Counter> commands = new ConcurrentHashMap<>();
    private final Counter retries;
    private final Counter deadLetters;

    public ExecutorMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.retries = Counter.builder("holdfast.executor.reconcile.retries")
                .description("Attempts at a reconcile command retried after a transient failure").register(registry);
        this.deadLetters = Counter.builder("holdfast.executor.reconcile.dead.letters")
                .description("Reconcile command records sent to the dead-letter topic").register(registry);
    }

    public void executed(String type, String outcome) {
        commands.computeIfAbsent(type + "|" + outcome, k -> Counter.builder("holdfast.executor.reconcile.commands")
                .description("Reconcile command results published, by command type and outcome")
                .tag("type", type).tag("outcome", outcome).register(registry)).increment();
    }

    public void retried() {
        retries.increment();
    }

    public void deadLettered() {
        deadLetters.increment();
    }

    /** Results published with this type and outcome so far. */
    public long count(String type, String outcome) {
        Counter c = commands.get(type + "|" + outcome);
        return c == null ? 0 : (long) c.count();
    }

    public long retries() {
        return (long) retries.count();
    }

    public long deadLetters() {
        return (long) deadLetters.count();
    }
}
