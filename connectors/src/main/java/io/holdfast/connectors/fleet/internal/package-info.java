/**
 * How the fleet side works inside: the simulator's state machine, ledger and layout, the vtctldclient
 * and hook processes, and the command runner's bookkeeping. Not part of the connectors' API.
 */
package io.holdfast.connectors.fleet.internal;
