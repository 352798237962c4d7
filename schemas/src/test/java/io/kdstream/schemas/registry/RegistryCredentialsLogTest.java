package io.kdstream.schemas.registry;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import io.kdstream.platform.embedded.EmbeddedPlatform;
import io.kdstream.platform.testing.EmbeddedPlatformExtension;
import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.avro.Split;
import io.kdstream.schemas.topics.KafkaClients;
import io.kdstream.schemas.topics.TopicCatalogue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The registry's credentials appear in no log line and no error, whichever way they are given and whatever happens:
 * a round trip, a refusal, a registry that does not answer (retried, with a warning), Kafka clients configured with
 * them (which log their settings).
 */
@ExtendWith(EmbeddedPlatformExtension.class)
class RegistryCredentialsLogTest {

    private static final String PASSWORD = "Pa55-never-logged";
    private static final String TOKEN = "token-never-logged";

    @Test
    void shouldNeverLogTheRegistrysCredentials(EmbeddedPlatform platform) throws Exception {
        String basic = "Basic " + Base64.getEncoder().encodeToString(("kd-user:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        List<String> seen = new ArrayList<>();
        Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        Level level = root.getLevel();
        // Kafka's clients log their settings at INFO, which the product's logback.xml turns off
        Logger kafka = (Logger) LoggerFactory.getLogger("org.apache.kafka");
        Level kafkaLevel = kafka.getLevel();
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        root.addAppender(appender);
        root.setLevel(Level.INFO);
        kafka.setLevel(Level.INFO);
        try (RegistryFront front = RegistryFront.http(platform.schemaRegistryUrl(), Set.of(basic, "Bearer " + TOKEN))) {
            Map<String, Object> userInfo = Map.of("schema.registry.url", front.url(null), "basic.auth.user.info", "kd-user:" + PASSWORD);
            roundTrip(userInfo);
            roundTrip(Map.of("schema.registry.url", front.url("kd-user:" + PASSWORD)));
            roundTrip(Map.of("schema.registry.url", front.url(null), "bearer.auth.credentials.source", "STATIC_TOKEN", "bearer.auth.token", TOKEN));

            SchemaRegistryClient wrong = new SchemaRegistryClient(RegistryEndpoint.from(Map.of("schema.registry.url", front.url(null),
                    "basic.auth.user.info", "kd-user:" + PASSWORD + "-wrong")));
            seen.add(messages(catchThrowable(() -> wrong.schemaById(1))));
            // nothing listens there: retried with a warning, then given up
            SchemaRegistryClient unreachable = new SchemaRegistryClient(RegistryEndpoint.from(Map.of(
                    "schema.registry.url", "http://kd-user:" + PASSWORD + "@127.0.0.1:1/apis/ccompat/v7")), 2, Duration.ofMillis(10));
            seen.add(messages(catchThrowable(() -> unreachable.schemaById(1))));

            // a Kafka producer with the registry settings logs its configuration
            Map<String, Object> client = new HashMap<>(userInfo);
            client.put("bootstrap.servers", platform.bootstrapServers());
            KafkaClients.producer(client, new TopicCatalogue(client).prompts(), "credentials-log-test").close();
        } finally {
            root.detachAppender(appender);
            root.setLevel(level);
            kafka.setLevel(kafkaLevel);
        }
        for (ILoggingEvent event : appender.list) {
            seen.add(event.getFormattedMessage());
            for (IThrowableProxy thrown = event.getThrowableProxy(); thrown != null; thrown = thrown.getCause()) {
                seen.add(thrown.getMessage());
            }
        }
        assertThat(appender.list).as("the retry warned").anySatisfy(event -> assertThat(event.getFormattedMessage()).contains("retrying"));
        assertThat(appender.list).as("the producer's settings").anySatisfy(event -> assertThat(event.getFormattedMessage()).contains("ProducerConfig values"));
        assertThat(seen).isNotEmpty().allSatisfy(line -> assertThat(String.valueOf(line))
                .doesNotContain(PASSWORD).doesNotContain(TOKEN).doesNotContain(basic.substring("Basic ".length())));
    }

    private static void roundTrip(Map<String, Object> configs) {
        io.kdstream.schemas.serde.AvroSerde<Prompt> serde = new io.kdstream.schemas.serde.AvroSerde<>();
        serde.configure(configs, false);
        Prompt prompt = Prompt.newBuilder().setId("credentials").setDataset("math").setSplit(Split.TRAIN).setPrompt("1+1=")
                .setResponse("2").setSource("test").setMetadata(Map.of()).setCreatedAt(Instant.ofEpochMilli(0)).build();
        assertThat(serde.deserializer().deserialize("registry.credentials", serde.serializer().serialize("registry.credentials", prompt)))
                .isEqualTo(prompt);
    }

    private static Throwable catchThrowable(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(call);
        assertThat(thrown).isNotNull();
        return thrown;
    }

    /** The messages of an error and its causes. */
    private static String messages(Throwable error) {
        StringBuilder all = new StringBuilder();
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            all.append(cause).append('\n');
        }
        return all.toString();
    }
}
