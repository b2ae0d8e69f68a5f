package io.holdfast.connectors.fleet.internal;

import io.holdfast.schemas.FleetCommand;
import io.holdfast.schemas.ReparentMode;
import java.util.SplittableRandom;

/**
 * How long the simulated fleet takes for each operation, before {@code scale} is applied: what vtctld
 * and EBS take in the field. {@code scale} shrinks (or stretches) every one of them alike, so a test
 * can run a realistic sequence ten times faster.
 */
public record CommandDelays(MillisRange plannedReparent, MillisRange emergencyReparent, MillisRange fence, MillisRange provision,
                            MillisRange retire, MillisRange catchUp, MillisRange reconnect, double scale) {

    public static final MillisRange PLANNED_REPARENT = new MillisRange(1_000, 3_000);
    public static final MillisRange EMERGENCY_REPARENT = new MillisRange(2_000, 5_000);
    public static final MillisRange FENCE = new MillisRange(500, 1_500);
    public static final MillisRange PROVISION = new MillisRange(30_000, 120_000);
    public static final MillisRange RETIRE = new MillisRange(1_000, 3_000);
    /** A new replica restores a backup and replays the binlog before it serves. */
    public static final MillisRange CATCH_UP = new MillisRange(5_000, 15_000);
    /** A tablet whose volume recovered answers health checks again after a few probe intervals. */
    public static final MillisRange RECONNECT = new MillisRange(2_000, 5_000);

    public CommandDelays {
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("time scale must be a positive number, was " + scale);
        }
    }

    public static CommandDelays defaults(double scale) {
        return new CommandDelays(PLANNED_REPARENT, EMERGENCY_REPARENT, FENCE, PROVISION, RETIRE, CATCH_UP, RECONNECT, scale);
    }

    /** How long {@code command} takes; zero for a type the simulator does not carry out. */
    public long of(FleetCommand command, SplittableRandom random) {
        MillisRange range = switch (command.getType()) {
            case REPARENT -> command.getReparentMode() == ReparentMode.EMERGENCY ? emergencyReparent : plannedReparent;
            case FENCE -> fence;
            case PROVISION_VOLUME -> provision;
            case RETIRE_VOLUME -> retire;
            case UNKNOWN -> new MillisRange(0, 0);
        };
        return range.sample(random, scale);
    }

    public long catchUp(SplittableRandom random) {
        return catchUp.sample(random, scale);
    }

    public long reconnect(SplittableRandom random) {
        return reconnect.sample(random, scale);
    }
}
