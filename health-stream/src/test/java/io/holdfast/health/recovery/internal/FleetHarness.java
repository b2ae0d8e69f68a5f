package io.holdfast.health.recovery.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.holdfast.health.recovery.LockMessage;
import io.holdfast.health.recovery.Problem;
import io.holdfast.health.recovery.RecoverySettings;
import io.holdfast.health.recovery.ShardRecovery;
import io.holdfast.health.recovery.ShardState;
import io.holdfast.health.recovery.TabletState;
import io.holdfast.schemas.Alert;
import io.holdfast.schemas.AuditEvent;
import io.holdfast.schemas.CommandKind;
import io.holdfast.schemas.CommandOutcome;
import io.holdfast.schemas.CommandResult;
import io.holdfast.schemas.FleetCommand;
import io.holdfast.schemas.FleetCommandType;
import io.holdfast.schemas.ReparentMode;
import io.holdfast.schemas.TabletRecord;
import io.holdfast.schemas.TabletRole;
import io.holdfast.schemas.VolumeHealth;
import io.holdfast.schemas.VolumeHealthState;
import io.holdfast.topology.serde.JsonSerde;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * A discrete-event model of a fleet around the pure recovery engine: the "truth" of every tablet,
 * an executor that applies fleet commands with the protocol's compare-and-set checks (and may fail,
 * drop, delay or duplicate), the real {@link RecoveryCoordinator} on in-memory stores, and delivery
 * of topology records, health, results and lock messages with random delays (so reordered). Every
 * invariant is checked where it can first be broken; liveness at the end of a quiet period.
 */
final class FleetHarness {

    static final long TICK_MS = 250;
    private static final String[] CELLS = {"zone1", "zone2", "zone3"};
    private static final JsonSerde<ShardState> STATE_JSON = new JsonSerde<>(ShardState.class);

    /** What can happen to the fleet or to the app between two moments. */
    enum Kind {
        DEGRADE_PRIMARY, STALL_PRIMARY, UNREACHABLE_PRIMARY, DEGRADE_REPLICA, SUSPECT_REPLICA, LAG_REPLICA,
        DEGRADE_CELL, RECOVER_TABLET, PAUSE_GLOBAL, RESUME_GLOBAL, PAUSE_SHARD, RESUME_SHARD, DRY_RUN_SHARD,
        DRY_RUN_OFF_SHARD, RESTART_APP, WAIT_LONG
    }

    record Action(Kind kind, int target, int param, int gapMs) {
    }

    // ------------------------------------------------------------------ truth

    static final class Tablet {
        String alias;
        String cell;
        String shard;
        String role;
        boolean serving = true;
        boolean reachable = true;
        boolean writable;
        String volume;
        Long lagMs;
        VolumeHealthState health = VolumeHealthState.HEALTHY;
        /** The last update time published: two changes of one tablet never share one. */
        long publishedMs = -1;
    }

    static final class Shard {
        String key;
        String keyspace = "ks";
        String name;
        long term = 1;
        final Map<String, Tablet> tablets = new TreeMap<>();
        int initialSize;
    }

    private record Event(long time, long seq, Runnable action) {
    }

    final RecoverySettings settings;
    final Random random;
    final ShardRecovery engine;
    final Map<String, Shard> truth = new LinkedHashMap<>();
    final Map<String, ShardState> states = new LinkedHashMap<>();
    final Map<String, VolumeHealth> latestHealth = new HashMap<>();
    final Map<String, ShardRecovery.Control> controls = new HashMap<>();
    ShardRecovery.Control globalControl = ShardRecovery.Control.NONE;
    private final PriorityQueue<Event> events = new PriorityQueue<>((a, b) -> a.time != b.time
            ? Long.compare(a.time, b.time) : Long.compare(a.seq, b.seq));
    private long seq;
    private final RecoveryCoordinator coordinator;
    /** Commands emitted and not yet executed (or refused) by the executor: id -> command. */
    private final Map<String, FleetCommand> live = new HashMap<>();
    private final Map<String, CommandResult> executed = new HashMap<>();
    final List<FleetCommand> commands = new ArrayList<>();
    final List<AuditEvent> audits = new ArrayList<>();
    final List<Alert> alerts = new ArrayList<>();
    boolean reliableExecutor;
    long now = 1_893_456_000_000L;
    private int nextUid = 10_000;
    private long lastHealthEventMs;

