package io.holdfast.reconciler.internal;

import io.holdfast.reconciler.entity.EntityInput;
import io.holdfast.schemas.ReconcileCommandType;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** Entity observations on the reconciler's re-keying topic: one type byte, then the fields as varints and strings. */
public final class EntityInputSerde implements Serde<EntityInput> {

    private static final int FORMAT = 1;
    private static final int ROW = 1;
    private static final int HEAD = 2;
    private static final int SNAPSHOT = 3;
    private static final int ANSWERED = 4;

    @Override
    public Serializer<EntityInput> serializer() {
        return (topic, input) -> input == null ? null : write(input);
    }

    @Override
    public Deserializer<EntityInput> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try {
                return read(bytes);
            } catch (RuntimeException e) {
                throw new SerializationException("not an entity input record on " + topic + ": " + e.getMessage(), e);
            }
        };
    }

    public static byte[] write(EntityInput input) {
        Bytes.Writer w = new Bytes.Writer(96).u8(FORMAT);
        if (input instanceof EntityInput.RevisionRow r) {
            w.u8(ROW).string(r.entity()).zigzag(r.revision()).u8(r.change().ordinal())
                    .string(r.hash()).string(r.previousHash()).zigzag(r.committedMs());
        } else if (input instanceof EntityInput.Head h) {
            w.u8(HEAD).string(h.entity()).u8(h.change().ordinal()).zigzag(h.head())
                    .zigzag(h.previous()).zigzag(h.committedMs());
        } else if (input instanceof EntityInput.Answered a) {
            w.u8(ANSWERED).string(a.entity()).u8(a.type().ordinal()).zigzag(a.revision()).varint(a.attempt()).bool(a.tookEffect());
        } else {
            EntityInput.Snapshot s = (EntityInput.Snapshot) input;
            w.u8(SNAPSHOT).string(s.entity()).zigzag(s.revision()).string(s.bucket())
                    .string(s.objectKey()).string(s.etag()).string(s.hash()).zigzag(s.sizeBytes()).zigzag(s.createdAt())
                    .u8(s.publication().ordinal()).string(s.passId()).zigzag(s.scanTime());
        }
        return w.toArray();
    }

    public static EntityInput read(byte[] bytes) {
        Bytes.Reader r = new Bytes.Reader(bytes);
        if (r.u8() != FORMAT) {
            throw new IllegalArgumentException("unknown format");
        }
        int type = r.u8();
        return switch (type) {
            case ROW -> new EntityInput.RevisionRow(r.string(), r.zigzag(), EntityInput.RowChange.values()[r.u8()],
                    r.string(), r.string(), r.zigzag());
            case HEAD -> new EntityInput.Head(r.string(), EntityInput.RowChange.values()[r.u8()], r.zigzag(), r.zigzag(),
                    r.zigzag());
            case SNAPSHOT -> new EntityInput.Snapshot(r.string(), r.zigzag(), r.string(), r.string(), r.string(), r.string(),
                    r.zigzag(), r.zigzag(), EntityInput.Publication.values()[r.u8()], r.string(), r.zigzag());
            case ANSWERED -> new EntityInput.Answered(r.string(), ReconcileCommandType.values()[r.u8()], r.zigzag(), r.intVarint(),
                    r.bool());
            default -> throw new IllegalArgumentException("unknown input type " + type);
        };
    }
}
