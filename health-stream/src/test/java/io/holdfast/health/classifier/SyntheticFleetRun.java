package io.holdfast.health.classifier;

import io.holdfast.health.internal.SampleReader;
import io.holdfast.schemas.VolumeHealthState;
import io.holdfast.topology.synthetic.SyntheticFleetLoad;
import io.holdfast.topology.synthetic.SyntheticSample;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Runs a synthetic fleet through the classifier (one peer group per node) and records every transition. */
final class SyntheticFleetRun {

    record Seen(String volumeId, Transition transition) {
    }

    final VolumeHealthClassifier classifier;
    final Map<String, VolumeState> volumes = new HashMap<>();
    final Map<String, PeerGroupState> groups = new HashMap<>();
    final List<Seen> transitions = new ArrayList<>();
    private final SampleReader reader = new SampleReader(Long.MAX_VALUE / 4);
    private final Sample sample = new Sample();
    long samples;

    SyntheticFleetRun(HealthSettings settings) {
        this.classifier = new VolumeHealthClassifier(settings);
    }

    void run(SyntheticFleetLoad fleet, long untilMillis) {
        fleet.forEachUntil(untilMillis, this::accept);
    }

    void accept(SyntheticSample s) {
        var m = s.metric();
        reader.read(m, m.getEventTime().toEpochMilli(), sample);
        VolumeState v = volumes.computeIfAbsent(m.getVolumeId(), classifier::newVolume);
        PeerGroupState g = groups.computeIfAbsent(m.getPeerGroup(), k -> classifier.newPeerGroup());
        classifier.onSample(v, g, sample, (vol, t) -> transitions.add(new Seen(vol.volumeId(), t)));
        samples++;
    }

    List<Seen> into(VolumeHealthState... states) {
        List<Seen> out = new ArrayList<>();
        for (Seen seen : transitions) {
            for (VolumeHealthState state : states) {
                if (seen.transition().to() == state) {
                    out.add(seen);
                }
            }
        }
        return out;
    }
}
