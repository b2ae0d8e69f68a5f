/**
 * Bookkeeping shared by the command executors ({@code execute fleet}, {@code execute reconcile}, the
 * fleet simulator): which records are done and may be committed, which command ids already have a
 * result, per-key ordering on a bounded pool, dead letters, and the checks made before touching the
 * cluster. Not an API for other modules.
 */
package io.holdfast.connectors.commands;
