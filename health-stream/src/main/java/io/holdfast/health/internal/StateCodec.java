package io.holdfast.health.internal;

import io.holdfast.health.classifier.HealthSettings;
import io.holdfast.health.classifier.PeerGroupState;
import io.holdfast.health.classifier.VolumeState;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Binary encoding of the classifier's per-volume and per-group state for the changelogged stores. */
final class StateCodec {

    private final HealthSettings settings;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(1024);
    private final DataOutputStream out = new DataOutputStream(buffer);

    StateCodec(HealthSettings settings) {
        this.settings = settings;
    }

    byte[] encode(VolumeState v) {
        buffer.reset();
        try {
            v.writeTo(out, settings.windowHalfLifeMs());
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buffer.toByteArray();
    }

    byte[] encode(PeerGroupState g) {
        buffer.reset();
        try {
            g.writeTo(out);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buffer.toByteArray();
    }

    VolumeState decodeVolume(byte[] bytes) {
        try {
            return VolumeState.readFrom(new DataInputStream(new ByteArrayInputStream(bytes)), settings.windowHalfLifeMs());
        } catch (IOException e) {
            throw new IllegalStateException("corrupt volume state in the store: " + e.getMessage(), e);
        }
    }

    PeerGroupState decodeGroup(byte[] bytes) {
        try {
            return PeerGroupState.readFrom(new DataInputStream(new ByteArrayInputStream(bytes)), settings);
        } catch (IOException e) {
            throw new IllegalStateException("corrupt peer group state in the store: " + e.getMessage(), e);
        }
    }
}
