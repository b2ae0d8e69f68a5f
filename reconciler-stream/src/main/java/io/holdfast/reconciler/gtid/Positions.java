package io.holdfast.reconciler.gtid;

import java.util.Objects;

/** Checks shared by the position implementations; not part of the public API. */
final class Positions {

    private Positions() {
    }

    /** Throws unless {@code other} has the flavor of {@code self}. */
    static void requireSameFlavor(ReplicationPosition self, ReplicationPosition other) {
        Objects.requireNonNull(other, "other");
        if (self.flavor() != other.flavor()) {
            throw new IllegalArgumentException("cannot combine a " + self.flavor() + " position with a "
                    + other.flavor() + " position");
        }
    }
}
