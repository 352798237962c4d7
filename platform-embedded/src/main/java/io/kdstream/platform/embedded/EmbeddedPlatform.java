package io.kdstream.platform.embedded;

import io.kdstream.platform.config.KdstreamHome;
import io.kdstream.platform.kafka.ServiceUser;
import io.kdstream.platform.kafka.TopicAdmin;
import io.kdstream.platform.kafka.TopicSpec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The embedded default: one in-process Kafka broker and one schema registry, started together and closed
 * together (also on Ctrl-C).
 */
public final class EmbeddedPlatform implements AutoCloseable {

    private final EmbeddedKafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;
    /** Null for the plain platform. */
    private final EmbeddedSecurity security;
    private final Path securityDir;
    private final Thread shutdownHook;

    private EmbeddedPlatform(EmbeddedKafkaBroker broker, EmbeddedSchemaRegistry registry, EmbeddedSecurity security, Path securityDir) {
        this.broker = broker;
        this.registry = registry;
        this.security = security;
        this.securityDir = securityDir;
        this.shutdownHook = new Thread(this::closeQuietly, "kdstream-platform-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts broker and registry side by side; {@code kdstreamHome} caches the registry distribution. */
    public static EmbeddedPlatform start(Path kdstreamHome) {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
        try {
            return new EmbeddedPlatform(broker, EmbeddedSchemaRegistry.start(kdstreamHome), null, null);
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
    }

    /**
     * Starts a secured broker ({@link EmbeddedSecurity}: TLS, SCRAM-SHA-512, the standard authorizer) beside a registry
     * that answers only HTTP basic credentials of the same users and passwords (any of them may do anything there),
     * creates {@code topics} as the admin and gives each user exactly its ACLs. Clients of a user connect
     * with {@link #clientProperties(String)}. The certificates and keys live in a temporary directory removed on close.
     */
    public static EmbeddedPlatform startSecured(Path kdstreamHome, Collection<TopicSpec> topics, List<ServiceUser> users) {
        Path securityDir = privateTemporaryDirectory();
        EmbeddedKafkaBroker broker = null;
        try {
            EmbeddedSecurity security = EmbeddedSecurity.create(securityDir, users);
            broker = EmbeddedKafkaBroker.startSecured(security);
            Map<String, Object> admin = new HashMap<>(security.clientProperties(EmbeddedSecurity.ADMIN, broker.bootstrapServers()));
            TopicAdmin.ensureTopics(admin, topics);
            AclGrants.grant(admin, users);
            return new EmbeddedPlatform(broker, EmbeddedSchemaRegistry.startWithBasicAuth(kdstreamHome, security.passwords()), security, securityDir);
        } catch (RuntimeException e) {
            if (broker != null) {
                broker.close();
            }
            EmbeddedKafkaBroker.deleteRecursively(securityDir);
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

    /** Readable by this user only: it holds the broker's key store. */
    private static Path privateTemporaryDirectory() {
        try {
            return Files.createTempDirectory("kdstream-security-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory for the embedded broker's certificates", e);
        }
    }

    /** The users a secured platform has (the admin apart). */
    public List<ServiceUser> users() {
        return security == null ? List.of() : security.users();
    }

    /**
     * What a client of {@code user} (one of {@link #users()}, or {@link EmbeddedSecurity#ADMIN}) sets on a secured
     * platform: the bootstrap servers, SASL_SSL with its SCRAM credentials, the CA to trust, the registry's URL and the
     * registry's basic credentials (the same user and password).
     */
    public Map<String, String> clientProperties(String user) {
        if (security == null) {
            throw new IllegalStateException("the embedded platform is not secured: its clients need only bootstrap.servers and schema.registry.url");
        }
        Map<String, String> properties = new LinkedHashMap<>(security.clientProperties(user, broker.bootstrapServers()));
        properties.put("schema.registry.url", registry.url());
        // the registry takes the same user and password, over HTTP basic authentication
        properties.put("basic.auth.credentials.source", "USER_INFO");
        properties.put("basic.auth.user.info", user + ":" + security.passwords().get(user));
        return properties;
    }

    private void closeQuietly() {
        try {
            registry.close();
        } finally {
            broker.close();
            if (securityDir != null) {
                EmbeddedKafkaBroker.deleteRecursively(securityDir);
            }
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
