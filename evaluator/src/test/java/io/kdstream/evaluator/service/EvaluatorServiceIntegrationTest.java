package io.kdstream.evaluator.service;

import io.kdstream.evaluator.EvaluatorConfig;
import io.kdstream.model.checkpoint.CheckpointFile;
import io.kdstream.model.tokenizer.CharTokenizer;
import io.kdstream.model.transformer.DecoderLanguageModel;
import io.kdstream.model.transformer.TransformerConfig;
import io.kdstream.platform.config.Settings;
import io.kdstream.platform.embedded.EmbeddedPlatform;
import io.kdstream.platform.kafka.TopicAdmin;
import io.kdstream.platform.kafka.TopicSnapshot;
import io.kdstream.platform.testing.EmbeddedPlatformExtension;
import io.kdstream.schemas.avro.CheckpointEvent;
import io.kdstream.schemas.avro.EvalResult;
import io.kdstream.schemas.avro.EvalStatus;
import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.avro.Split;
import io.kdstream.schemas.avro.TrainMetrics;
import io.kdstream.schemas.avro.TrainingConfig;
import io.kdstream.schemas.topics.KafkaClients;
import io.kdstream.schemas.topics.TopicCatalogue;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@ExtendWith(EmbeddedPlatformExtension.class)
class EvaluatorServiceIntegrationTest {

    private static CheckpointEvent event(long step, Path file, String sha256) {
        return CheckpointEvent.newBuilder()
                .setRunId("eval-test").setStep(step).setTokensSeen(0)
                .setUri(file.toUri().toString()).setSha256(sha256)
                .setTeacherFingerprint("t").setTokenizerFingerprint(new CharTokenizer().fingerprint())
                .setConsumedOffsets(List.of())
                .setConfig(TrainingConfig.newBuilder().setTopK(8).setKdWeight(1).setSftWeight(0.4).setTemperature(1)
                        .setLossVariant("renormalised").setLearningRate(1e-3).setBatchSize(4).setSeed(1).build())
                .setMetrics(new TrainMetrics(1.0, 0.5, 0.5, 100.0))
                .setCreatedAt(Instant.now())
                .build();
    }

    @Test
    void shouldScoreGoodCheckpointsAndReportBadOnesWithoutStopping(EmbeddedPlatform platform, @TempDir Path dir) throws Exception {
        CharTokenizer tokenizer = new CharTokenizer();
        Path good = dir.resolve("good.ckpt");
        String goodSha;
        try (DecoderLanguageModel student = DecoderLanguageModel.create(TransformerConfig.student(tokenizer.vocabularySize()), 5)) {
            goodSha = CheckpointFile.write(good, student, tokenizer.fingerprint(), Map.of());
        }
        Path truncated = dir.resolve("truncated.ckpt");
        byte[] bytes = Files.readAllBytes(good);
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 2));

        Settings settings = Settings.of(Map.of(
                "bootstrap.servers", platform.bootstrapServers(),
                "schema.registry.url", platform.schemaRegistryUrl(),
                "kdstream.evaluator.max.new.tokens", "8"));
        Map<String, Object> client = settings.clientProperties();
        TopicAdmin.ensureTopics(client, TopicCatalogue.ALL);
        TopicCatalogue catalogue = new TopicCatalogue(client);
        try (KafkaProducer<String, Prompt> prompts = KafkaClients.producer(client, catalogue.prompts(), "test");
             KafkaProducer<String, CheckpointEvent> events = KafkaClients.producer(client, catalogue.checkpoints(), "test")) {
            for (int i = 0; i < 3; i++) {
                Prompt prompt = Prompt.newBuilder().setId("q" + i).setDataset("math").setSplit(Split.TEST)
                        .setPrompt("What is " + i + "+1?").setResponse((i + 1) + " #### " + (i + 1)).setExpectedAnswer(Integer.toString(i + 1))
                        .setSource("test").setCreatedAt(Instant.now()).build();
                prompts.send(new ProducerRecord<>(TopicCatalogue.PROMPTS.name(), prompt.getId(), prompt)).get();
            }
            events.send(new ProducerRecord<>(TopicCatalogue.CHECKPOINTS.name(), "eval-test/1", event(1, good, goodSha))).get();
            events.send(new ProducerRecord<>(TopicCatalogue.CHECKPOINTS.name(), "eval-test/2", event(2, truncated, goodSha))).get();
            events.send(new ProducerRecord<>(TopicCatalogue.CHECKPOINTS.name(), "eval-test/3", event(3, dir.resolve("missing.ckpt"), goodSha))).get();
        }

        EvaluatorService evaluator = new EvaluatorService(EvaluatorConfig.from(settings));
        evaluator.start();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> evaluator.published() >= 3 || evaluator.isStopped());
        } finally {
            evaluator.close();
        }

        assertThat(evaluator.failure()).isNull();
        List<EvalResult> results = TopicSnapshot.read(platform.bootstrapServers(), TopicCatalogue.EVALS.name(),
                        catalogue.evals().keySerde().deserializer(), catalogue.evals().valueSerde().deserializer(), 3, Duration.ofSeconds(30))
                .stream().map(ConsumerRecord::value).toList();
        assertThat(results).extracting(EvalResult::getStep, EvalResult::getStatus).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple(1L, EvalStatus.OK),
                org.assertj.core.groups.Tuple.tuple(2L, EvalStatus.CHECKPOINT_INVALID),
                org.assertj.core.groups.Tuple.tuple(3L, EvalStatus.CHECKPOINT_INVALID));
        EvalResult ok = results.stream().filter(r -> r.getStep() == 1).findFirst().orElseThrow();
        assertThat(ok.getExamples()).isEqualTo(3);
        assertThat(ok.getAnswerCrossEntropy()).isPositive();
        assertThat(results).filteredOn(r -> r.getStep() == 2).singleElement()
                .satisfies(r -> assertThat(r.getError()).containsIgnoringCase("sha-256"));
        assertThat(results).filteredOn(r -> r.getStep() == 3).singleElement()
                .satisfies(r -> assertThat(r.getError()).contains("missing.ckpt"));
    }
}
