package io.kdstream.producers.ingest;

import io.kdstream.platform.config.Settings;
import io.kdstream.platform.embedded.EmbeddedPlatform;
import io.kdstream.platform.testing.EmbeddedPlatformExtension;
import io.kdstream.platform.kafka.TopicSnapshot;
import io.kdstream.producers.PromptProducer;
import io.kdstream.producers.PromptProducerConfig;
import io.kdstream.producers.publish.PromptIds;
import io.kdstream.producers.publish.PromptPublisher;
import io.kdstream.schemas.avro.DeadLetter;
import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.topics.TopicCatalogue;
import org.apache.avro.SchemaBuilder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(EmbeddedPlatformExtension.class)
class PromptFileIngestionIntegrationTest {

    private static PromptProducerConfig config(EmbeddedPlatform platform) {
        return PromptProducerConfig.from(Settings.of(Map.of(
                "bootstrap.servers", platform.bootstrapServers(),
                "schema.registry.url", platform.schemaRegistryUrl(),
                "kdstream.producer.max.chars", "200")));
    }

    @Test
    void shouldSendGoodLinesAndKeepEveryBadLineWithItsReason(EmbeddedPlatform platform, @TempDir Path dir) throws Exception {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.writeBytes(("""
                {"prompt":"What is 1+2?","response":"3 #### 3","expected_answer":"3","split":"test"}
                not json at all
                {"prompt":"What is 2+2?"}

                {"problem":"What is 5-1?","generated_solution":"4 #### 4","expected_answer":"4"}
                {"prompt":"%s","response":"x"}
                """.formatted("y".repeat(300))).getBytes(StandardCharsets.UTF_8));
        file.writeBytes(new byte[] {'{', '"', 'p', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}', '\n'});
        Path input = dir.resolve("sdg.jsonl");
        Files.write(input, file.toByteArray());

        IngestSummary summary;
        try (PromptProducer producer = new PromptProducer(config(platform))) {
            summary = producer.ingest(input, bytes -> { });
        }

        assertThat(summary.sent()).isEqualTo(2);
        assertThat(summary.rejected()).isEqualTo(4);
        assertThat(summary.blank()).isEqualTo(1);
        List<String> rejected = Files.readAllLines(PromptFileIngester.rejectedFileFor(input));
        assertThat(rejected).hasSize(4);
        assertThat(rejected.get(0)).contains("\"line\":2").contains("not valid JSON");
        assertThat(rejected.get(1)).contains("\"line\":3").contains("missing field 'response");
        assertThat(rejected.get(2)).contains("\"line\":6").contains("over the limit of 200");
        assertThat(rejected.get(3)).contains("\"line\":7").contains("invalid UTF-8").contains("bytes_base64");

        TopicCatalogue catalogue = new TopicCatalogue(Map.of("schema.registry.url", platform.schemaRegistryUrl()));
        List<ConsumerRecord<String, Prompt>> prompts = TopicSnapshot.read(platform.bootstrapServers(), TopicCatalogue.PROMPTS.name(),
                catalogue.prompts().keySerde().deserializer(), catalogue.prompts().valueSerde().deserializer(), 2, Duration.ofSeconds(30));
        assertThat(prompts).extracting(ConsumerRecord::key).contains(
                PromptIds.contentHash("sdg", "What is 1+2?", "3 #### 3"),
                PromptIds.contentHash("sdg", "What is 5-1?", "4 #### 4"));
        List<ConsumerRecord<byte[], DeadLetter>> letters = TopicSnapshot.read(platform.bootstrapServers(), TopicCatalogue.DEAD_LETTER.name(),
                catalogue.deadLetter().keySerde().deserializer(), catalogue.deadLetter().valueSerde().deserializer(), 4, Duration.ofSeconds(30));
        assertThat(letters).extracting(r -> r.value().getSourceLine()).contains(2L, 3L, 6L, 7L);
        assertThat(letters).allSatisfy(r -> assertThat(r.value().getService()).isEqualTo(PromptProducer.SERVICE));
    }

    @Test
    void shouldReportClearlyWhenTheRegistryRefusesThePromptSchema(EmbeddedPlatform platform, @TempDir Path dir) throws Exception {
        String subject = TopicCatalogue.PROMPTS.name() + "-value";
        // Someone registered a Prompt whose id is an int: today's Prompt cannot read those records.
        String older = SchemaBuilder.record("Prompt").namespace("io.kdstream.schemas.avro").fields().requiredInt("id").endRecord().toString();
        HttpClient http = HttpClient.newHttpClient();
        String body = "{\"schema\":" + com.fasterxml.jackson.databind.json.JsonMapper.builder().build().writeValueAsString(older) + "}";
        deleteSubject(http, platform, subject);
        assertThat(http.send(HttpRequest.newBuilder(URI.create(platform.schemaRegistryUrl() + "/subjects/" + subject + "/versions"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        Path input = dir.resolve("one.jsonl");
        Files.writeString(input, "{\"prompt\":\"What is 1+1?\",\"response\":\"2 #### 2\"}\n");

        try (PromptProducer producer = new PromptProducer(config(platform))) {
            assertThatThrownBy(() -> producer.ingest(input, bytes -> { }))
                    .isInstanceOf(PromptPublisher.PublishException.class)
                    .hasMessageContaining("kd.prompts-value")
                    .hasMessageContaining("incompatible");
        } finally {
            deleteSubject(http, platform, subject);
        }
    }

    @Test
    void shouldStopSayingHowFarItGotWhenTheRegistryCannotBeReached(EmbeddedPlatform platform, @TempDir Path dir) throws Exception {
        Path input = dir.resolve("away.jsonl");
        Files.writeString(input, "{\"prompt\":\"What is 3+3?\",\"response\":\"6 #### 6\"}\n");
        PromptProducerConfig away = PromptProducerConfig.from(Settings.of(Map.of(
                "bootstrap.servers", platform.bootstrapServers(),
                "schema.registry.url", "http://127.0.0.1:1/apis/ccompat/v7"))); // nothing listens on port 1

        try (PromptProducer producer = new PromptProducer(away)) {
            assertThatThrownBy(() -> producer.ingest(input, bytes -> { }))
                    .isInstanceOf(PromptPublisher.PublishException.class)
                    .hasMessageStartingWith("away.jsonl:1 and the lines after it were not sent (0 before it were)")
                    .hasMessageContaining("is not reachable")
                    .hasMessageContaining("run the ingest again (a prompt's key is its content hash");
        }
    }

    private static void deleteSubject(HttpClient http, EmbeddedPlatform platform, String subject) throws Exception {
        for (String suffix : new String[] {"", "?permanent=true"}) {
            http.send(HttpRequest.newBuilder(URI.create(platform.schemaRegistryUrl() + "/subjects/" + subject + suffix)).DELETE().build(),
                    HttpResponse.BodyHandlers.discarding());
        }
    }
}
