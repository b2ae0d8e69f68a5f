package io.holdfast.connectors.fleet;

import io.holdfast.schemas.CommandResult;
import io.holdfast.schemas.FleetCommand;
import java.util.Optional;

/**
 * Carries out one {@link FleetCommand} on a fleet (vtctld, the simulator, ...) and reports what
 * happened. Executors enforce the command's compare-and-set fields and never start a command after
 * its deadline; idempotency on {@code command_id}, retries and result publishing are the
 * {@link FleetCommandRunner}'s.
 *
 * <p>Implementations must be safe to call from several threads at once, for commands of different
 * shards: the runner executes the commands of one shard in order, and different shards in parallel.
 */
public interface FleetExecutor extends AutoCloseable {

    /** Written to {@code CommandResult.executor}, e.g. {@code vtctld@host-1} or {@code simulator}. */
    String name();

    /**
     * Executes {@code command} and returns its result, keyed by the command's shard.
     *
     * @return the outcome, or empty when the executor gave no answer at all (the fleet may or may not
     *         have acted): the runner then publishes nothing, and the workflow's own deadline decides.
     *         Only the simulator does this, when told to, so that the workflow's timeout path can be tested.
     * @throws TransientExecutionException when nothing was done and the same command may work if tried
     *                                     again shortly (the fleet API was unreachable): the runner retries
     * @throws InterruptedException when the runner is stopping
     */
    Optional<CommandResult> execute(FleetCommand command) throws TransientExecutionException, InterruptedException;

    /** Releases what the executor holds; by default nothing. */
    @Override
    default void close() {
    }
}
