package io.holdfast.health.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.holdfast.health.classifier.HealthSettings;
import io.holdfast.health.classifier.VolumeState;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** A stored volume state as JSON for the read-only HTTP query. */
public final class VolumeStateView {

    private static final ObjectMapper JSON = new ObjectMapper();

    private VolumeStateView() {}

    public static String json(byte[] stored, HealthSettings settings) {
        try {
            return JSON.writeValueAsString(view(stored, settings));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The fields of {@link #json}, for a list of volumes. */
    public static Map<String, Object> view(byte[] stored, HealthSettings settings) {
        VolumeState v = new StateCodec(settings).decodeVolume(stored);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("volume_id", v.volumeId());
        m.put("peer_group", v.peerGroup());
        m.put("node", v.node());
        m.put("cell", v.cell());
        m.put("state", v.state().name());
        m.put("last_event_time", v.lastEventMs() == Long.MIN_VALUE ? null : Instant.ofEpochMilli(v.lastEventMs()).toString());
        m.put("sample_period_ms", v.lastPeriodMs());
        m.put("samples", v.samples());
        m.put("degraded_seconds", v.degradedCoverMs() / 1000);
        m.put("episodes", v.episodes());
        m.put("first_degraded_time", v.firstDegradedMs() == Long.MIN_VALUE ? null : Instant.ofEpochMilli(v.firstDegradedMs()).toString());
        m.put("state_since", v.stateSinceMs() == Long.MIN_VALUE ? null : Instant.ofEpochMilli(v.stateSinceMs()).toString());
        m.put("degraded_by", v.degradedBy() == null ? null : v.degradedBy().name());
        double[] window = new double[2];
        v.windowLatencyQuantiles(0.5, 0.99, window);
        m.put("window_latency_p50_ms", Double.isNaN(window[0]) ? null : window[0] / 1000);
        m.put("window_latency_p99_ms", Double.isNaN(window[1]) ? null : window[1] / 1000);
        return m;
    }
}
