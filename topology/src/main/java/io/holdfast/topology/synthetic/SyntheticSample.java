package io.holdfast.topology.synthetic;

import io.holdfast.schemas.VolumeMetric;
import java.util.Objects;
import java.util.Optional;

/**
 * A synthetic {@link VolumeMetric} with its ground truth: the episode that shaped the sample's
 * period, or {@code null} when the volume behaved normally for the whole period. When a period
 * straddles an episode's start or end, the episode is the one that covered most of it.
 */
public record SyntheticSample(VolumeMetric metric, Episode episode) {

    public SyntheticSample {
        Objects.requireNonNull(metric, "metric");
    }

    public Optional<EpisodeType> episodeType() {
        return episode == null ? Optional.empty() : Optional.of(episode.type());
    }

    /** Whether any episode, load spikes included, shaped this sample. */
    public boolean inEpisode() {
        return episode != null;
    }

    /** End of the sample period, epoch milliseconds. */
    public long eventMillis() {
        return metric.getEventTime().toEpochMilli();
    }

    public String volumeId() {
        return metric.getVolumeId();
    }
}
