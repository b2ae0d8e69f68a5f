package io.holdfast.connectors.fleet.internal;

import io.holdfast.connectors.fleet.FleetSink;
import io.holdfast.schemas.TabletRecord;
import io.holdfast.schemas.TabletRole;
import io.holdfast.topology.synthetic.Episode;
import io.holdfast.topology.synthetic.SyntheticVolume;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The simulated fleet: shards of tablets spread over cells, each tablet on its own volume, volumes
 * grouped onto nodes (the health classifier's peer groups). It knows how to change a tablet and how
 * to show it (tablet records, volume samples); what changes and when is decided by the
 * {@link CommandEngine} and the {@link Injector}. Every change ends with {@link #settle}, which lets
 * the observer (the ledger) look at the shard and publishes the tablets that changed.
 *
 * <p>Not thread-safe: the simulator calls it with its lock held.
 */
public final class FleetModel {

    /** Replication lag of a freshly provisioned tablet before it starts catching up: it restores from a day-old backup. */
    static final long PROVISIONED_LAG_MILLIS = 3_600_000;
    /** Median load of a volume; each volume gets its own around it, so that peers differ a little as real ones do. */
    private static final double BASE_LOAD_IOPS = 400;

    /** Called after every change of a shard's state, with the time of the change. */
    public interface ShardObserver {
        void observe(SimShard shard, long nowMillis);

        /** {@code candidate} is about to become primary by {@code commandId}; its lag and volume as they are now. */
        default void promoting(SimTablet candidate, String commandId, boolean emergency, long nowMillis, long lagMillis,
                               long impairedSinceMillis) {
        }
    }

    /**
     * How the fleet is laid out: {@code shards} shards of {@code tabletsPerShard} tablets; tablet i of a
     * shard lives in cell {@code i mod cells}; about {@code volumesPerNode} volumes share a node.
     */
    public record Layout(String keyspace, int shards, int tabletsPerShard, List<String> cells, int volumesPerNode, long periodMillis) {
        public Layout {
            if (keyspace == null || keyspace.isBlank()) {
                throw new IllegalArgumentException("a fleet needs a keyspace");
            }
            if (shards < 1 || tabletsPerShard < 1 || volumesPerNode < 1) {
                throw new IllegalArgumentException("shards, tablets per shard and volumes per node must be at least 1");
            }
            if (cells.isEmpty() || cells.stream().distinct().count() != cells.size()) {
                throw new IllegalArgumentException("cells must be distinct and at least one: " + cells);
            }
            cells = List.copyOf(cells);
        }
    }

    private static final class Node {
        final String name;
        final List<SimVolume> volumes = new ArrayList<>();

        Node(String name) {
            this.name = name;
        }

        int attached() {
            return (int) volumes.stream().filter(SimVolume::attached).count();
        }
    }

    private final Layout layout;
    private final SplittableRandom random;
    private final MillisRange replicaLag;
    private final FleetSink sink;
    private final ShardObserver observer;
    private final Map<String, SimShard> shards = new LinkedHashMap<>();
    private final Map<String, SimTablet> tablets = new LinkedHashMap<>();
    private final Map<String, List<Node>> nodesByCell = new LinkedHashMap<>();
    private int nextUid;

    public FleetModel(Layout layout, SplittableRandom random, MillisRange replicaLag, FleetSink sink, ShardObserver observer,
                      long nowMillis) {
        this.layout = layout;
        this.random = random;
        this.replicaLag = replicaLag;
        this.sink = sink;
        this.observer = observer;
        build(nowMillis);
    }

    private void build(long nowMillis) {
        List<String> names = ShardRanges.names(layout.shards());
        List<SimShard> ordered = new ArrayList<>();
        for (String name : names) {
            SimShard shard = new SimShard(layout.keyspace(), name);
            shard.term = 1;
            shard.termStartMillis = nowMillis;
            shards.put(name, shard);
            ordered.add(shard);
        }
        // Nodes are filled cell by cell in shard order, so each node mixes neighbouring shards.
        Map<String, List<int[]>> tabletsByCell = new LinkedHashMap<>();
        for (String cell : layout.cells()) {
            tabletsByCell.put(cell, new ArrayList<>());
            nodesByCell.put(cell, new ArrayList<>());
        }
        for (int s = 0; s < ordered.size(); s++) {
            for (int i = 0; i < layout.tabletsPerShard(); i++) {
                tabletsByCell.get(layout.cells().get(i % layout.cells().size())).add(new int[] {s, i});
            }
        }
        for (Map.Entry<String, List<int[]>> e : tabletsByCell.entrySet()) {
            String cell = e.getKey();
            List<int[]> members = e.getValue();
            if (members.isEmpty()) {
                continue;
            }
            int nodeCount = (members.size() + layout.volumesPerNode() - 1) / layout.volumesPerNode();
            int perNode = (members.size() + nodeCount - 1) / nodeCount;
            for (int j = 0; j < members.size(); j++) {
                Node node = nodeAt(cell, j / perNode);
                int[] st = members.get(j);
                SimShard shard = ordered.get(st[0]);
                int uid = (st[0] + 1) * 100 + st[1];
                SimTablet tablet = newTablet(shard, cell, uid, node, nowMillis);
                if (st[1] == 0) {
                    tablet.role = TabletRole.PRIMARY;
                    tablet.runningAsPrimary = true;
                    shard.primary = tablet;
                } else {
                    tablet.role = TabletRole.REPLICA;
                }
                tablet.serving = true;
            }
        }
        for (SimShard shard : ordered) {
            shard.tablets().forEach(t -> {
                t.seenTerm = shard.term;
                t.seenTermStartMillis = shard.termStartMillis;
            });
        }
        nextUid = (names.size() + 1) * 100;
    }

    private Node nodeAt(String cell, int index) {
        List<Node> nodes = nodesByCell.get(cell);
        while (nodes.size() <= index) {
            nodes.add(new Node(String.format("%s-node-%02d", cell, nodes.size() + 1)));
        }
        return nodes.get(index);
    }

    private SimTablet newTablet(SimShard shard, String cell, int uid, Node node, long nowMillis) {
        String alias = String.format("%s-%010d", cell, uid);
        String volumeId = "vol-" + alias;
        String device = "nvme" + (node.volumes.size() + 1) + "n1";
        SyntheticVolume synthetic = SyntheticVolume.builder()
                .volumeId(volumeId)
                .node(node.name)
                .peerGroup(node.name)
                .cell(cell)
                .device(device)
                .seed(random.nextLong())
                .periodMs(layout.periodMillis())
                .startMillis(nowMillis)
                .baseLoadIops(BASE_LOAD_IOPS * Math.exp(0.3 * random.nextGaussian()))
                .build();
        SimVolume volume = new SimVolume(volumeId, node.name, cell, synthetic);
        node.volumes.add(volume);
        SimTablet tablet = new SimTablet(alias, uid, shard, cell, volume);
        tablet.baseLagMillis = replicaLag.sample(random, 1);
        shard.add(tablet);
        tablets.put(alias, tablet);
        return tablet;
    }

    // ----- queries -----

    public Layout layout() {
        return layout;
    }

    public Collection<SimShard> shards() {
        return shards.values();
    }

    public Optional<SimShard> shard(String name) {
        return Optional.ofNullable(shards.get(name));
    }

    /** The shard of {@code keyspace/name}, if it is this fleet's. */
    public Optional<SimShard> shard(String keyspace, String name) {
        return layout.keyspace().equals(keyspace) ? shard(name) : Optional.empty();
    }

    public SimShard requireShard(String name) {
        return shard(name).orElseThrow(() -> new IllegalArgumentException("no shard '" + name + "' in keyspace "
                + layout.keyspace() + " (shards: " + String.join(", ", shards.keySet()) + ")"));
    }

    public Optional<SimTablet> tablet(String alias) {
        return Optional.ofNullable(alias == null ? null : tablets.get(alias));
    }

    public Collection<SimTablet> tablets() {
        return tablets.values();
    }

    public int nodeCount() {
        return nodesByCell.values().stream().mapToInt(List::size).sum();
    }

    /**
     * Replicas of {@code shard} that could be promoted now, the likeliest first: serving, reachable,
     * not fenced, caught up, volume in no episode; lowest lag first, then alias.
     */
    public List<SimTablet> promotableReplicas(SimShard shard, long nowMillis) {
        return shard.tablets().stream()
                .filter(t -> t.role == TabletRole.REPLICA && t.serving && t.reachable && !t.fenced && !t.retired
                        && !t.catchingUpAt(nowMillis) && !t.volume().inEpisodeAt(nowMillis))
                .sorted(Comparator.comparingLong((SimTablet t) -> t.baseLagMillis).thenComparing(SimTablet::alias))
                .toList();
    }

    // ----- changes -----

    /** Lets the observer look at {@code shard} and publishes its tablets that changed. */
    public void settle(SimShard shard, long nowMillis) {
        observer.observe(shard, nowMillis);
        for (SimTablet tablet : shard.tablets()) {
            if (tablet.changed) {
                tablet.changed = false;
                sink.tablet(record(tablet, nowMillis));
            }
        }
    }

    /**
     * Makes {@code candidate} the primary of its shard. The old primary becomes a replica: demoted
     * and serving after a planned reparent; after an emergency one it stops serving, and keeps running
     * read-write if it could not be reached to be told.
     */
    public void promote(SimTablet candidate, boolean emergency, long nowMillis) {
        promote(candidate, null, emergency, nowMillis);
    }

    /** As {@link #promote(SimTablet, boolean, long)}, telling the observer first what the candidate was (for the ledger). */
    public void promote(SimTablet candidate, String commandId, boolean emergency, long nowMillis) {
        Long lag = lagMillis(candidate, nowMillis);
        SimVolume volume = candidate.volume();
        observer.promoting(candidate, commandId, emergency, nowMillis, lag == null ? -1 : lag,
                volume.impairedAt(nowMillis) ? volume.episode().startMillis() : -1);
        SimShard shard = candidate.shard();
        SimTablet old = shard.primary;
        shard.term++;
        shard.termStartMillis = nowMillis;
        shard.reparented(nowMillis);
        shard.primary = candidate;
        candidate.role = TabletRole.PRIMARY;
        candidate.runningAsPrimary = true;
        candidate.markChanged();
        if (old != null && old != candidate) {
            old.role = TabletRole.REPLICA;
            if (emergency) {
                old.serving = false;
                old.demotedInEmergency = true;
                if (old.reachable) {
                    old.runningAsPrimary = false;
                }
            } else {
                old.runningAsPrimary = false;
                old.serving = !old.fenced;
            }
            old.markChanged();
        }
        for (SimTablet tablet : shard.tablets()) {
            if (tablet.reachable && !tablet.retired) {
                tablet.seenTerm = shard.term;
                tablet.seenTermStartMillis = nowMillis;
                tablet.markChanged();
            }
        }
    }

    /** An infrastructure fence: the tablet can no longer accept writes, reachable or not. */
    public void fence(SimTablet tablet) {
        tablet.fenced = true;
        tablet.serving = false;
        tablet.markChanged();
    }

    /**
     * A new tablet on a new volume in {@code cell}, replacing {@code replaced}: a REPLICA that does not
     * serve until it has caught up at {@code caughtUpAtMillis}.
     */
    public SimTablet provisionReplacement(SimTablet replaced, String cell, long nowMillis, long caughtUpAtMillis) {
        SimShard shard = replaced.shard();
        Node node = nodeWithRoom(cell);
        SimTablet tablet = newTablet(shard, cell, nextUid++, node, nowMillis);
        tablet.role = TabletRole.REPLICA;
        tablet.serving = false;
        tablet.seenTerm = shard.term;
        tablet.seenTermStartMillis = shard.termStartMillis;
        tablet.catchUpFromMillis = nowMillis;
        tablet.catchUpUntilMillis = caughtUpAtMillis;
        replaced.replacedBy = tablet.alias();
        replaced.markChanged();
        return tablet;
    }

    /** The provisioned tablet has caught up and starts serving, unless something stopped it meanwhile. */
    public void caughtUp(SimTablet tablet) {
        tablet.catchUpFromMillis = -1;
        tablet.catchUpUntilMillis = -1;
        tablet.serving = tablet.reachable && !tablet.fenced && !tablet.retired && !tablet.demotedInEmergency;
        tablet.markChanged();
    }

    /** The tablet leaves its shard: SPARE, not serving, its volume detached (its samples stop). */
    public void retire(SimTablet tablet) {
        tablet.role = TabletRole.SPARE;
        tablet.serving = false;
        tablet.runningAsPrimary = false;
        tablet.retired = true;
        tablet.volume().detach();
        tablet.markChanged();
    }

    /** The tablet's volume stalls: its health check fails, so the topology marks it unreachable and not serving. */
    public void stall(SimTablet tablet, Episode episode, long nowMillis) {
        tablet.volume().inject(episode, nowMillis);
        tablet.reachable = false;
        tablet.serving = false;
        tablet.markChanged();
    }

    public void degrade(SimTablet tablet, Episode episode, long nowMillis) {
        tablet.volume().inject(episode, nowMillis);
        tablet.markChanged();
    }

    /**
     * The tablet answers its health check again. If the topology moved on while it was away, it learns
     * so now and stops running as a primary; it serves again unless fenced, retired, still catching up
     * or demoted by an emergency reparent.
     */
    public void reconnect(SimTablet tablet, long nowMillis) {
        SimShard shard = tablet.shard();
        tablet.reachable = true;
        if (tablet.role != TabletRole.PRIMARY) {
            tablet.runningAsPrimary = false;
        }
        tablet.seenTerm = shard.term;
        tablet.seenTermStartMillis = shard.termStartMillis;
        tablet.serving = !tablet.fenced && !tablet.retired && !tablet.demotedInEmergency && !tablet.catchingUpAt(nowMillis);
        tablet.markChanged();
    }

    private Node nodeWithRoom(String cell) {
        List<Node> nodes = nodesByCell.computeIfAbsent(cell, c -> new ArrayList<>());
        Node best = null;
        for (Node node : nodes) {
            if (node.attached() < layout.volumesPerNode() && (best == null || node.attached() < best.attached())) {
                best = node;
            }
        }
        return best != null ? best : nodeAt(cell, nodes.size());
    }

    // ----- what the fleet shows -----

    /** Every attached volume's samples up to {@code nowMillis}, in volume order. */
    public void sampleVolumes(long nowMillis) {
        for (SimTablet tablet : tablets.values()) {
            SimVolume volume = tablet.volume();
            if (!volume.attached()) {
                continue;
            }
            SyntheticVolume synthetic = volume.synthetic();
            while (synthetic.nextEventMillis() <= nowMillis) {
                sink.metric(synthetic.next().metric());
            }
        }
    }

    /** Publishes every tablet that is still in its shard, with freshly drawn replica lags: the periodic refresh. */
    public void refresh(long nowMillis) {
        for (SimTablet tablet : tablets.values()) {
            if (tablet.retired) {
                continue;
            }
            tablet.baseLagMillis = replicaLag.sample(random, 1);
            tablet.changed = false;
            sink.tablet(record(tablet, nowMillis));
        }
    }

    /** Publishes every tablet, retired ones included (at start). */
    public void publishAll(long nowMillis) {
        for (SimTablet tablet : tablets.values()) {
            tablet.changed = false;
            sink.tablet(record(tablet, nowMillis));
        }
    }

    public TabletRecord record(SimTablet tablet, long nowMillis) {
        SimShard shard = tablet.shard();
        return TabletRecord.newBuilder()
                .setTabletAlias(tablet.alias())
                .setKeyspace(shard.keyspace())
                .setShard(shard.name())
                .setCell(tablet.cell())
                .setRole(tablet.role)
                .setServing(tablet.serving)
                .setReachable(tablet.reachable)
                .setVolumeId(tablet.volume().volumeId())
                .setNode(tablet.volume().node())
                .setReplicationLagMs(lagMillis(tablet, nowMillis))
                .setPrimaryTerm(tablet.seenTerm)
                .setPrimaryTermStartTime(Instant.ofEpochMilli(tablet.seenTermStartMillis))
                .setUpdatedTime(Instant.ofEpochMilli(nowMillis))
                .build();
    }

    /**
     * Null when there is nothing to report: a primary, a spare, an unreachable tablet, or one demoted by
     * an emergency reparent (no longer replicating). A catching-up tablet's lag shrinks linearly to its
     * usual lag; a degraded volume applies changes at half speed and a stalled one not at all.
     */
    private static Long lagMillis(SimTablet tablet, long nowMillis) {
        if (tablet.role == TabletRole.PRIMARY || tablet.role == TabletRole.SPARE || !tablet.reachable || tablet.demotedInEmergency) {
            return null;
        }
        if (tablet.catchingUpAt(nowMillis)) {
            double remaining = (double) (tablet.catchUpUntilMillis - nowMillis) / Math.max(1, tablet.catchUpUntilMillis - tablet.catchUpFromMillis);
            return tablet.baseLagMillis + Math.round(PROVISIONED_LAG_MILLIS * remaining);
        }
        SimVolume volume = tablet.volume();
        if (volume.stalledAt(nowMillis)) {
            return tablet.baseLagMillis + (nowMillis - volume.episode().startMillis());
        }
        if (volume.degradedAt(nowMillis)) {
            return tablet.baseLagMillis + (nowMillis - volume.episode().startMillis()) / 2;
        }
        return tablet.baseLagMillis;
    }
}
