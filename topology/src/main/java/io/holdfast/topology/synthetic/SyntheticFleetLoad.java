package io.holdfast.topology.synthetic;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Many {@link SyntheticVolume}s sampled together: {@link #next()} returns the sample with the
 * earliest event time among all volumes (ties in the order the volumes were given), which is the
 * order a broker would see them from agents with synchronised clocks. Deterministic like its volumes.
 *
 * <p>Not thread-safe.
 */
public final class SyntheticFleetLoad {

    private final List<SyntheticVolume> volumes;
    private final Map<String, SyntheticVolume> byId = new HashMap<>();
    private final Map<SyntheticVolume, Integer> order = new IdentityHashMap<>();
    private final PriorityQueue<SyntheticVolume> due;

    private SyntheticFleetLoad(List<SyntheticVolume> volumes) {
        if (volumes.isEmpty()) {
            throw new IllegalArgumentException("a fleet needs at least one volume");
        }
        this.volumes = List.copyOf(volumes);
        for (SyntheticVolume volume : this.volumes) {
            if (byId.put(volume.volumeId(), volume) != null) {
                throw new IllegalArgumentException("volume id " + volume.volumeId() + " appears twice");
            }
            order.put(volume, order.size());
        }
        this.due = new PriorityQueue<>(this.volumes.size(),
                Comparator.comparingLong(SyntheticVolume::nextEventMillis).thenComparingInt(order::get));
        due.addAll(this.volumes);
    }

    /** A fleet of the given volumes, each sampled at its own period. */
    public static SyntheticFleetLoad of(List<SyntheticVolume> volumes) {
        return new SyntheticFleetLoad(volumes);
    }

    public static Builder builder() {
        return new Builder();
    }

    public List<SyntheticVolume> volumes() {
        return volumes;
    }

    /** The volume {@code volumeId}, to schedule episodes on. */
    public SyntheticVolume volume(String volumeId) {
        SyntheticVolume volume = byId.get(volumeId);
        if (volume == null) {
            throw new IllegalArgumentException("no volume " + volumeId + " in this fleet");
        }
        return volume;
    }

    /** Event time of the sample {@link #next()} returns. */
    public long nextEventMillis() {
        return due.element().nextEventMillis();
    }

    /** The next sample of the fleet in event-time order. */
    public SyntheticSample next() {
        SyntheticVolume volume = due.remove();
        SyntheticSample sample = volume.next();
        due.add(volume);
        return sample;
    }

    /** Hands every sample with an event time up to {@code endMillis} (inclusive) to {@code sink}, in order. */
    public void forEachUntil(long endMillis, Consumer<SyntheticSample> sink) {
        while (nextEventMillis() <= endMillis) {
            sink.accept(next());
        }
    }

    /**
     * A fleet of {@code nodes} nodes with {@code volumesPerNode} volumes each: volume {@code vol-NNNN},
     * device {@code nvmeKn1} on node {@code node-NN}, peer group = node, nodes spread over the cells in
     * turn. Each volume gets its own seed and base load (log-normal around the fleet's) and its own
     * phase within the period, so that samples of different volumes interleave.
     */
    public static final class Builder {
        private int nodes = 1;
        private int volumesPerNode = 1;
        private List<String> cells = List.of("cell-a", "cell-b", "cell-c");
        private long seed;
        private long periodMs = 1_000;
        private long startMillis;
        private double baseLoadIops = 400;
        private VolumeProfile profile = VolumeProfile.gp3();

        private Builder() {}

        public Builder nodes(int nodes) {
            this.nodes = nodes;
            return this;
        }

        public Builder volumesPerNode(int volumesPerNode) {
            this.volumesPerNode = volumesPerNode;
            return this;
        }

        public Builder cells(String... cells) {
            this.cells = List.of(cells);
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder periodMs(long periodMs) {
            this.periodMs = periodMs;
            return this;
        }

        public Builder startMillis(long startMillis) {
            this.startMillis = startMillis;
            return this;
        }

        public Builder baseLoadIops(double baseLoadIops) {
            this.baseLoadIops = baseLoadIops;
            return this;
        }

        public Builder profile(VolumeProfile profile) {
            this.profile = Objects.requireNonNull(profile, "profile");
            return this;
        }

        public SyntheticFleetLoad build() {
            if (nodes < 1 || volumesPerNode < 1) {
                throw new IllegalArgumentException("a fleet needs at least one node with at least one volume");
            }
            if (cells.isEmpty()) {
                throw new IllegalArgumentException("a fleet needs at least one cell");
            }
            SplittableRandom random = new SplittableRandom(seed);
            List<SyntheticVolume> volumes = new ArrayList<>(nodes * volumesPerNode);
            for (int n = 0; n < nodes; n++) {
                String node = String.format("node-%02d", n);
                String cell = cells.get(n % cells.size());
                for (int v = 0; v < volumesPerNode; v++) {
                    volumes.add(SyntheticVolume.builder()
                            .volumeId(String.format("vol-%04d", volumes.size()))
                            .node(node)
                            .cell(cell)
                            .device("nvme" + (v + 1) + "n1")
                            .seed(random.nextLong())
                            .periodMs(periodMs)
                            .startMillis(startMillis + random.nextLong(periodMs))
                            .baseLoadIops(baseLoadIops * Math.exp(0.3 * random.nextGaussian()))
                            .profile(profile)
                            .build());
                }
            }
            return new SyntheticFleetLoad(volumes);
        }
    }
}
