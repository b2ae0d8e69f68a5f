/** The binlog source's parts: engine properties, checks before start, the forwarding consumer, metrics. */
package io.holdfast.connectors.binlog.internal;
