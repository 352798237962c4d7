package io.kdstream.schemas.registry;

import org.apache.avro.Schema;

/**
 * What kdstream's serdes need of a schema registry: ids for schemas and schemas for ids. A {@code schema.registry.url}
 * of {@code mock://SCOPE} selects an in-memory registry shared by everything in the JVM that names the same scope, as
 * Confluent's serdes do, so topology tests run without a registry process; any other URL is a registry's REST API.
 */
public interface SchemaRegistry {

    String MOCK_SCHEME = "mock://";

    /** The registry's URL, without credentials. */
    String url();

    /** Registers (or finds) the schema under the subject and returns its global id. */
    int register(String subject, Schema schema);

    /** The id of a schema already registered under the subject; refuses one that is not (no auto-registration). */
    int lookup(String subject, Schema schema);

    /** The schema with this global id (the id in a record's first five bytes). */
    Schema schemaById(int id);

    /** Whether the registry answers now: one request, no retries (after an outage, to know when to try again). */
    boolean available();

    /** The registry the endpoint names: the in-memory scope of a {@code mock://} URL, else a REST client. */
    static SchemaRegistry of(RegistryEndpoint endpoint) {
        return endpoint.url().startsWith(MOCK_SCHEME)
                ? InMemorySchemaRegistry.scope(endpoint.url().substring(MOCK_SCHEME.length()))
                : new SchemaRegistryClient(endpoint);
    }
}
