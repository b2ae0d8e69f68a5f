package io.holdfast.connectors.reconcile;

import io.holdfast.schemas.ReconcileCommand;

/**
 * Carries out one reconcile command, idempotently, and says what it did. {@link StoreRepairs} is the
 * real one; idempotency on {@code command_id}, retries and result publishing are the
 * {@link ReconcileCommandRunner}'s. Called from several threads at once, for different entities.
 */
@FunctionalInterface
public interface Repairs {

    /**
     * @throws TransientStoreException when the store failed in a way that may pass: the runner retries
     */
    Repair execute(ReconcileCommand command) throws TransientStoreException;
}
