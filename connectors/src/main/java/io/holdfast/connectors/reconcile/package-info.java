/**
 * The reconcile executor: {@code commands.reconcile} carried out on the entity store (JDBC for the
 * revision rows and heads, S3 for the snapshots' tags), with results to {@code commands.results}.
 */
package io.holdfast.connectors.reconcile;
