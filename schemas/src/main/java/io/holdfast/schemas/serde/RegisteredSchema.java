package io.holdfast.schemas.serde;

import java.util.Objects;
import org.apache.avro.Schema;

/** One version of a subject in the Schema Registry. */
public record RegisteredSchema(String subject, int id, int version, Schema schema) {

    public RegisteredSchema {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(schema, "schema");
    }
}
