package io.kdstream.platform.embedded;

import io.kdstream.platform.config.KdstreamHome;

import java.nio.file.Path;

/**
 * The embedded default: one in-process Kafka broker and one schema registry, started together and closed
 * together (also on Ctrl-C).
 */
public final class EmbeddedPlatform implements AutoCloseable {

    private final EmbeddedKafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;
    private final Thread shutdownHook;

    private EmbeddedPlatform(EmbeddedKafkaBroker broker, EmbeddedSchemaRegistry registry) {
        this.broker = broker;
        this.registry = registry;
        this.shutdownHook = new Thread(this::closeQuietly, "kdstream-platform-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts broker and registry side by side; {@code kdstreamHome} caches the registry distribution. */
    public static EmbeddedPlatform start(Path kdstreamHome) {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
        try {
            return new EmbeddedPlatform(broker, EmbeddedSchemaRegistry.start(kdstreamHome));
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
    }

    /** The default kdstream home: {@code $KDSTREAM_HOME}, else {@code ~/.kdstream}. */
    public static Path defaultHome() {
        return KdstreamHome.path();
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    public String schemaRegistryUrl() {
        return registry.url();
    }

    private void closeQuietly() {
        try {
            registry.close();
        } finally {
            broker.close();
        }
    }

    @Override
    public void close() {
        closeQuietly();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // already running the hook
        }
    }
}
