package io.holdfast.connectors.fleet.internal;

import io.holdfast.topology.synthetic.Episode;
import io.holdfast.topology.synthetic.EpisodeType;
import io.holdfast.topology.synthetic.SyntheticVolume;

/** One simulated EBS volume: its place on a node, its synthetic telemetry and the episode injected last. */
public final class SimVolume {

    private final String volumeId;
    private final String node;
    private final String cell;
    private final SyntheticVolume synthetic;
    private Episode episode;
    private boolean attached = true;

    SimVolume(String volumeId, String node, String cell, SyntheticVolume synthetic) {
        this.volumeId = volumeId;
        this.node = node;
        this.cell = cell;
        this.synthetic = synthetic;
    }

    public String volumeId() {
        return volumeId;
    }

    public String node() {
        return node;
    }

    public String cell() {
        return cell;
    }

    SyntheticVolume synthetic() {
        return synthetic;
    }

    /** The latest episode injected, even if it is over; null if none ever was. */
    public Episode episode() {
        return episode;
    }

    /** Whether the volume is still attached to its tablet (it stops being so when retired). */
    public boolean attached() {
        return attached;
    }

    void detach() {
        attached = false;
    }

    /** Schedules {@code next} on the synthetic volume; refused while an earlier episode still runs. */
    void inject(Episode next, long nowMillis) {
        if (episode != null && episode.endMillis() > nowMillis) {
            throw new IllegalStateException("volume " + volumeId + " is already in a " + episode.type() + " episode until "
                    + java.time.Instant.ofEpochMilli(episode.endMillis()));
        }
        synthetic.schedule(next);
        episode = next;
    }

    public boolean inEpisodeAt(long nowMillis) {
        return episode != null && episode.startMillis() <= nowMillis && nowMillis < episode.endMillis();
    }

    /** Degraded or stalled now: what makes a primary's customers wait. */
    public boolean impairedAt(long nowMillis) {
        return inEpisodeAt(nowMillis) && (episode.type() == EpisodeType.DEGRADED || episode.type() == EpisodeType.STALL);
    }

    /** Stalled now: nothing completes, so nothing can be committed on this volume. */
    public boolean stalledAt(long nowMillis) {
        return inEpisodeAt(nowMillis) && episode.type() == EpisodeType.STALL;
    }

    public boolean degradedAt(long nowMillis) {
        return inEpisodeAt(nowMillis) && episode.type() == EpisodeType.DEGRADED;
    }
}
