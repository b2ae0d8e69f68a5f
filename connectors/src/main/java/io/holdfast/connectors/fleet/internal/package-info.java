/**
 * How the fleet side works inside: the simulator's state machine, ledger and layout, the vtctldclient
 * and hook processes, and the fleet command decoding and results (the runner's generic bookkeeping is in
 * {@code io.holdfast.connectors.commands}). Not part of the connectors' API.
 */
package io.holdfast.connectors.fleet.internal;
