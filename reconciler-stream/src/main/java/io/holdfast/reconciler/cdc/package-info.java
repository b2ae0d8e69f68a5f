/**
 * Debezium change events (MySQL, MariaDB and Vitess connectors) read from the JSON that Kafka Connect's
 * {@code JsonConverter} writes, with ({@code schemas.enable=true}) or without the
 * {@code {"schema":...,"payload":...}} wrapper, for keys and values.
 *
 * <p>Why a hand-written streaming reader: every CDC record of {@code revisions} and
 * {@code entity_heads} passes through here, and with schemas enabled most of each record is the
 * schema, which the reconciler never needs. {@link io.holdfast.reconciler.cdc.ChangeEventParser}
 * skips it token by token without building a tree, reads only the payload, and turns anything that is
 * not a usable envelope into one {@link io.holdfast.reconciler.cdc.MalformedChangeEventException} with
 * a one-line reason, for the dead-letter topic.
 *
 * <p>Values are kept as Debezium encodes them by default (DATETIME(3) as epoch millis, DATETIME(6) as
 * epoch micros, DECIMAL as a base64 string); interpreting them is the consumer's business. The
 * replication position of each event is parsed into a
 * {@link io.holdfast.reconciler.gtid.ReplicationPosition} so it can be merged into the workflow state.
 */
package io.holdfast.reconciler.cdc;
