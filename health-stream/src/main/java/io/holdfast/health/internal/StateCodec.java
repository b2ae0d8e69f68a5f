package io.holdfast.health.internal;

import io.holdfast.health.classifier.HealthSettings;
import io.holdfast.health.classifier.PeerGroupState;
import io.holdfast.health.classifier.VolumeState;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Binary encoding of the classifier's per-volume and per-group state for the changelogged stores.
 * Public (in an internal package) for bench's micro-benchmarks, which measure this very code.
 */
public final class StateCodec {

    private final HealthSettings settings;
    private final ByteArrayDataOutput out = new ByteArrayDataOutput(1024);

    public StateCodec(HealthSettings settings) {
        this.settings = settings;
    }

    public byte[] encode(VolumeState v) {
        out.reset();
        try {
            v.writeTo(out, settings.windowHalfLifeMs());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public byte[] encode(PeerGroupState g) {
        out.reset();
        try {
            g.writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public VolumeState decodeVolume(byte[] bytes) {
        try {
            return VolumeState.readFrom(new ByteArrayDataInput(bytes), settings.windowHalfLifeMs());
        } catch (IOException e) {
            throw new IllegalStateException("corrupt volume state in the store: " + e.getMessage(), e);
        }
    }

    public PeerGroupState decodeGroup(byte[] bytes) {
        try {
            return PeerGroupState.readFrom(new ByteArrayDataInput(bytes), settings);
        } catch (IOException e) {
            throw new IllegalStateException("corrupt peer group state in the store: " + e.getMessage(), e);
        }
    }
}
