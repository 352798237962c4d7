package io.kdstream.teacher.worker;

import io.kdstream.model.tokenizer.CharTokenizer;
import io.kdstream.platform.config.ConfigException;
import io.kdstream.platform.config.Settings;
import io.kdstream.platform.embedded.EmbeddedPlatform;
import io.kdstream.platform.kafka.TopicAdmin;
import io.kdstream.platform.kafka.TopicSnapshot;
import io.kdstream.platform.service.StatusServer;
import io.kdstream.platform.testing.EmbeddedPlatformExtension;
import io.kdstream.schemas.avro.DeadLetter;
import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.avro.TeacherLogits;
import io.kdstream.schemas.logits.SequenceLogits;
import io.kdstream.schemas.topics.KafkaClients;
import io.kdstream.schemas.topics.TopicCatalogue;
import io.kdstream.teacher.TeacherBackends;
import io.kdstream.teacher.TeacherWorkerConfig;
import io.kdstream.teacher.testing.FailingTeacher;
import io.kdstream.teacher.testing.TeacherFixtures;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@ExtendWith(EmbeddedPlatformExtension.class)
class TeacherWorkerIntegrationTest {

    private static HttpResponse<String> get(StatusServer status, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + status.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldRefuseATopKBeyondTheTeachersVocabularyBeforeReadingARequest(EmbeddedPlatform platform, @TempDir Path dir) throws Exception {
        Settings settings = Settings.of(Map.of(
                "bootstrap.servers", platform.bootstrapServers(),
                "schema.registry.url", platform.schemaRegistryUrl(),
                "kdstream.teacher.checkpoint", TeacherFixtures.untrainedTeacher(dir, 1).toString(),
                "kdstream.teacher.group.id", "kdstream-teacher-topk-refusal",
                "kdstream.teacher.topk", "1000"));
        TeacherWorker worker = new TeacherWorker(TeacherWorkerConfig.from(settings), "too-many-entries");
        try {
            worker.start();
            await().atMost(Duration.ofSeconds(60)).until(worker::isStopped);

            assertThat(worker.failure()).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("'kdstream.teacher.topk' is 1000")
                    .hasMessageContaining("vocabulary of " + new CharTokenizer().vocabularySize());
            assertThat(worker.published()).isZero();
        } finally {
            worker.close();
        }
    }

    @Test
    void shouldRefuseSampledRecordsFromATeacherThatCannotDrawBeforeReadingARequest(EmbeddedPlatform platform, @TempDir Path dir) throws Exception {
        Settings settings = Settings.of(Map.of(
                "bootstrap.servers", platform.bootstrapServers(),
                "schema.registry.url", platform.schemaRegistryUrl(),
                "kdstream.teacher.checkpoint", TeacherFixtures.untrainedTeacher(dir, 1).toString(),
                "kdstream.teacher.group.id", "kdstream-teacher-sampled-refusal",
                "kdstream.teacher.encoding", "sampled"));
        // a backend with top-K only, as a served teacher is: the in-process one behind an interface that cannot draw
        TeacherWorker worker = new TeacherWorker(TeacherWorkerConfig.from(settings), "top-k-only",
                (config, tokenizer) -> FailingTeacher.failingOn(TeacherBackends.open(config, tokenizer), Map.of()));
        try {
            worker.start();
            await().atMost(Duration.ofSeconds(60)).until(worker::isStopped);

            assertThat(worker.failure()).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("'kdstream.teacher.encoding' is sampled").hasMessageContaining("djl");
            assertThat(worker.published()).isZero();
        } finally {
            worker.close();
        }
    }

    @Test
    void shouldPublishLogitsForGoodPromptsAndDeadLetterTheRestWithTheReason(EmbeddedPlatform platform, @TempDir Path dir) throws Exception {
        CharTokenizer tokenizer = new CharTokenizer();
        Path checkpoint = TeacherFixtures.untrainedTeacher(dir, 1);
        Settings settings = Settings.of(Map.of(
                "bootstrap.servers", platform.bootstrapServers(),
                "schema.registry.url", platform.schemaRegistryUrl(),
                "kdstream.teacher.checkpoint", checkpoint.toString(),
                "kdstream.teacher.topk", "4"));
        Map<String, Object> client = settings.clientProperties();
        TopicAdmin.ensureTopics(client, TopicCatalogue.ALL);
        TopicCatalogue catalogue = new TopicCatalogue(client);
        try (KafkaProducer<String, Prompt> prompts = KafkaClients.producer(client, catalogue.teacherRequests(), "test");
             KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", platform.bootstrapServers()),
                     new ByteArraySerializer(), new ByteArraySerializer())) {
            prompts.send(new ProducerRecord<>(TopicCatalogue.TEACHER_REQUESTS.name(), "good", TeacherFixtures.prompt("good", "What is 1+2?", "3 #### 3"))).get();
            prompts.send(new ProducerRecord<>(TopicCatalogue.TEACHER_REQUESTS.name(), "accent", TeacherFixtures.prompt("accent", "Qu'est-ce que 1+2 ? Réponds.", "3"))).get();
            prompts.send(new ProducerRecord<>(TopicCatalogue.TEACHER_REQUESTS.name(), "long", TeacherFixtures.prompt("long", "x".repeat(200), "y"))).get();
            raw.send(new ProducerRecord<>(TopicCatalogue.TEACHER_REQUESTS.name(), "garbage".getBytes(), "{not avro}".getBytes(StandardCharsets.UTF_8))).get();
        }

        TeacherWorker worker = new TeacherWorker(TeacherWorkerConfig.from(settings), "test");
        List<ConsumerRecord<byte[], DeadLetter>> letters;
        try (StatusServer status = StatusServer.start("127.0.0.1", 0, worker)) {
            assertThat(get(status, "/health/ready").statusCode()).as("ready before start").isEqualTo(503);
            worker.start();
            // the topic is shared with the other tests of this JVM: wait for this test's own three letters
            letters = await().atMost(Duration.ofSeconds(60)).until(() -> ownLetters(platform, catalogue), own -> own.size() >= 3);
            await().atMost(Duration.ofSeconds(30)).until(() -> worker.published() >= 1);
            assertThat(get(status, "/health/live").statusCode()).isEqualTo(200);
            assertThat(get(status, "/health/ready").statusCode()).isEqualTo(200);
            assertThat(get(status, "/metrics").body())
                    .contains("kdstream_teacher_sequences_total{instance=\"test\"")
                    .contains("kdstream_teacher_batch_latency_seconds")
                    .contains("kafka_consumer_fetch_manager_records_lag_max");
        } finally {
            worker.close();
        }

        assertThat(worker.failure()).isNull();
        assertThat(letters).extracting(r -> new String(r.key(), StandardCharsets.UTF_8)).containsExactlyInAnyOrder("accent", "long", "garbage");
        assertThat(letters).allSatisfy(r -> {
            assertThat(r.value().getService()).isEqualTo(TeacherWorker.SERVICE);
            assertThat(r.value().getSourceTopic()).isEqualTo(TopicCatalogue.TEACHER_REQUESTS.name());
            assertThat(r.value().getValue()).isNotNull();
        });
        assertThat(letters).extracting(r -> r.value().getErrorMessage()).anySatisfy(m -> assertThat(m).contains("U+00E9"))
                .anySatisfy(m -> assertThat(m).contains("longer than the teacher's context"))
                .anySatisfy(m -> assertThat(m).contains("magic byte"));

        List<ConsumerRecord<String, TeacherLogits>> logits = TopicSnapshot.read(platform.bootstrapServers(), TopicCatalogue.TEACHER_LOGITS.name(),
                        catalogue.teacherLogits().keySerde().deserializer(), catalogue.teacherLogits().valueSerde().deserializer(), 1, Duration.ofSeconds(30))
                .stream().filter(r -> r.key().equals(worker.teacherFingerprint() + "/good")).toList();
        assertThat(logits).hasSize(1);
        assertThat(logits.get(0).key()).isEqualTo(worker.teacherFingerprint() + "/good");
        assertThat(logits.get(0).value().getDevice()).as("the device kdstream.teacher.device=auto chose here").isEqualTo("cpu()");
        SequenceLogits decoded = SequenceLogits.decode(logits.get(0).value());
        assertThat(decoded.tokens()).containsExactly(tokenizer.encodeExample("What is 1+2?", "3 #### 3").tokens());
        assertThat(decoded.k()).isEqualTo(4);
        for (int p = 0; p < decoded.positions(); p++) {
            for (int r = 1; r < decoded.k(); r++) {
                assertThat(decoded.values()[p * 4 + r]).isLessThanOrEqualTo(decoded.values()[p * 4 + r - 1]);
            }
            assertThat(decoded.logSumExp()[p]).isGreaterThanOrEqualTo(decoded.values()[p * 4]);
        }
    }

    /** The dead letters of this test's requests, as a read_committed reader sees them now. */
    private static List<ConsumerRecord<byte[], DeadLetter>> ownLetters(EmbeddedPlatform platform, TopicCatalogue catalogue) {
        return TopicSnapshot.read(platform.bootstrapServers(), TopicCatalogue.DEAD_LETTER.name(), catalogue.deadLetter().keySerde().deserializer(),
                        catalogue.deadLetter().valueSerde().deserializer(), 0, Duration.ofSeconds(10)).stream()
                .filter(r -> List.of("accent", "long", "garbage").contains(new String(r.key(), StandardCharsets.UTF_8))).toList();
    }
}
