package io.holdfast.connectors.binlog.internal;

import io.holdfast.connectors.binlog.BinlogStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * What the binlog source has done, as Micrometer meters (scraped on {@code /metrics}) and as the status
 * line: events by table and op, rows copied, lag behind the source (from the events' own source time,
 * and Debezium's MilliSecondsBehindSource), and Debezium's queue capacity.
 */
public final class CaptureMetrics {

    private static final double NONE = Double.NaN;

    private final MeterRegistry registry;
    private final Clock clock;
    private final DebeziumMBeans mbeans;
    private final BooleanSupplier streaming;
    private final Map<String, Counter> byTableAndOp = new ConcurrentHashMap<>();
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong copied = new AtomicLong();
    /** Source commit time of the last streamed (not copied) event; copies carry the read time, not a commit time. */
    private final AtomicLong lastSourceTsMs = new AtomicLong(-1);
    private final AtomicBoolean rateStarted = new AtomicBoolean();
    private long rateAtNanos;
    private long rateAtEvents;
    private double lastRate;

    public CaptureMetrics(MeterRegistry registry, Clock clock, DebeziumMBeans mbeans, BooleanSupplier streaming) {
        this.registry = registry;
        this.clock = clock;
        this.mbeans = mbeans;
        this.streaming = streaming;
        Gauge.builder("holdfast.binlog.lag", this, m -> m.lagMillis().map(Long::doubleValue).orElse(NONE))
                .baseUnit("milliseconds").description("Now minus the source commit time of the last streamed change event")
                .register(registry);
        Gauge.builder("holdfast.binlog.behind.source", mbeans, b -> b.longAttribute("MilliSecondsBehindSource")
                        .map(Long::doubleValue).orElse(NONE))
                .baseUnit("milliseconds").description("Debezium's MilliSecondsBehindSource (streaming MBean)").register(registry);
        Gauge.builder("holdfast.binlog.queue.capacity", mbeans, b -> b.longAttribute("QueueTotalCapacity")
                        .map(Long::doubleValue).orElse(NONE))
                .description("Debezium's queue size between the binlog reader and the engine").register(registry);
        Gauge.builder("holdfast.binlog.queue.remaining", mbeans, b -> b.longAttribute("QueueRemainingCapacity")
                        .map(Long::doubleValue).orElse(NONE))
                .description("Free places in Debezium's queue; near 0 means Kafka is the bottleneck").register(registry);
        Gauge.builder("holdfast.binlog.copied.rows", copied, AtomicLong::get)
                .description("Rows forwarded by copies (incremental snapshots, op r) since start").register(registry);
        Gauge.builder("holdfast.binlog.streaming", this, m -> m.streaming.getAsBoolean() ? 1 : 0)
                .description("1 while the connector reads the binlog").register(registry);
    }

    /** Counts one acknowledged record; {@code summary} is {@link ChangeSummary#NONE} for notifications and tombstones. */
    public void forwarded(ChangeSummary summary) {
        if (summary == ChangeSummary.NONE) {
            return;
        }
        events.incrementAndGet();
        byTableAndOp.computeIfAbsent(summary.table() + "\u0000" + summary.op(), k -> Counter.builder("holdfast.binlog.events")
                .description("Change events captured and acknowledged by Kafka, by table and op")
                .tag("table", summary.table()).tag("op", summary.op()).register(registry)).increment();
        if (summary.isCopy()) {
            copied.incrementAndGet();
        } else if (summary.sourceTsMs() > 0) {
            lastSourceTsMs.accumulateAndGet(summary.sourceTsMs(), Math::max);
        }
    }

    public Optional<Long> lagMillis() {
        long ts = lastSourceTsMs.get();
        return ts < 0 ? Optional.empty() : Optional.of(Math.max(0, clock.millis() - ts));
    }

    public long events() {
        return events.get();
    }

    public long copiedRows() {
        return copied.get();
    }

    public synchronized BinlogStatus status() {
        long now = System.nanoTime();
        long total = events.get();
        if (rateStarted.compareAndSet(false, true)) {
            rateAtNanos = now;
            rateAtEvents = total;
        } else if (now - rateAtNanos >= 1_000_000_000L) {
            lastRate = (total - rateAtEvents) * 1e9 / (now - rateAtNanos);
            rateAtNanos = now;
            rateAtEvents = total;
        }
        return new BinlogStatus(total, lastRate, copied.get(), lagMillis(),
                mbeans.longAttribute("MilliSecondsBehindSource").filter(ms -> ms >= 0), streaming.getAsBoolean());
    }
}
