/** How the metric producers read, convert and schedule; not part of their API. */
package io.holdfast.connectors.metrics.internal;
