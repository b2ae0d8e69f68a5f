package io.holdfast.launcher.internal;

import io.holdfast.schemas.Alert;
import io.holdfast.schemas.AuditEvent;
import io.holdfast.schemas.CommandResult;
import io.holdfast.schemas.ControlCommand;
import io.holdfast.schemas.FleetCommand;
import io.holdfast.schemas.ReconcileCommand;
import io.holdfast.schemas.Scope;
import io.holdfast.schemas.ScopeKind;
import io.holdfast.schemas.Scopes;
import io.holdfast.schemas.VolumeMetric;
import io.holdfast.topology.catalog.TopicCatalog;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The recent past of the topics an operator watches, kept in memory for the dev dashboard and the
 * scenarios: decisions (audit) per shard, fleet and reconcile commands with their results, alerts,
 * the operator instructions in force, every fleet command of the run, and each volume's latency over
 * the last two minutes. One read_committed consumer without a group (nothing is committed: a restart
 * reads the recent past again), started a few hundred records before the end of each partition.
 */
public final class DashboardFeed implements AutoCloseable {

    public static final int RECENT = 50;
    public static final int AUDIT_PER_SHARD = 20;
    public static final int LATENCY_POINTS = 120;
    private static final int BACKLOG = 300;
    private static final int MAX_RESULTS = 5_000;
    private static final int MAX_FLEET_COMMANDS = 10_000;

    /** A decision as the audit topic has it. */
    public record Decision(Instant time, String app, String scope, String decision, String summary, String commandId, boolean dryRun) {}

    /** A command of either kind, in a form an operator reads. */
    public record Command(Instant time, String kind, String type, String target, String commandId, String detail) {}

    /** An alert as the alerts topic has it. */
    public record Raised(Instant time, String app, String severity, String code, String scope, String summary) {}

    private final TopicCatalog catalog;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private final LongAdder undecodable = new LongAdder();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean running = true;

