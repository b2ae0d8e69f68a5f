/**
 * The reference revision writer of the entity store (DESIGN section 4) and {@code holdfast write}'s load
 * around it, with injected crashes between the steps so that the reconciler has something to repair.
 */
package io.holdfast.connectors.writer;
