package io.holdfast.connectors.fleet;

import io.holdfast.connectors.fleet.internal.CommandDelays;
import io.holdfast.connectors.fleet.internal.CommandEngine;
import io.holdfast.connectors.fleet.internal.FleetModel;
import io.holdfast.connectors.fleet.internal.Injector;
import io.holdfast.connectors.fleet.internal.KafkaFleetSink;
import io.holdfast.connectors.commands.KafkaTopics;
import io.holdfast.connectors.fleet.internal.Ledger;
import io.holdfast.connectors.fleet.internal.MillisRange;
import io.holdfast.connectors.fleet.internal.RandomInjector;
import io.holdfast.connectors.fleet.internal.SimShard;
import io.holdfast.connectors.fleet.internal.SimTablet;
import io.holdfast.connectors.fleet.internal.WallClockTime;
import io.holdfast.schemas.CommandResult;
import io.holdfast.schemas.FleetCommand;
import io.holdfast.schemas.FleetCommandType;
import io.holdfast.schemas.TabletRecord;
import io.holdfast.topology.catalog.TopicCatalog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A simulated Vitess fleet on EBS-like volumes, for the recovery workflow to act on: N shards of T
 * tablets spread over cells, each tablet on its own {@code SyntheticVolume}, volumes grouped onto
 * nodes of about six (mixing shards, so the health classifier has peers).
 *
 * <p>It shows what a real fleet shows ({@code fleet.tablets} on every change and every refresh,
 * {@code fleet.volume-metrics} every period for every attached volume), takes injected faults
 * (degraded or stalled primary, correlated cell event, degraded replica or candidate, at random or on
 * request), and carries out fleet commands with realistic delays under the rules of
 * {@code connectors/FLEET-PROTOCOL.md}: compare-and-set on the expected primary and term, a serving
 * replica as the new primary, never retiring the primary, never starting after the deadline, each
 * {@code command_id} executed once. It can be told to fail, or never answer, the next command of a type.
 *
 * <p>Its ledger records, for every injected event, the customer-visible impact window (from the onset
 * until the shard again has a PRIMARY that serves, is reachable, is not fenced and whose volume is
 * healthy) and every moment a shard had two writable primaries.
 *
 * <p>{@link #start(SimulatorConfig)} runs it on a Kafka cluster in real time;
 * {@link #builder()} runs it on any {@link SimulationTime} and {@link FleetSink}, e.g. a
 * {@link ManualTime} in tests. Thread-safe: every method and every scheduled task takes one lock.
 */
public final class FleetSimulator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FleetSimulator.class);

    /** Written to {@code CommandResult.executor}. */
    public static final String EXECUTOR_NAME = "simulator";

    /** A shard as the topology shows it now. */
    public record ShardState(String keyspace, String shard, String primary, long primaryTerm, List<TabletRecord> tablets) {
        public ShardState {
            tablets = List.copyOf(tablets);
        }

        public String shardKey() {
            return keyspace + "/" + shard;
        }

        public Optional<TabletRecord> tablet(String alias) {
            return tablets.stream().filter(t -> t.getTabletAlias().equals(alias)).findFirst();
        }
    }

    /** A summary for the status line. */
    public record Status(int shards, int liveTablets, int nodes, int impairedVolumes, CommandCounts commands,
                         int openImpactWindows, int closedImpactWindows, int splitBrainMoments, String publishing, String commandRunner) {
        public String oneLine() {
            return shards + " shards, " + liveTablets + " tablets on " + nodes + " nodes, " + impairedVolumes + " degraded/stalled volumes, "
                    + commands.totalExecuted() + " commands executed (" + commands.duplicates() + " duplicates), "
                    + openImpactWindows + " open impact windows (" + closedImpactWindows + " closed), "
                    + splitBrainMoments + " split-brain moments"
                    + (publishing.isEmpty() ? "" : "; " + publishing) + (commandRunner.isEmpty() ? "" : "; " + commandRunner);
        }
    }

    private final Object lock = new Object();
    private final SimulationTime time;
    private final SimulationTime lockedTime;
    private final FleetModel model;
    private final Ledger ledger;
    private final CommandEngine engine;
    private final Injector injector;
    private final RandomInjector randomInjector;
    private final long periodMillis;
    private final long refreshMillis;
    private final FleetSink sink;
    private final List<AutoCloseable> attached = new ArrayList<>();
    private volatile FleetCommandRunner runner;
    private volatile boolean closed;

    private FleetSimulator(Builder b) {
        this.time = Objects.requireNonNull(b.time, "time");
        this.sink = Objects.requireNonNull(b.sink, "sink");
        this.lockedTime = new LockedTime();
        this.periodMillis = b.periodMillis;
        this.refreshMillis = b.refreshMillis;
        SplittableRandom random = new SplittableRandom(b.seed);
        CommandDelays delays = new CommandDelays(b.delays.get(SimulatedOperation.PLANNED_REPARENT),
                b.delays.get(SimulatedOperation.EMERGENCY_REPARENT), b.delays.get(SimulatedOperation.FENCE),
                b.delays.get(SimulatedOperation.PROVISION), b.delays.get(SimulatedOperation.RETIRE),
                b.delays.get(SimulatedOperation.CATCH_UP), b.delays.get(SimulatedOperation.RECONNECT), b.timeScale);
        this.ledger = new Ledger();
        this.model = new FleetModel(new FleetModel.Layout(b.keyspace, b.shards, b.tablets, b.cells, b.volumesPerNode, b.periodMillis),
                random.split(), b.replicaLag, sink, ledger, time.nowMillis());
        this.engine = new CommandEngine(model, lockedTime, delays, random.split(), EXECUTOR_NAME);
        this.injector = new Injector(model, ledger, lockedTime, delays, random.split());
        this.randomInjector = b.injectionRatePerHour > 0
                ? new RandomInjector(injector, model, ledger, lockedTime, random.split(), b.injectionRatePerHour, b.injectionKinds, b.cellShare)
                : null;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The simulator on the cluster of {@code config}, in real time: it publishes {@code fleet.tablets}
     * and {@code fleet.volume-metrics} with an idempotent producer whose every send is checked, and
     * executes {@code commands.fleet} through a {@link FleetCommandRunner} (read_committed,
     * at-least-once, results to {@code commands.results}) unless {@link SimulatorConfig#EXECUTE_COMMANDS}
     * leaves them to a separate executor ({@link SimulatorApi}). Its topics must exist ({@code holdfast topics ensure}).
     */
    public static FleetSimulator start(SimulatorConfig config) {
        TopicCatalog catalog = new TopicCatalog(config);
        Map<String, Object> kafka = config.kafkaProperties();
        KafkaTopics.requireBootstrap(kafka);
        KafkaTopics.awaitLeaders(kafka, List.of(catalog.tablets.name(), catalog.volumeMetrics.name(), catalog.fleetCommands.name(),
                catalog.commandResults.name(), catalog.deadLetter("connectors").name()), Duration.ofSeconds(30));
        KafkaFleetSink sink = KafkaFleetSink.connect(kafka, catalog, "holdfast-sim-fleet");
        FleetSimulator simulator;
        try {
            simulator = builder().configure(config).time(SimulationTime.wallClock()).sink(sink).start();
        } catch (RuntimeException e) {
            sink.close(Duration.ZERO);
            throw e;
        }
        simulator.attached.add(() -> sink.close(Duration.ofSeconds(30)));
        if (!config.executeCommands()) {
            return simulator;
        }
        try {
            simulator.runner = FleetCommandRunner.start(config, config.runnerSettings(), simulator.executor());
        } catch (RuntimeException e) {
            simulator.close();
            throw e;
        }
        return simulator;
    }

    private void begin() {
        synchronized (lock) {
            long now = time.nowMillis();
            model.publishAll(now);
            lockedTime.schedule(now + periodMillis, () -> sampleAndReschedule(now + periodMillis));
            lockedTime.schedule(now + refreshMillis, () -> refreshAndReschedule(now + refreshMillis));
            if (randomInjector != null) {
                randomInjector.start();
            }
        }
        log.info("fleet simulator: {} shards x {} tablets of keyspace {} in {} on {} nodes", model.shards().size(),
                model.layout().tabletsPerShard(), model.layout().keyspace(), model.layout().cells(), model.nodeCount());
    }

    private void sampleAndReschedule(long dueMillis) {
        long now = time.nowMillis();
        model.sampleVolumes(now);
        lockedTime.schedule(nextDue(dueMillis, periodMillis, now), () -> sampleAndReschedule(nextDue(dueMillis, periodMillis, now)));
    }

    private void refreshAndReschedule(long dueMillis) {
        long now = time.nowMillis();
        model.refresh(now);
        lockedTime.schedule(nextDue(dueMillis, refreshMillis, now), () -> refreshAndReschedule(nextDue(dueMillis, refreshMillis, now)));
    }

    /** The next multiple of the period after {@code now}: a late run does not make the following ones bunch up. */
    private static long nextDue(long dueMillis, long period, long now) {
        long next = dueMillis + period;
        if (next <= now) {
            next += ((now - next) / period + 1) * period;
        }
        return next;
    }

    // ----- the fleet -----

    public String keyspace() {
        return model.layout().keyspace();
    }

    public List<String> cells() {
        return model.layout().cells();
    }

    public List<String> shardNames() {
        synchronized (lock) {
            return model.shards().stream().map(SimShard::name).toList();
        }
    }

    /** {@code shard} (a name such as {@code -80}) as the topology shows it now. */
    public ShardState shard(String shard) {
        synchronized (lock) {
            SimShard s = model.requireShard(shard);
            long now = time.nowMillis();
            return new ShardState(s.keyspace(), s.name(), s.primary() == null ? null : s.primary().alias(), s.term(),
                    s.tablets().stream().map(t -> model.record(t, now)).toList());
        }
    }

    /** Every tablet's current record, retired ones included. */
    public List<TabletRecord> tablets() {
        synchronized (lock) {
            long now = time.nowMillis();
            return model.tablets().stream().map(t -> model.record(t, now)).toList();
        }
    }

    // ----- injections -----

    /** The primary's volume of {@code shard} degrades to about {@code latencyMs} per operation for {@code duration}; it stays reachable. */
    public Injection degradePrimary(String shard, Duration duration, double latencyMs) {
        synchronized (lock) {
            return injector.degradePrimary(shard, duration, latencyMs);
        }
    }

    /** The primary's volume of {@code shard} stalls for {@code duration}; the tablet is unreachable until a few seconds after. */
    public Injection stallPrimary(String shard, Duration duration) {
        synchronized (lock) {
            return injector.stallPrimary(shard, duration);
        }
    }

    /** {@code share} (0 to 1) of {@code cell}'s volumes degrade together for {@code duration}. */
    public Injection degradeCell(String cell, double share, Duration duration) {
        synchronized (lock) {
            return injector.degradeCell(cell, share, duration);
        }
    }

    /** A replica of {@code shard} (the least likely to be promoted) degrades for {@code duration}. */
    public Injection degradeReplica(String shard, Duration duration) {
        synchronized (lock) {
            return injector.degradeReplica(shard, duration);
        }
    }

    /** The replica of {@code shard} most likely to be promoted degrades for {@code duration}. */
    public Injection degradeCandidate(String shard, Duration duration) {
        synchronized (lock) {
            return injector.degradeCandidate(shard, duration);
        }
    }

    // ----- commands -----

    /**
     * Carries out {@code command}. The answer completes when the simulated operation ends (at once
     * for a refusal or a missed deadline), empty when the simulator was told not to answer it; a
     * {@code command_id} seen before gets the first one's answer and is not executed again.
     */
    public CompletableFuture<Optional<CommandResult>> execute(FleetCommand command) {
        synchronized (lock) {
            if (closed) {
                CompletableFuture<Optional<CommandResult>> refused = new CompletableFuture<>();
                refused.cancel(false);
                return refused;
            }
            return engine.submit(command);
        }
    }

    /**
     * The next command of {@code type} (of {@code shard}, a name or key, unless null) answers FAILED and changes nothing.
     *
     * @throws IllegalArgumentException if {@code shard} is not one of the fleet's
     */
    public void failNext(FleetCommandType type, String shard) {
        synchronized (lock) {
            requireKnownShard(shard);
            engine.arm(type, shard, CommandEngine.Fault.FAIL);
        }
    }

    /**
     * The next command of {@code type} (of {@code shard}, a name or key, unless null) is never answered and changes nothing.
     *
     * @throws IllegalArgumentException if {@code shard} is not one of the fleet's
     */
    public void timeOutNext(FleetCommandType type, String shard) {
        synchronized (lock) {
            requireKnownShard(shard);
            engine.arm(type, shard, CommandEngine.Fault.NO_ANSWER);
        }
    }

    /** A fault armed for a shard that does not exist would wait forever without a word: refuse it instead. */
    private void requireKnownShard(String shard) {
        if (shard == null) {
            return;
        }
        String keyPrefix = model.layout().keyspace() + "/";
        model.requireShard(shard.startsWith(keyPrefix) ? shard.substring(keyPrefix.length()) : shard);
    }

    /** The simulator as a {@link FleetExecutor}: each call waits for the simulated operation to end. */
    public FleetExecutor executor() {
        return new FleetExecutor() {
            @Override
            public String name() {
                return EXECUTOR_NAME;
            }

            @Override
            public Optional<CommandResult> execute(FleetCommand command) throws InterruptedException {
                try {
                    return FleetSimulator.this.execute(command).get();
                } catch (CancellationException e) {
                    throw new InterruptedException("the simulator closed before command " + command.getCommandId() + " ended");
                } catch (ExecutionException e) {
                    throw new IllegalStateException("simulated command " + command.getCommandId() + " failed", e.getCause());
                }
            }
        };
    }

    public CommandCounts commandCounts() {
        synchronized (lock) {
            return engine.counts();
        }
    }

    // ----- the ledger -----

    /** One entry per injected event and shard it hit, in onset order. */
    public List<LedgerEntry> ledger() {
        synchronized (lock) {
            return ledger.entries(time.nowMillis());
        }
    }

    /** Every tablet made primary by a reparent, with its lag and volume state at that moment, in order. */
    public List<Promotion> promotions() {
        synchronized (lock) {
            return ledger.promotions();
        }
    }

    public List<SplitBrainMoment> splitBrainMoments() {
        synchronized (lock) {
            return ledger.splitBrainMoments();
        }
    }

    public Status status() {
        FleetCommandRunner commandRunner = runner;
        String publishing = sink instanceof KafkaFleetSink kafka ? kafka.counts() : "";
        synchronized (lock) {
            long now = time.nowMillis();
            int live = (int) model.tablets().stream().filter(t -> !t.retired()).count();
            int impaired = (int) model.tablets().stream().filter(t -> !t.retired() && t.volume().impairedAt(now)).count();
            return new Status(model.shards().size(), live, model.nodeCount(), impaired, engine.counts(), ledger.openEntries(),
                    ledger.closedEntries(), ledger.splitBrainMoments().size(), publishing,
                    commandRunner == null ? "" : commandRunner.status().oneLine());
        }
    }

    /** Why the simulator cannot go on (a scheduled task or its command runner failed), if so. */
    public Optional<Throwable> failure() {
        if (time instanceof WallClockTime wall && wall.failure().isPresent()) {
            return wall.failure();
        }
        FleetCommandRunner commandRunner = runner;
        return commandRunner == null ? Optional.empty() : commandRunner.failure();
    }

    /**
     * Abandons the commands still running (their records stay uncommitted: a restarted simulator gets
     * them again), stops the command runner if any, then the clock, then delivers what is pending and
     * closes the producer.
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            if (randomInjector != null) {
                randomInjector.stop();
            }
            engine.abandon();
        }
        FleetCommandRunner commandRunner = runner;
        if (commandRunner != null) {
            commandRunner.close();
        }
        time.close();
        for (AutoCloseable resource : attached) {
            try {
                resource.close();
            } catch (Exception e) {
                log.warn("closing the simulator: {}", e.toString());
            }
        }
    }

    /** Every scheduled task runs with the simulator's lock held, and not at all once it is closed. */
    private final class LockedTime implements SimulationTime {
        @Override
        public long nowMillis() {
            return time.nowMillis();
        }

        @Override
        public void schedule(long atMillis, Runnable task) {
            time.schedule(atMillis, () -> {
                synchronized (lock) {
                    if (!closed) {
                        task.run();
                    }
                }
            });
        }

        @Override
        public void close() {
            time.close();
        }
    }

    /** Settings of a simulator; every one has the default of {@link SimulatorConfig}. */
    public static final class Builder {
        private String keyspace = "commerce";
        private int shards = 4;
        private int tablets = 3;
        private List<String> cells = List.of("zone1", "zone2", "zone3");
        private int volumesPerNode = 6;
        private long periodMillis = 1_000;
        private long refreshMillis = 5_000;
        private double timeScale = 1;
        private long seed = 1;
        private MillisRange replicaLag = new MillisRange(10, 80);
        private final Map<SimulatedOperation, MillisRange> delays = new EnumMap<>(Map.of(
                SimulatedOperation.PLANNED_REPARENT, CommandDelays.PLANNED_REPARENT,
                SimulatedOperation.EMERGENCY_REPARENT, CommandDelays.EMERGENCY_REPARENT,
                SimulatedOperation.FENCE, CommandDelays.FENCE,
                SimulatedOperation.PROVISION, CommandDelays.PROVISION,
                SimulatedOperation.RETIRE, CommandDelays.RETIRE,
                SimulatedOperation.CATCH_UP, CommandDelays.CATCH_UP,
                SimulatedOperation.RECONNECT, CommandDelays.RECONNECT));
        private double injectionRatePerHour;
        private List<InjectionKind> injectionKinds = List.of(InjectionKind.values());
        private double cellShare = 0.5;
        private SimulationTime time;
        private FleetSink sink;

        private Builder() {}

        /** Every setting from {@code config}. */
        public Builder configure(SimulatorConfig config) {
            keyspace = config.keyspace();
            shards = config.shards();
            tablets = config.tablets();
            cells = config.cells();
            volumesPerNode = config.volumesPerNode();
            periodMillis = config.period().toMillis();
            refreshMillis = config.refresh().toMillis();
            timeScale = config.timeScale();
            seed = config.seed();
            replicaLag = config.replicaLag();
            delays.putAll(config.delays());
            injectionRatePerHour = config.injectionRatePerHour();
            injectionKinds = config.injectionKinds();
            cellShare = config.injectionCellShare();
            return this;
        }

        public Builder keyspace(String keyspace) {
            this.keyspace = keyspace;
            return this;
        }

        public Builder shards(int shards) {
            this.shards = shards;
            return this;
        }

        /** Tablets per shard. */
        public Builder tablets(int tablets) {
            this.tablets = tablets;
            return this;
        }

        public Builder cells(List<String> cells) {
            this.cells = List.copyOf(cells);
            return this;
        }

        public Builder volumesPerNode(int volumesPerNode) {
            this.volumesPerNode = volumesPerNode;
            return this;
        }

        public Builder period(Duration period) {
            this.periodMillis = period.toMillis();
            return this;
        }

        public Builder refresh(Duration refresh) {
            this.refreshMillis = refresh.toMillis();
            return this;
        }

        /** Factor applied to every operation's duration (0.1: ten times faster). */
        public Builder timeScale(double timeScale) {
            this.timeScale = timeScale;
            return this;
        }

        /** How long {@code operation} takes, drawn uniformly in {@code [min, max]} before the time scale. */
        public Builder delay(SimulatedOperation operation, Duration min, Duration max) {
            delays.put(operation, new MillisRange(min.toMillis(), max.toMillis()));
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Random injections per hour (0: none), of the given kinds; a cell event hits {@code cellShare} of a cell. */
        public Builder randomInjections(double perHour, List<InjectionKind> kinds, double cellShare) {
            this.injectionRatePerHour = perHour;
            this.injectionKinds = List.copyOf(kinds);
            this.cellShare = cellShare;
            return this;
        }

        public Builder time(SimulationTime time) {
            this.time = time;
            return this;
        }

        public Builder sink(FleetSink sink) {
            this.sink = sink;
            return this;
        }

        /** Builds the fleet, publishes every tablet and starts the samples, refreshes and random injections. */
        public FleetSimulator start() {
            if (periodMillis < 1_000 || periodMillis > 60_000) {
                throw new IllegalArgumentException("sample period must be 1000 to 60000 ms, was " + periodMillis);
            }
            if (refreshMillis < 1) {
                throw new IllegalArgumentException("refresh period must be positive, was " + refreshMillis);
            }
            FleetSimulator simulator = new FleetSimulator(this);
            simulator.begin();
            return simulator;
        }
    }
}
