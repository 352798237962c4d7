package io.kdstream.platform.embedded;

import io.kdstream.platform.config.KdstreamHome;
import io.kdstream.platform.kafka.ServiceUser;
import io.kdstream.platform.kafka.TopicSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The secured embedded platform: TLS and SCRAM on its one client listener, each user held to its ACLs, and a registry
 * that answers only a user's basic credentials.
 */
class EmbeddedSecuredPlatformTest {

    private static final String TOPIC = "secured.test";
    private static EmbeddedPlatform platform;

    private static AclBinding allow(String user, ResourceType type, String name, AclOperation operation) {
        return new AclBinding(new ResourcePattern(type, name, PatternType.LITERAL),
                new AccessControlEntry(ServiceUser.principal(user), "*", operation, AclPermissionType.ALLOW));
    }

    @BeforeAll
    static void start() {
        platform = EmbeddedPlatform.startSecured(KdstreamHome.path(), List.of(new TopicSpec(TOPIC, 1, Map.of())), List.of(
                new ServiceUser("writer", List.of(allow("writer", ResourceType.TOPIC, TOPIC, AclOperation.WRITE))),
                new ServiceUser("reader", List.of(allow("reader", ResourceType.TOPIC, TOPIC, AclOperation.READ),
                        allow("reader", ResourceType.GROUP, "secured-readers", AclOperation.READ)))));
    }

    @AfterAll
    static void stop() {
        platform.close();
    }

    private static Map<String, Object> client(String user) {
        return new HashMap<>(platform.clientProperties(user));
    }

    @Test
    void shouldLetEachUserDoWhatItsAclsAllowAndNothingElse() throws Exception {
        assertThat(platform.users()).extracting(ServiceUser::name).containsExactly("writer", "reader");
        try (var producer = new KafkaProducer<>(client("writer"), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(TOPIC, "k", "v")).get(30, TimeUnit.SECONDS);
        }
        Map<String, Object> reader = client("reader");
        reader.put("group.id", "secured-readers");
        reader.put("auto.offset.reset", "earliest");
        List<ConsumerRecord<String, String>> seen = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(reader, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(TOPIC));
            long deadline = System.currentTimeMillis() + 30_000;
            while (seen.isEmpty() && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
            }
        }
        assertThat(seen).extracting(ConsumerRecord::value).containsExactly("v");

        // a user that may write nowhere is refused an idempotent producer id (cluster), one that may write elsewhere the topic
        // (the refusal of the producer id may come before the send, which then fails at once)
        try (var producer = new KafkaProducer<>(client("reader"), new StringSerializer(), new StringSerializer())) {
            Throwable refused = catchThrowable(() -> producer.send(new ProducerRecord<>(TOPIC, "k", "v")).get(30, TimeUnit.SECONDS));
            assertThat(refused).isNotNull();
            assertThat(Stream.iterate(refused, Objects::nonNull, Throwable::getCause)).anySatisfy(
                    cause -> assertThat(cause).isInstanceOf(AuthorizationException.class));
        }
    }

    @Test
    void shouldRefuseAWrongPasswordAndAClientWithoutCredentials() throws Exception {
        Map<String, Object> wrong = client("writer");
        wrong.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"writer\" password=\"guessed\";");
        try (Admin admin = Admin.create(wrong)) {
            assertThatThrownBy(() -> admin.listTopics().names().get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(SaslAuthenticationException.class);
        }
        Map<String, Object> tlsOnly = client("writer");
        tlsOnly.put("security.protocol", "SSL");
        tlsOnly.remove("sasl.jaas.config");
        tlsOnly.remove("sasl.mechanism");
        tlsOnly.put("request.timeout.ms", 5000);
        tlsOnly.put("default.api.timeout.ms", 10000);
        try (Admin admin = Admin.create(tlsOnly)) {
            assertThatThrownBy(() -> admin.listTopics().names().get(30, TimeUnit.SECONDS)).isInstanceOf(Exception.class);
        }
    }

    @Test
    void shouldAnswerRegistryRequestsOnlyWithAUsersBasicCredentials() throws Exception {
        Map<String, String> writer = platform.clientProperties("writer");
        assertThat(writer).containsEntry("basic.auth.credentials.source", "USER_INFO").containsKey("basic.auth.user.info");
        String userInfo = writer.get("basic.auth.user.info");
        assertThat(userInfo).startsWith("writer:");
        HttpClient http = HttpClient.newHttpClient();
        URI subjects = URI.create(platform.schemaRegistryUrl() + "/subjects");
        assertThat(http.send(HttpRequest.newBuilder(subjects).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode())
                .as("without credentials").isEqualTo(401);
        assertThat(http.send(HttpRequest.newBuilder(subjects).header("Authorization", basic("writer:guessed")).GET().build(),
                HttpResponse.BodyHandlers.discarding()).statusCode()).as("a wrong password").isEqualTo(401);
        assertThat(http.send(HttpRequest.newBuilder(subjects).header("Authorization", basic(userInfo)).GET().build(),
                HttpResponse.BodyHandlers.discarding()).statusCode()).as("the user's own").isEqualTo(200);
    }

    private static String basic(String userInfo) {
        return "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldKeepItsCertificatesWhereOnlyThisUserReadsThem() throws Exception {
        Path ca = Path.of(platform.clientProperties("writer").get("ssl.truststore.location"));
        assertThat(Files.readString(ca)).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(Files.getPosixFilePermissions(ca.getParent())).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(Files.list(ca.getParent()).map(path -> path.getFileName().toString()).toList()).containsExactlyInAnyOrder("ca.pem", "broker.p12");
    }
}
