package io.kdstream.platform.embedded;

import io.kdstream.platform.kafka.TopicAdmin;
import io.kdstream.platform.kafka.TopicSpec;
import io.kdstream.platform.testing.EmbeddedPlatformExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(EmbeddedPlatformExtension.class)
class EmbeddedPlatformTest {

    @Test
    void shouldCarryRecordsThroughTheEmbeddedBroker(EmbeddedPlatform platform) throws Exception {
        Map<String, Object> client = Map.of("bootstrap.servers", platform.bootstrapServers());
        TopicAdmin.ensureTopics(client, List.of(new TopicSpec("platform.test", 2, Map.of("cleanup.policy", "compact"))));

        try (var producer = new KafkaProducer<>(client, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>("platform.test", "k" + i, "v" + i)).get();
            }
        }
        List<ConsumerRecord<String, String>> seen = new ArrayList<>();
        Map<String, Object> consumerProps = Map.of("bootstrap.servers", platform.bootstrapServers(),
                "group.id", "platform-test", "auto.offset.reset", "earliest");
        try (var consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("platform.test"));
            long deadline = System.currentTimeMillis() + 30_000;
            while (seen.size() < 10 && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
            }
        }
        assertThat(seen).extracting(ConsumerRecord::value).containsExactlyInAnyOrder(
                "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9");
    }

    @Test
    void shouldRefuseABackwardIncompatibleSchemaThroughTheConfluentApi(EmbeddedPlatform platform) throws Exception {
        String v1 = "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}";
        String v2 = "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"},{\"name\":\"b\",\"type\":\"string\"}]}";

        assertThat(register(platform, "platform.compat-value", v1).statusCode()).isEqualTo(200);
        HttpResponse<String> refused = register(platform, "platform.compat-value", v2);

        assertThat(refused.statusCode()).isEqualTo(409);
    }

    private static HttpResponse<String> register(EmbeddedPlatform platform, String subject, String schema) throws Exception {
        String body = "{\"schema\":" + com.fasterxml.jackson.databind.json.JsonMapper.builder().build().writeValueAsString(schema) + "}";
        HttpRequest request = HttpRequest.newBuilder(URI.create(platform.schemaRegistryUrl() + "/subjects/" + subject + "/versions"))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }
}
