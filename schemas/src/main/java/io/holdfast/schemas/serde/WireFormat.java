package io.holdfast.schemas.serde;

/** The byte layouts a {@link HoldfastSerde} reads and writes. */
public enum WireFormat {
    /**
     * Avro single-object encoding: {@code C3 01}, the 8-byte little-endian CRC-64-AVRO fingerprint of the
     * writer schema, then the Avro binary body. Self-describing against the schemas this module ships;
     * no registry needed. Selected when {@code schema.registry.url} is not set.
     */
    SINGLE_OBJECT,
    /**
     * The Confluent wire format: magic byte {@code 0}, the 4-byte big-endian schema id, then the Avro binary
     * body, with schemas kept in a Confluent-compatible Schema Registry. Selected when
     * {@code schema.registry.url} is set.
     */
    CONFLUENT
}
