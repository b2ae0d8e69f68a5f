package io.holdfast.schemas.serde;

import io.holdfast.schemas.serde.internal.RestSchemaRegistryClient;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;

/**
 * The subset of the Confluent Schema Registry REST API holdfast uses, with caches: a schema id maps to one
 * schema forever, and a (subject, schema) pair to one id, so each is fetched at most once per client.
 * Transient failures (connect errors, timeouts, HTTP 429 and 5xx) are retried with exponential backoff;
 * what remains surfaces as {@link SchemaRegistryException}. Thread-safe.
 */
public interface SchemaRegistryClient extends AutoCloseable {

    /**
     * Creates a client over HTTP(S) from {@link SchemaRegistryConfig} keys.
     *
     * @throws org.apache.kafka.common.config.ConfigException if a setting is invalid
     */
    static SchemaRegistryClient create(Map<String, ?> config) {
        return new RestSchemaRegistryClient(new SchemaRegistryConfig(config));
    }

    /** The subject of a topic's keys or values under the TopicNameStrategy: {@code <topic>-key} / {@code <topic>-value}. */
    static String topicSubject(String topic, boolean isKey) {
        return topic + (isKey ? "-key" : "-value");
    }

    /**
     * Registers {@code schema} under {@code subject} ({@code POST /subjects/{subject}/versions}), or finds it
     * there if it already is, and returns its global id.
     */
    int register(String subject, Schema schema);

    /** Finds {@code schema} among the versions of {@code subject} ({@code POST /subjects/{subject}}). */
    Optional<RegisteredSchema> lookup(String subject, Schema schema);

    /** The newest version of {@code subject} ({@code GET /subjects/{subject}/versions/latest}); never cached. */
    Optional<RegisteredSchema> latest(String subject);

    /**
     * The schema with global id {@code id} ({@code GET /schemas/ids/{id}}).
     *
     * @throws org.apache.avro.SchemaParseException if the registry holds something other than an Avro schema
     *     under that id
     */
    Optional<Schema> schemaById(int id);

    /** Releases the HTTP client. */
    @Override
    void close();
}