    // guarded by this
    private final Map<String, Deque<Decision>> decisionsByShard = new HashMap<>();
    private final Deque<Decision> decisions = new ArrayDeque<>();
    private final Deque<Command> commands = new ArrayDeque<>();
    private final Map<String, CommandResult> results = new LinkedHashMap<>(256, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, CommandResult> eldest) {
            return size() > MAX_RESULTS;
        }
    };
    private final Deque<Raised> alerts = new ArrayDeque<>();
    private final Map<String, ControlCommand> control = new HashMap<>();
    private final List<FleetCommand> fleetCommands = new ArrayList<>();
    private final Map<String, LatencyRing> latency = new HashMap<>();

    private DashboardFeed(TopicCatalog catalog, KafkaConsumer<byte[], byte[]> consumer) {
        this.catalog = catalog;
        this.consumer = consumer;
        this.thread = new Thread(this::run, "holdfast-dashboard-feed");
        this.thread.setDaemon(true);
    }

    public static DashboardFeed start(Map<String, Object> kafka, TopicCatalog catalog) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "holdfast-dashboard-feed");
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        DashboardFeed feed = new DashboardFeed(catalog, consumer);
        try {
            feed.assign();
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
        feed.thread.start();
        return feed;
    }

    private void assign() {
        List<String> topics = List.of(catalog.audit.name(), catalog.fleetCommands.name(), catalog.reconcileCommands.name(),
                catalog.commandResults.name(), catalog.alerts.name(), catalog.control.name(), catalog.volumeMetrics.name());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
        }
        consumer.assign(partitions);
        Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, Duration.ofSeconds(30));
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
        for (TopicPartition p : partitions) {
            // Every instruction in force is needed, however old; of the rest only the recent past.
            boolean all = p.topic().equals(catalog.control.name());
            consumer.seek(p, all ? begin.get(p) : Math.max(begin.get(p), end.get(p) - BACKLOG));
        }
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() == null) {
                        continue;
                    }
                    try {
                        take(r);
                    } catch (RuntimeException e) {
                        // A record this process cannot read (another version, a bad producer) is not the feed's to judge.
                        undecodable.increment();
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            failure.set(e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void take(ConsumerRecord<byte[], byte[]> r) {
        String topic = r.topic();
        if (topic.equals(catalog.volumeMetrics.name())) {
            VolumeMetric m = catalog.volumeMetrics.valueSerde().deserializer().deserialize(topic, r.value());
            if (m.getLatencyUs() != null) {
                synchronized (this) {
                    latency.computeIfAbsent(m.getVolumeId(), v -> new LatencyRing()).add(m.getEventTime().toEpochMilli(),
                            m.getLatencyUs() / 1000);
                }
            }
        } else if (topic.equals(catalog.audit.name())) {
            AuditEvent a = catalog.audit.valueSerde().deserializer().deserialize(topic, r.value());
            Decision d = new Decision(a.getEventTime(), a.getApp(), Scopes.key(a.getScope()), a.getDecision(), a.getSummary(),
                    a.getCommandId(), a.getDryRun());
            synchronized (this) {
                push(decisions, d, RECENT);
                String shard = shardKey(a.getScope());
                if (shard != null) {
                    push(decisionsByShard.computeIfAbsent(shard, k -> new ArrayDeque<>()), d, AUDIT_PER_SHARD);
                }
            }
        } else if (topic.equals(catalog.fleetCommands.name())) {
            FleetCommand c = catalog.fleetCommands.valueSerde().deserializer().deserialize(topic, r.value());
            synchronized (this) {
                push(commands, new Command(c.getDecidedTime(), "fleet", c.getType().name(), c.getKeyspace() + "/" + c.getShard(),
                        c.getCommandId(), describe(c)), RECENT);
                if (fleetCommands.size() < MAX_FLEET_COMMANDS) {
                    fleetCommands.add(c);
                }
            }
        } else if (topic.equals(catalog.reconcileCommands.name())) {
            ReconcileCommand c = catalog.reconcileCommands.valueSerde().deserializer().deserialize(topic, r.value());
            synchronized (this) {
                push(commands, new Command(c.getDecidedTime(), "reconcile", c.getType().name(), c.getEntityId(), c.getCommandId(),
                        "revision " + c.getRevision() + (c.getAttempt() > 1 ? ", attempt " + c.getAttempt() : "")), RECENT);
            }
        } else if (topic.equals(catalog.commandResults.name())) {
            CommandResult res = catalog.commandResults.valueSerde().deserializer().deserialize(topic, r.value());
            synchronized (this) {
                results.put(res.getCommandId(), res);
            }
        } else if (topic.equals(catalog.alerts.name())) {
            Alert a = catalog.alerts.valueSerde().deserializer().deserialize(topic, r.value());
            synchronized (this) {
                push(alerts, new Raised(a.getRaisedTime(), a.getApp(), a.getSeverity().name(), a.getCode(), Scopes.key(a.getScope()),
                        a.getSummary()), RECENT);
            }
        } else if (topic.equals(catalog.control.name())) {
            ControlCommand c = catalog.control.valueSerde().deserializer().deserialize(topic, r.value());
            synchronized (this) {
                control.put(Scopes.controlKey(c.getApp(), c.getScope()), c);
            }
        }
    }

    private static String describe(FleetCommand c) {
        switch (c.getType()) {
            case REPARENT:
                return (c.getReparentMode() == null ? "" : c.getReparentMode().name().toLowerCase(java.util.Locale.ROOT) + " ")
                        + "to " + c.getNewPrimary() + " (expected primary " + c.getExpectedPrimary() + ", term "
                        + c.getExpectedPrimaryTerm() + ")";
            case FENCE:
                return "fence " + c.getTargetTabletAlias();
            case PROVISION_VOLUME:
                return "replace " + c.getTargetVolumeId() + " of " + c.getTargetTabletAlias() + (c.getCell() == null ? "" : " in " + c.getCell());
            case RETIRE_VOLUME:
                return "retire " + c.getTargetVolumeId() + " of " + c.getTargetTabletAlias();
            default:
                return c.getType().name();
        }
    }

    private static String shardKey(Scope scope) {
        return scope.getKind() == ScopeKind.SHARD ? scope.getKeyspace() + "/" + scope.getShard() : null;
    }

    private static <T> void push(Deque<T> newestFirst, T item, int max) {
        newestFirst.addFirst(item);
        while (newestFirst.size() > max) {
            newestFirst.removeLast();
        }
    }

    // ----- reads, each a copy -----

    public synchronized List<Decision> decisions(String shardKey) {
        Deque<Decision> d = decisionsByShard.get(shardKey);
        return d == null ? List.of() : List.copyOf(d);
    }

    public synchronized List<Decision> recentDecisions() {
        return List.copyOf(decisions);
    }

    public synchronized List<Command> recentCommands() {
        return List.copyOf(commands);
    }

    public synchronized Optional<CommandResult> result(String commandId) {
        return Optional.ofNullable(results.get(commandId));
    }

    public synchronized List<Raised> recentAlerts() {
        return List.copyOf(alerts);
    }

    /** The latest instruction per control key (scope and app). */
    public synchronized Map<String, ControlCommand> control() {
        return Map.copyOf(control);
    }

    /** Every fleet command read since the start (the first {@value #MAX_FLEET_COMMANDS}), oldest first. */
    public synchronized List<FleetCommand> fleetCommands() {
        return List.copyOf(fleetCommands);
    }

    /** The volume's latency (ms) per sample over the last {@value #LATENCY_POINTS} samples, oldest first. */
    public synchronized List<Double> latencyHistory(String volumeId) {
        LatencyRing ring = latency.get(volumeId);
        return ring == null ? List.of() : ring.values();
    }

    public long undecodable() {
        return undecodable.sum();
    }

    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure.get());
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The last samples of one volume, in event-time order as they arrived (a late sample is dropped). */
    private static final class LatencyRing {
        private final double[] values = new double[LATENCY_POINTS];
        private int next;
        private int size;
        private long lastTimeMs = Long.MIN_VALUE;

        void add(long timeMs, double ms) {
            if (timeMs <= lastTimeMs) {
                return;
            }
            lastTimeMs = timeMs;
            values[next] = ms;
            next = (next + 1) % values.length;
            size = Math.min(size + 1, values.length);
        }

        List<Double> values() {
            List<Double> out = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                out.add(values[(next - size + i + values.length) % values.length]);
            }
            return out;
        }
    }
}