    FleetHarness(RecoverySettings settings, long seed, int shards, int tabletsPerShard) {
        this.settings = settings;
        this.random = new Random(seed);
        this.engine = new ShardRecovery(settings, ShardRecovery.Metrics.NONE);
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
        this.coordinator = new RecoveryCoordinator(settings, store(context, RecoveryCoordinator.SLOTS_STORE, new JsonSerde<>(LockMessage.class)),
                store(context, RecoveryCoordinator.VOLUMES_STORE, Serdes.String()),
                store(context, RecoveryCoordinator.CELLS_STORE, Serdes.String()));
        for (int s = 0; s < shards; s++) {
            Shard shard = new Shard();
            shard.name = String.format("%02x-", s);
            shard.key = shard.keyspace + "/" + shard.name;
            for (int t = 0; t < tabletsPerShard; t++) {
                Tablet tablet = newTablet(shard, CELLS[(s + t) % CELLS.length]);
                tablet.role = t == 0 ? "PRIMARY" : "REPLICA";
                tablet.writable = t == 0;
                tablet.lagMs = t == 0 ? null : 100L + random.nextInt(400);
            }
            shard.initialSize = tabletsPerShard;
            truth.put(shard.key, shard);
            states.put(shard.key, new ShardState());
            for (Tablet t : shard.tablets.values()) {
                deliverTablet(shard, record(shard, t), 0);
                publishHealth(t, VolumeHealthState.HEALTHY, 0);
            }
        }
        runFor(2_000);
    }

