package io.kdstream.schemas.registry;

import io.kdstream.platform.config.ConfigException;
import io.kdstream.platform.embedded.EmbeddedPlatform;
import io.kdstream.platform.testing.EmbeddedPlatformExtension;
import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.avro.Split;
import io.kdstream.schemas.serde.AvroSerde;
import io.kdstream.schemas.topics.TopicCatalogue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A registry that wants credentials: the embedded registry behind a front that answers 401 unless the request carries
 * the expected {@code Authorization} header (as Confluent Cloud's registry does), and passes the rest through.
 */
@ExtendWith(EmbeddedPlatformExtension.class)
class RegistryAuthenticationTest {

    private static final String BASIC = "Basic " + Base64.getEncoder().encodeToString("kd-user:s3cret:pw".getBytes(StandardCharsets.UTF_8));
    private static final String BEARER = "Bearer token-123";

    private RegistryFront front;

    @BeforeEach
    void startFront(EmbeddedPlatform platform) throws IOException {
        front = RegistryFront.http(platform.schemaRegistryUrl(), Set.of(BASIC, BEARER));
    }

    @AfterEach
    void stopFront() {
        front.close();
    }

    private static Prompt prompt(String id) {
        return Prompt.newBuilder().setId(id).setDataset("math").setSplit(Split.TRAIN).setPrompt("2+3=").setResponse("5")
                .setSource("test").setMetadata(Map.of()).setCreatedAt(Instant.now().truncatedTo(ChronoUnit.MILLIS)).build();
    }

    private static void assertRoundTrip(Map<String, Object> configs) {
        AvroSerde<Prompt> serde = new AvroSerde<>();
        serde.configure(configs, false);
        Prompt original = prompt("auth-" + configs.hashCode());
        byte[] bytes = serde.serializer().serialize("registry.auth", original);
        assertThat(serde.deserializer().deserialize("registry.auth", bytes)).isEqualTo(original);
    }

    @Test
    void shouldSendBasicCredentialsFromTheUserInfoSetting() {
        assertRoundTrip(Map.of("schema.registry.url", front.url(null),
                "basic.auth.credentials.source", "USER_INFO", "basic.auth.user.info", "kd-user:s3cret:pw"));
        // the source may be left out when the user info is set; the topic catalogue reads the same settings
        TopicCatalogue catalogue = new TopicCatalogue(Map.of("schema.registry.url", front.url(null),
                "basic.auth.user.info", "kd-user:s3cret:pw"));
        Prompt original = prompt("catalogue");
        byte[] bytes = catalogue.prompts().valueSerde().serializer().serialize(TopicCatalogue.PROMPTS.name(), original);
        assertThat(catalogue.prompts().valueSerde().deserializer().deserialize(TopicCatalogue.PROMPTS.name(), bytes)).isEqualTo(original);
        assertThat(front.refused()).isEmpty();
    }

    @Test
    void shouldSendBasicCredentialsFromTheUrlWithoutShowingThem() {
        String url = front.url("kd-user:s3cret%3Apw"); // a ':' in the password is percent-encoded in a URL
        RegistryEndpoint endpoint = RegistryEndpoint.from(Map.of("schema.registry.url", url));

        assertThat(endpoint.url()).isEqualTo(front.url(null));
        assertThat(endpoint.toString()).doesNotContain("s3cret").contains("Basic authentication");
        assertRoundTrip(Map.of("schema.registry.url", url));
        assertThat(front.refused()).isEmpty();
    }

    @Test
    void shouldSendAStaticBearerToken() {
        assertRoundTrip(Map.of("schema.registry.url", front.url(null),
                "bearer.auth.credentials.source", "STATIC_TOKEN", "bearer.auth.token", "token-123"));
        assertThat(front.refused()).isEmpty();
    }

    @Test
    void shouldSayTheRegistryRefusedTheRequestAndWhatToSetWithoutRetrying() {
        SchemaRegistryClient anonymous = new SchemaRegistryClient(RegistryEndpoint.of(front.url(null)));
        assertThatThrownBy(() -> anonymous.register("registry.auth-value", Prompt.getClassSchema()))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("refused a request without credentials")
                .hasMessageContaining("HTTP 401 Unauthorized")
                .hasMessageContaining("basic.auth.user.info");
        assertThat(front.refused()).hasSize(1); // a refusal is an answer, not an outage: no retries

        SchemaRegistryClient wrong = new SchemaRegistryClient(RegistryEndpoint.from(Map.of("schema.registry.url", front.url(null),
                "basic.auth.user.info", "kd-user:wrong")));
        assertThatThrownBy(() -> wrong.schemaById(1))
                .hasMessageContaining("refused the credentials given")
                .hasMessageNotContaining("wrong");
    }

    @Test
    void shouldRefuseSettingsThatCannotWorkNamingTheSetting() {
        assertThatThrownBy(() -> RegistryEndpoint.from(Map.of("schema.registry.url", "http://h/", "basic.auth.credentials.source", "USER_INFO")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'basic.auth.user.info'");
        assertThatThrownBy(() -> RegistryEndpoint.from(Map.of("schema.registry.url", "http://h/", "basic.auth.credentials.source", "URL")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("holds no USER:PASSWORD@");
        assertThatThrownBy(() -> RegistryEndpoint.from(Map.of("schema.registry.url", "http://h/", "basic.auth.credentials.source", "SASL_INHERIT")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("supports USER_INFO and URL");
        assertThatThrownBy(() -> RegistryEndpoint.from(Map.of("schema.registry.url", "http://h/", "basic.auth.user.info", "no-colon")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("USER:PASSWORD");
        assertThatThrownBy(() -> RegistryEndpoint.from(Map.of("schema.registry.url", "http://h/", "bearer.auth.credentials.source", "STATIC_TOKEN")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'bearer.auth.token'");
        assertThatThrownBy(() -> RegistryEndpoint.from(Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'schema.registry.url' is not set");
    }
}
