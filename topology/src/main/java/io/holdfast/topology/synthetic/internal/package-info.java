/** Per-sample working state of the synthetic volume model; not part of its API. */
package io.holdfast.topology.synthetic.internal;