    private static <V> KeyValueStore<String, V> store(MockProcessorContext<Object, Object> context, String name,
                                                     org.apache.kafka.common.serialization.Serde<V> serde) {
        KeyValueStore<String, V> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), serde)
                .withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        return store;
    }

    private Tablet newTablet(Shard shard, String cell) {
        Tablet t = new Tablet();
        t.alias = String.format("%s-%010d", cell, nextUid++);
        t.cell = cell;
        t.shard = shard.key;
        t.volume = "vol-" + t.alias;
        shard.tablets.put(t.alias, t);
        return t;
    }

    // ------------------------------------------------------------------ actions

    void apply(Action a) {
        runFor(a.gapMs());
        List<Shard> shards = new ArrayList<>(truth.values());
        Shard shard = shards.get(Math.floorMod(a.target(), shards.size()));
        List<Tablet> replicas = shard.tablets.values().stream().filter(t -> t.role.equals("REPLICA")).toList();
        Tablet primary = primary(shard);
        Tablet replica = replicas.isEmpty() ? null : replicas.get(Math.floorMod(a.param(), replicas.size()));
        switch (a.kind()) {
            case DEGRADE_PRIMARY -> healthOf(primary, VolumeHealthState.DEGRADED);
            case STALL_PRIMARY -> healthOf(primary, VolumeHealthState.STALLED);
            case UNREACHABLE_PRIMARY -> {
                if (primary != null) {
                    primary.reachable = false;
                    primary.serving = false;
                    publishTablet(shard, primary);
                }
            }
            case DEGRADE_REPLICA -> healthOf(replica, VolumeHealthState.DEGRADED);
            case SUSPECT_REPLICA -> healthOf(replica, VolumeHealthState.SUSPECT);
            case LAG_REPLICA -> {
                if (replica != null) {
                    replica.lagMs = (long) Math.floorMod(a.param(), 5_000);
                    publishTablet(shard, replica);
                }
            }
            case DEGRADE_CELL -> {
                String cell = CELLS[Math.floorMod(a.param(), CELLS.length)];
                for (Shard s : truth.values()) {
                    for (Tablet t : s.tablets.values()) {
                        if (t.cell.equals(cell) && !t.role.equals("SPARE") && random.nextInt(3) > 0) {
                            healthOf(t, VolumeHealthState.DEGRADED);
                        }
                    }
                }
            }
            case RECOVER_TABLET -> {
                List<Tablet> all = shard.tablets.values().stream().filter(t -> !t.role.equals("SPARE")).toList();
                Tablet t = all.get(Math.floorMod(a.param(), all.size()));
                t.reachable = true;
                if (t.writable) {
                    t.serving = true;
                }
                publishTablet(shard, t);
                healthOf(t, VolumeHealthState.HEALTHY);
            }
            case PAUSE_GLOBAL -> globalControl = new ShardRecovery.Control(true, globalControl.dryRun());
            case RESUME_GLOBAL -> globalControl = new ShardRecovery.Control(false, globalControl.dryRun());
            case PAUSE_SHARD -> controls.put(shard.key, new ShardRecovery.Control(true, control(shard.key, false).dryRun()));
            case RESUME_SHARD -> controls.put(shard.key, new ShardRecovery.Control(false, control(shard.key, false).dryRun()));
            case DRY_RUN_SHARD -> controls.put(shard.key, new ShardRecovery.Control(control(shard.key, false).paused(), true));
            case DRY_RUN_OFF_SHARD -> controls.put(shard.key, new ShardRecovery.Control(control(shard.key, false).paused(), false));
            case RESTART_APP -> restart();
            case WAIT_LONG -> runFor(30_000 + Math.floorMod(a.param(), 90_000));
            default -> throw new IllegalStateException(a.kind().name());
        }
    }

    /** The app restarts from its changelog: every shard's state is what its serialized form says. */
    void restart() {
        for (Map.Entry<String, ShardState> e : states.entrySet()) {
            byte[] bytes = STATE_JSON.serializer().serialize("changelog", e.getValue());
            e.setValue(STATE_JSON.deserializer().deserialize("changelog", bytes));
        }
    }

    /**
     * Operators stand back and the executor works: controls cleared, every command succeeds after a
     * realistic delay, no new fault. Long enough for anti-flap blocks, retries and replacements.
     */
    void quiesce(long millis) {
        globalControl = ShardRecovery.Control.NONE;
        controls.clear();
        reliableExecutor = true;
        runFor(millis);
    }

    // ------------------------------------------------------------------ time

    void runFor(long millis) {
        long until = now + millis;
        while (now < until) {
            now = Math.min(now + TICK_MS, until);
            while (!events.isEmpty() && events.peek().time <= now) {
                events.poll().action.run();
            }
            for (String key : truth.keySet()) {
                ShardState s = states.get(key);
                if (s.shard != null && engine.nextWakeUp(s) <= now) {
                    engine.onTimer(s, now, control(key, true), output(key));
                }
            }
        }
    }

    private void at(long delayMs, Runnable action) {
        events.add(new Event(now + delayMs, seq++, action));
    }

    ShardRecovery.Control control(String shard, boolean effective) {
        ShardRecovery.Control own = controls.getOrDefault(shard, ShardRecovery.Control.NONE);
        if (!effective) {
            return own;
        }
        return new ShardRecovery.Control(own.paused() || globalControl.paused(), own.dryRun() || globalControl.dryRun());
    }

    // ------------------------------------------------------------------ delivery to the app

    private void healthOf(Tablet t, VolumeHealthState state) {
        if (t == null || t.role.equals("SPARE")) {
            return;
        }
        t.health = state;
        publishHealth(t, state, random.nextInt(1_500));
    }

    private void publishHealth(Tablet t, VolumeHealthState state, long delay) {
        // Transitions of one volume have increasing event times, as the classifier emits them.
        lastHealthEventMs = Math.max(now, lastHealthEventMs + 1);
        VolumeHealth h = VolumeHealth.newBuilder()
                .setVolumeId(t.volume).setPeerGroup("pg").setNode("n").setCell(t.cell).setState(state)
                .setPreviousState(VolumeHealthState.UNKNOWN).setSinceTime(Instant.ofEpochMilli(lastHealthEventMs))
                .setEventTime(Instant.ofEpochMilli(lastHealthEventMs)).setRule("test").build();
        at(delay, () -> {
            VolumeHealth known = latestHealth.get(h.getVolumeId());
            if (known == null || !known.getEventTime().isAfter(h.getEventTime())) {
                latestHealth.put(h.getVolumeId(), h);
            }
            coordinator.onHealth(h);
            ShardState s = states.get(t.shard);
            engine.onHealth(s, h, now, control(t.shard, true), output(t.shard));
        });
    }

    private void publishTablet(Shard shard, Tablet t) {
        deliverTablet(shard, record(shard, t), random.nextInt(2_000));
    }

    private TabletRecord record(Shard shard, Tablet t) {
        // Delivery here may reorder two records of one tablet (Kafka would not, within a partition);
        // distinct update times let the app keep the newer, as it must after a rebalance or replay.
        t.publishedMs = Math.max(now, t.publishedMs + 1);
        return TabletRecord.newBuilder()
                .setTabletAlias(t.alias).setKeyspace(shard.keyspace).setShard(shard.name).setCell(t.cell)
                .setRole(TabletRole.valueOf(t.role)).setServing(t.serving).setReachable(t.reachable)
                .setVolumeId(t.volume).setNode("n").setReplicationLagMs(t.role.equals("PRIMARY") ? null : t.lagMs)
                .setPrimaryTerm(shard.term).setPrimaryTermStartTime(null).setUpdatedTime(Instant.ofEpochMilli(t.publishedMs))
                .build();
    }

    /** As the volume-shard join does: a tablet first, then its volume's latest health if the shard lacks it. */
    private void deliverTablet(Shard shard, TabletRecord r, long delay) {
        at(delay, () -> {
            ShardState s = states.get(shard.key);
            engine.onTablet(s, r, now, control(shard.key, true), output(shard.key));
            VolumeHealth h = latestHealth.get(r.getVolumeId());
            TabletState seen = s.tablets.get(r.getTabletAlias());
            if (h != null && seen != null && "UNKNOWN".equals(seen.health)) {
                engine.onHealth(s, h, now, control(shard.key, true), output(shard.key));
            }
        });
    }

    private ShardRecovery.Output output(String shard) {
        return new ShardRecovery.Output() {
            @Override
            public void command(FleetCommand c) {
                checkCommand(shard, c);
                commands.add(c);
                live.put(c.getCommandId(), c);
                execute(c);
            }

            @Override
            public void audit(AuditEvent event) {
                audits.add(event);
            }

            @Override
            public void alert(Alert alert) {
                alerts.add(alert);
            }

            @Override
            public void lock(LockMessage message) {
                at(random.nextInt(500), () -> {
                    LockMessage reply = coordinator.onLock(message, now);
                    if (reply != null) {
                        at(random.nextInt(500), () -> engine.onLockReply(states.get(reply.shard), reply, now,
                                control(reply.shard, true), output(reply.shard)));
                    }
                });
            }
        };
    }

    // ------------------------------------------------------------------ safety, checked at each decision

    private void checkCommand(String shardKey, FleetCommand c) {
        ShardState s = states.get(shardKey);
        ShardRecovery.Control control = control(shardKey, true);
        assertFalse(control.paused() || control.dryRun(), () -> "command while paused or in dry-run: " + c);
        assertNotNull(s.workflow, () -> "command outside a workflow: " + c);
        assertEquals(s.workflow.id, c.getWorkflowId(), "the command belongs to the shard's one workflow");
        for (FleetCommand other : live.values()) {
            if (!other.getKeyspace().equals(c.getKeyspace()) || !other.getShard().equals(c.getShard())
                    || other.getDeadlineTime().toEpochMilli() <= now) {
                continue;
            }
            assertTrue(s.abandonedSteps.containsKey(other.getCommandId()), () -> "two steps in flight for " + shardKey
                    + ": " + other.getType() + " " + other.getWorkflowId() + " and " + c.getType() + " " + c.getWorkflowId());
            assertFalse(other.getType() == FleetCommandType.REPARENT || other.getType() == FleetCommandType.FENCE,
                    "a reparent or fence is never left in flight");
        }
        if (c.getType() == FleetCommandType.REPARENT) {
            checkCandidate(s, c);
        }
    }

    private void checkCandidate(ShardState s, FleetCommand c) {
        TabletState candidate = s.tablets.get(c.getNewPrimary());
        assertNotNull(candidate, "candidate known");
        assertEquals("REPLICA", candidate.role, "candidate is a replica");
        assertTrue(candidate.serving && candidate.reachable, "candidate serving and reachable");
        assertEquals("HEALTHY", candidate.health, () -> "candidate volume HEALTHY, not " + candidate.health);
        assertTrue(candidate.replicationLagMs != null && candidate.replicationLagMs <= settings.candidateMaxLagMs(),
                () -> "candidate lag " + candidate.replicationLagMs + " within the SLO");
        if (settings.durabilityPolicy() == RecoverySettings.DurabilityPolicy.NONE) {
            return;
        }
        boolean acknowledged = s.tablets.values().stream().anyMatch(t -> t != candidate
                && !t.alias.equals(c.getExpectedPrimary()) && "REPLICA".equals(t.role) && t.serving && t.reachable
                && "HEALTHY".equals(t.health)
                && (settings.durabilityPolicy() == RecoverySettings.DurabilityPolicy.SEMI_SYNC || !t.cell.equals(candidate.cell)));
        assertTrue(acknowledged, () -> "a replica remains to acknowledge " + c.getNewPrimary() + " under "
                + settings.durabilityPolicy());
    }

    private void checkNoSplitBrain(Shard shard) {
        long writable = shard.tablets.values().stream().filter(t -> t.writable).count();
        assertTrue(writable <= 1, () -> "split brain in " + shard.key + ": " + writable + " writable primaries");
    }

    // ------------------------------------------------------------------ the executor

    private void execute(FleetCommand c) {
        Shard shard = truth.get(c.getKeyspace() + "/" + c.getShard());
        int roll = random.nextInt(100);
        long delay = c.getType() == FleetCommandType.PROVISION_VOLUME ? 5_000 + random.nextInt(35_000)
                : 1_000 + random.nextInt(c.getReparentMode() == ReparentMode.EMERGENCY ? 4_000 : 2_000);
        if (!reliableExecutor && roll < 8) {
            return; // lost: the executor crashed before starting it; the workflow times out
        }
        if (!reliableExecutor && roll < 14) {
            delay += settings.timeoutMs(c.getType()); // too slow: starts after its deadline
        }
        boolean fail = !reliableExecutor && roll >= 14 && roll < 24;
        long startAt = delay;
        at(startAt, () -> {
            CommandResult earlier = executed.get(c.getCommandId());
            CommandResult result = earlier != null ? earlier
                    : now > c.getDeadlineTime().toEpochMilli() ? result(c, CommandOutcome.TIMED_OUT, Map.of(), "deadline passed")
                    : fail ? result(c, CommandOutcome.FAILED, Map.of(), "injected failure")
                    : run(shard, c);
            executed.put(c.getCommandId(), result);
            live.remove(c.getCommandId()); // done: whatever it changed is now in the topology
            checkNoSplitBrain(shard);
            int copies = !reliableExecutor && random.nextInt(5) == 0 ? 2 : 1;
            for (int i = 0; i < copies; i++) {
                at(random.nextInt(2_000), () -> {
                    engine.onResult(states.get(shard.key), result, now, control(shard.key, true), output(shard.key));
                });
            }
        });
    }

    private CommandResult run(Shard shard, FleetCommand c) {
        Tablet primary = primary(shard);
        boolean casHolds = primary != null && primary.alias.equals(c.getExpectedPrimary())
                && c.getExpectedPrimaryTerm() != null && c.getExpectedPrimaryTerm() == shard.term;
        switch (c.getType()) {
            case FENCE -> {
                if (!casHolds) {
                    return result(c, CommandOutcome.REJECTED_PRECONDITION, Map.of(), "primary moved on");
                }
                Tablet target = shard.tablets.get(c.getTargetTabletAlias());
                target.writable = false;
                return result(c, CommandOutcome.SUCCEEDED, Map.of("fenced", target.alias), null);
            }
            case REPARENT -> {
                Tablet candidate = shard.tablets.get(c.getNewPrimary());
                if (!casHolds || candidate == null || !candidate.role.equals("REPLICA") || !candidate.serving) {
                    return result(c, CommandOutcome.REJECTED_PRECONDITION, Map.of(), "compare-and-set failed");
                }
                boolean planned = c.getReparentMode() == ReparentMode.PLANNED;
                if (planned && !primary.reachable) {
                    return result(c, CommandOutcome.FAILED, Map.of(), "PlannedReparentShard: primary unreachable");
                }
                shard.term++;
                primary.role = "REPLICA";
                primary.lagMs = 0L;
                if (planned) {
                    primary.writable = false; // demoted by the planned reparent itself
                } else {
                    primary.serving = false; // an emergency reparent cannot demote it: only the fence does
                }
                candidate.role = "PRIMARY";
                candidate.writable = true;
                candidate.lagMs = null;
                for (Tablet t : shard.tablets.values()) {
                    publishTablet(shard, t);
                }
                return result(c, CommandOutcome.SUCCEEDED, Map.of("new_primary", candidate.alias,
                        "primary_term", Long.toString(shard.term), "old_primary", primary.alias), null);
            }
            case PROVISION_VOLUME -> {
                Tablet target = shard.tablets.get(c.getTargetTabletAlias());
                Tablet fresh = newTablet(shard, c.getCell() != null ? c.getCell() : target.cell);
                fresh.role = "REPLICA";
                fresh.serving = false;
                fresh.lagMs = 60_000L;
                publishTablet(shard, fresh);
                at(5_000 + random.nextInt(25_000), () -> {
                    if (fresh.role.equals("SPARE")) {
                        return;
                    }
                    fresh.serving = true;
                    fresh.lagMs = 50L;
                    publishTablet(shard, fresh);
                    healthOf(fresh, VolumeHealthState.HEALTHY); // a new volume, whatever its cell went through
                });
                return result(c, CommandOutcome.SUCCEEDED, Map.of("tablet_alias", fresh.alias, "volume_id", fresh.volume), null);
            }
            case RETIRE_VOLUME -> {
                Tablet target = shard.tablets.get(c.getTargetTabletAlias());
                if (target == null || target == primary || target.writable) {
                    return result(c, CommandOutcome.REJECTED_PRECONDITION, Map.of(), "target is the primary");
                }
                target.role = "SPARE";
                target.serving = false;
                publishTablet(shard, target);
                return result(c, CommandOutcome.SUCCEEDED, Map.of(), null);
            }
            default -> {
                fail("unexpected command " + c);
                return null;
            }
        }
    }

    private CommandResult result(FleetCommand c, CommandOutcome outcome, Map<String, String> observed, String message) {
        return CommandResult.newBuilder()
                .setCommandId(c.getCommandId()).setCommandKind(CommandKind.FLEET).setReconcileType(null)
                .setFleetType(c.getType()).setTarget(c.getKeyspace() + "/" + c.getShard()).setAttempt(c.getAttempt())
                .setOutcome(outcome).setMessage(message).setExecutor("model")
                .setStartedTime(Instant.ofEpochMilli(now)).setFinishedTime(Instant.ofEpochMilli(now))
                .setObserved(observed).build();
    }

    static Tablet primary(Shard shard) {
        return shard.tablets.values().stream().filter(t -> t.role.equals("PRIMARY")).findFirst().orElse(null);
    }

    // ------------------------------------------------------------------ liveness, at the end

    /**
     * After quiescing: each shard is served by one writable, healthy primary and holds no degraded
     * tablet, except where the workflow alerted about exactly that problem (and keeps it alerted);
     * no workflow is left in flight and no provisioned replacement is left over.
     */
    void checkConverged() {
        for (Shard shard : truth.values()) {
            checkNoSplitBrain(shard);
            ShardState state = states.get(shard.key);
            String view = new String(STATE_JSON.serializer().serialize("t", state));
            java.util.Set<String> alertedTablets = new java.util.HashSet<>();
            for (Problem.Found f : Problem.detectAll(state)) {
                if (state.alerted.containsKey(f.key())) {
                    alertedTablets.add(f.tablet().alias);
                }
            }
            boolean raised = alerts.stream().anyMatch(a -> (a.getScope().getKeyspace() + "/" + a.getScope().getShard())
                    .equals(shard.key));
            assertTrue(alertedTablets.isEmpty() || raised, () -> shard.key + ": problems held as alerted without an alert");
            Tablet primary = primary(shard);
            assertNotNull(primary, () -> shard.key + " has a primary");
            if (!alertedTablets.contains(primary.alias)) {
                assertTrue(primary.writable && primary.reachable && primary.serving, () -> shard.key + ": primary "
                        + primary.alias + " serves writes; state " + view);
                assertTrue(primary.health == VolumeHealthState.HEALTHY || primary.health == VolumeHealthState.SUSPECT,
                        () -> shard.key + ": primary " + primary.alias + " is " + primary.health
                                + " and nothing was alerted; state " + view);
            }
            for (Tablet t : shard.tablets.values()) {
                boolean degraded = t.health == VolumeHealthState.DEGRADED || t.health == VolumeHealthState.STALLED;
                assertFalse(degraded && !t.role.equals("SPARE") && !alertedTablets.contains(t.alias),
                        () -> shard.key + ": degraded " + t.alias + " still in the shard; state " + view);
            }
            assertEquals(null, state.workflow, () -> shard.key + ": a workflow still in flight; state " + view);
            long inShard = shard.tablets.values().stream().filter(t -> !t.role.equals("SPARE")).count();
            long kept = alertedTablets.size() + state.replacements.size();
            assertTrue(inShard <= shard.initialSize + kept, () -> shard.key + ": " + inShard + " tablets, more than the "
                    + shard.initialSize + " it started with: a replacement leaked; state " + view);
        }
    }
}
