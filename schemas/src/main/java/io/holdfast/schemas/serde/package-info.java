/**
 * Kafka serdes for the holdfast contracts. {@link io.holdfast.schemas.serde.HoldfastSerdes} picks the
 * format from the configuration: Avro single-object encoding by default, the Confluent wire format with a
 * Schema Registry ({@link io.holdfast.schemas.serde.SchemaRegistryClient}) when {@code schema.registry.url}
 * is set. Everything in {@code internal} may change without notice.
 */
package io.holdfast.schemas.serde;
