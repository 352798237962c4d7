package io.kdstream.schemas.registry;

import io.kdstream.platform.config.ConfigException;
import io.kdstream.platform.embedded.EmbeddedPlatform;
import io.kdstream.platform.testing.EmbeddedPlatformExtension;
import io.kdstream.schemas.avro.Prompt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A registry over HTTPS with a certificate no public CA signed (here self-signed, made by the JDK's keytool): trusted
 * through {@code schema.registry.ssl.truststore.*}, refused at once and clearly without it.
 */
@ExtendWith(EmbeddedPlatformExtension.class)
class RegistryTlsTest {

    private static final String PASSWORD = "changeit";

    @Test
    void shouldTrustTheRegistryThroughTheConfiguredTrustStoreAndSayWhatToSetWithoutIt(EmbeddedPlatform platform, @TempDir Path dir)
            throws Exception {
        Path store = selfSignedKeyStore(dir);
        try (RegistryFront front = RegistryFront.https(platform.schemaRegistryUrl(), serverContext(store), false)) {
            SchemaRegistryClient trusting = new SchemaRegistryClient(RegistryEndpoint.from(Map.of(
                    "schema.registry.url", front.url(null),
                    "schema.registry.ssl.truststore.location", store.toString(),
                    "schema.registry.ssl.truststore.password", PASSWORD)));
            int id = trusting.register("registry.tls-value", Prompt.getClassSchema());
            assertThat(trusting.schemaById(id)).isEqualTo(Prompt.getClassSchema());

            SchemaRegistryClient untrusting = new SchemaRegistryClient(RegistryEndpoint.of(front.url(null)), 6, Duration.ofSeconds(1));
            long started = System.nanoTime();
            assertThatThrownBy(() -> untrusting.schemaById(id))
                    .isInstanceOf(SchemaRegistryException.class)
                    .hasMessageContaining("could not be reached over TLS")
                    .hasMessageContaining("schema.registry.ssl.truststore.location");
            // no retries with back-off (they would take 1 + 2 + 4 + 8 + 16 s): a certificate does not become trusted
            assertThat(System.nanoTime() - started).isLessThan(TimeUnit.SECONDS.toNanos(1));
        }
    }

    @Test
    void shouldShowTheKeyStoresCertificateToARegistryThatAsksForOne(EmbeddedPlatform platform, @TempDir Path dir) throws Exception {
        Path store = selfSignedKeyStore(dir); // the server's certificate and the client's, each trusting the other
        try (RegistryFront front = RegistryFront.https(platform.schemaRegistryUrl(), serverContext(store), true)) {
            SchemaRegistryClient client = new SchemaRegistryClient(RegistryEndpoint.from(Map.of(
                    "schema.registry.url", front.url(null),
                    "schema.registry.ssl.truststore.location", store.toString(),
                    "schema.registry.ssl.truststore.password", PASSWORD,
                    "schema.registry.ssl.keystore.location", store.toString(),
                    "schema.registry.ssl.keystore.password", PASSWORD)), 1, Duration.ofMillis(10));
            int id = client.register("registry.mtls-value", Prompt.getClassSchema());
            assertThat(client.schemaById(id)).isEqualTo(Prompt.getClassSchema());
        }
    }

    @Test
    void shouldRefuseATrustStoreItCannotReadNamingTheSetting(@TempDir Path dir) throws Exception {
        Path store = selfSignedKeyStore(dir);
        assertThatThrownBy(() -> RegistryEndpoint.from(Map.of("schema.registry.url", "https://registry:8081",
                "schema.registry.ssl.truststore.location", store.toString(),
                "schema.registry.ssl.truststore.password", "wrong")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'schema.registry.ssl.truststore.location' is " + store);
        assertThatThrownBy(() -> RegistryEndpoint.from(Map.of("schema.registry.url", "https://registry:8081",
                "schema.registry.ssl.truststore.location", dir.resolve("missing.p12").toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("missing.p12");
    }

    /** A PKCS12 store with a self-signed certificate for 127.0.0.1, made by the JDK's keytool. */
    private static Path selfSignedKeyStore(Path dir) throws Exception {
        Path store = dir.resolve("registry.p12");
        Process keytool = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "registry", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD))
                .redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes());
        assertThat(keytool.waitFor()).as("keytool: %s", output).isZero();
        return store;
    }

    private static SSLContext serverContext(Path store) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(keys, PASSWORD.toCharArray());
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(keys); // for the client certificate, when one is asked for
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(factory.getKeyManagers(), trust.getTrustManagers(), null);
        return context;
    }
}
