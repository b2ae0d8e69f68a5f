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
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
