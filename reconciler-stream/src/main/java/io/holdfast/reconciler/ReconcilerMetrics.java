package io.holdfast.reconciler;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The reconciler's counters, in Prometheus as {@code holdfast_reconciler_inputs_total{input}} (observations
 * merged: revision_row, head, snapshot), {@code holdfast_reconciler_skipped_total{reason}} (records read and
 * deliberately not used, e.g. tombstones) and {@code holdfast_reconciler_decisions_total{decision}} (repairs
 * and alerts, by audit code). Malformed records are counted by the dead-letter metrics.
 */
public final class ReconcilerMetrics {

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public ReconcilerMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public static ReconcilerMetrics unregistered() {
        return new ReconcilerMetrics(new SimpleMeterRegistry());
    }

    public void input(String input) {
        counter("holdfast.reconciler.inputs", "input", input, "Observations merged into entity ledgers, by input").increment();
    }

    public void skipped(String reason) {
        counter("holdfast.reconciler.skipped", "reason", reason, "Records read and deliberately not used, by reason").increment();
    }

    public void decision(String code) {
        counter("holdfast.reconciler.decisions", "decision", code, "Repairs and alerts decided, by audit code").increment();
    }

    /** The count so far; 0 if never counted. */
    public double count(String name, String tagValue) {
        Counter c = counters.get(name + "|" + tagValue);
        return c == null ? 0 : c.count();
    }

    private Counter counter(String name, String tag, String value, String description) {
        return counters.computeIfAbsent(name + "|" + value,
                k -> Counter.builder(name).description(description).tag(tag, value).register(registry));
    }
}
