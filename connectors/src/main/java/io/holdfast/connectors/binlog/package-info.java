/**
 * The binlog source ({@code holdfast connect binlog}): Debezium's embedded engine capturing the revisions
 * and heads tables onto the catalog's cdc topics, as Kafka Connect's JsonConverter would write them.
 * {@link io.holdfast.connectors.binlog.BinlogSource} runs it, {@link io.holdfast.connectors.binlog.BinlogConfig}
 * configures it.
 */
package io.holdfast.connectors.binlog;
