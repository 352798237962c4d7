package io.kdstream.schemas.registry;

import org.apache.avro.Schema;

import java.util.function.BooleanSupplier;

/** A registry whose every call waits out an outage before it answers ({@link RegistryWait#blocking}). */
final class BlockingSchemaRegistry implements SchemaRegistry {

    private final RegistryWait wait;
    private final SchemaRegistry registry;
    private final BooleanSupplier stopping;

    BlockingSchemaRegistry(RegistryWait wait, SchemaRegistry registry, BooleanSupplier stopping) {
        this.wait = wait;
        this.registry = registry;
        this.stopping = stopping;
    }

    @Override
    public String url() {
        return registry.url();
    }

    @Override
    public int register(String subject, Schema schema) {
        return wait.waitingOut(() -> registry.register(subject, schema), stopping);
    }

    @Override
    public int lookup(String subject, Schema schema) {
        return wait.waitingOut(() -> registry.lookup(subject, schema), stopping);
    }

    @Override
    public Schema schemaById(int id) {
        return wait.waitingOut(() -> registry.schemaById(id), stopping);
    }

    @Override
    public boolean available() {
        return registry.available();
    }
}
