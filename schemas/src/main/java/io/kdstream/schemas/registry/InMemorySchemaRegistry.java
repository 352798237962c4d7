package io.kdstream.schemas.registry;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A schema registry held in memory, one per scope of a {@code mock://SCOPE} URL, for tests of topologies and serdes
 * that need no registry process. It keeps the rules the serdes rely on: a schema has one global id whichever subject
 * it is registered under, a subject's versions must be BACKWARD compatible with its latest one (the embedded
 * registry's rule), and lookups refuse what is not registered. Schemas are compared in their registered form.
 */
final class InMemorySchemaRegistry implements SchemaRegistry {

    private static final Map<String, InMemorySchemaRegistry> SCOPES = new ConcurrentHashMap<>();

    private final String url;
    private final Map<Schema, Integer> idsBySchema = new HashMap<>();
    private final List<Schema> schemasById = new ArrayList<>();
    private final Map<String, List<Schema>> versionsBySubject = new HashMap<>();

    private InMemorySchemaRegistry(String scope) {
        this.url = MOCK_SCHEME + scope;
    }

    /** The registry of a scope, made on first use; it lives as long as the JVM. */
    static InMemorySchemaRegistry scope(String scope) {
        return SCOPES.computeIfAbsent(scope, InMemorySchemaRegistry::new);
    }

    @Override
    public String url() {
        return url;
    }

    /** Always: it lives in this JVM. */
    @Override
    public boolean available() {
        return true;
    }

    @Override
    public synchronized int register(String subject, Schema schema) {
        Schema registered = registeredForm(schema);
        List<Schema> versions = versionsBySubject.computeIfAbsent(subject, s -> new ArrayList<>());
        if (!versions.contains(registered)) {
            if (!versions.isEmpty()) {
                requireBackwardCompatible(subject, registered, versions.get(versions.size() - 1));
            }
            versions.add(registered);
        }
        return idsBySchema.computeIfAbsent(registered, s -> {
            schemasById.add(s);
            return schemasById.size();
        });
    }

    @Override
    public synchronized int lookup(String subject, Schema schema) {
        Schema registered = registeredForm(schema);
        if (!versionsBySubject.getOrDefault(subject, List.of()).contains(registered)) {
            throw new SchemaRegistryException("schema " + schema.getFullName() + " is not registered under subject '" + subject
                    + "' at " + url + " and auto-registration is off");
        }
        return idsBySchema.get(registered);
    }

    @Override
    public synchronized Schema schemaById(int id) {
        if (id < 1 || id > schemasById.size()) {
            throw new SchemaRegistryException("the schema registry at " + url + " has no schema with id " + id);
        }
        return schemasById.get(id - 1);
    }

    private void requireBackwardCompatible(String subject, Schema next, Schema latest) {
        SchemaCompatibility.SchemaPairCompatibility result = SchemaCompatibility.checkReaderWriterCompatibility(next, latest);
        if (result.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            throw new IncompatibleSchemaException(subject, "the schema registry at " + url + " refused schema " + next.getFullName()
                    + " for subject '" + subject + "' as incompatible with the versions already registered (BACKWARD): "
                    + result.getDescription());
        }
    }

    /** The schema as a registry keeps it: without the Java string-type properties (see {@link SchemaRegistryClient}). */
    private static Schema registeredForm(Schema schema) {
        return new Schema.Parser().parse(SchemaRegistryClient.registeredForm(schema));
    }
}
