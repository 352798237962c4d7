package io.kdstream.evaluator;

import io.kdstream.evaluator.leaderboard.EvalResults;
import io.kdstream.evaluator.leaderboard.LeaderboardConfig;
import io.kdstream.evaluator.leaderboard.RunStanding;
import io.kdstream.evaluator.service.EvaluatorService;
import io.kdstream.evaluator.web.Leaderboard;
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
import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.avro.Split;
import io.kdstream.schemas.avro.TrainMetrics;
import io.kdstream.schemas.avro.TrainingConfig;
import io.kdstream.schemas.testing.HostileInput;
import io.kdstream.schemas.topics.KafkaClients;
import io.kdstream.schemas.topics.TopicCatalogue;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Hostile values on the topics the evaluator (kd.checkpoints) and the leaderboard (kd.evals) read ({@link HostileInput}). */
@ExtendWith(EmbeddedPlatformExtension.class)
class HostileInputIntegrationTest {

    private static final String RUN = "hostile-eval";

    @Test
    void shouldDeadLetterEveryHostileCheckpointEventAndThenScoreTheGoodOne(EmbeddedPlatform platform, @TempDir Path dir) throws Exception {
        Settings settings = Settings.of(Map.of(
                "bootstrap.servers", platform.bootstrapServers(),
                "schema.registry.url", platform.schemaRegistryUrl(),
                "kdstream.evaluator.group.id", "evaluator-hostile",
                // its own held-out set: the other evaluator tests of this JVM score math/test and count its examples
                "kdstream.evaluator.split", "validation",
                "kdstream.evaluator.max.new.tokens", "4"));
        Map<String, Object> client = settings.clientProperties();
        TopicAdmin.ensureTopics(client, TopicCatalogue.ALL);
        TopicCatalogue catalogue = new TopicCatalogue(client);
        try (KafkaProducer<String, Prompt> prompts = KafkaClients.producer(client, catalogue.prompts(), "test")) {
            Prompt prompt = Prompt.newBuilder().setId("hostile-eval-q").setDataset("math").setSplit(Split.VALIDATION).setPrompt("What is 1+1?")
                    .setResponse("2 #### 2").setExpectedAnswer("2").setSource("test").setCreatedAt(Instant.now()).build();
            prompts.send(new ProducerRecord<>(TopicCatalogue.PROMPTS.name(), prompt.getId(), prompt)).get();
        }
        byte[] good = catalogue.checkpoints().valueSerde().serializer().serialize(TopicCatalogue.CHECKPOINTS.name(), checkpointEvent(dir));

        EvaluatorService evaluator = new EvaluatorService(EvaluatorConfig.from(settings));
        evaluator.start();
        try {
            HostileInput sent = HostileInput.send(client, TopicCatalogue.CHECKPOINTS.name(), "hostile-evaluator-", good, CheckpointEvent.getClassSchema());
            sent.assertDeadLetteredAndGoodProcessed(EvaluatorService.SERVICE, () -> evaluator.isAlive() && !evaluator.isStopped(),
                    () -> evaluationKeys(client).stream().anyMatch(key -> key != null && key.startsWith(RUN + "/")));
        } finally {
            evaluator.close();
        }
    }

    @Test
    void shouldDeadLetterEveryHostileEvalResultAndThenRankTheGoodOne(EmbeddedPlatform platform, @TempDir Path dir) throws Exception {
        String run = "hostile-board-" + UUID.randomUUID();
        Settings settings = Settings.of(Map.of(
                "bootstrap.servers", platform.bootstrapServers(),
                "schema.registry.url", platform.schemaRegistryUrl(),
                "application.id", "leaderboard-hostile-" + UUID.randomUUID(),
                "state.dir", dir.resolve("state").toString(),
                "num.stream.threads", "1",
                "commit.interval.ms", "100",
                "statestore.cache.max.bytes", "0",
                "kdstream.leaderboard.port", "0"));
        Map<String, Object> client = settings.clientProperties();
        TopicAdmin.ensureTopics(client, TopicCatalogue.ALL);
        byte[] good = new TopicCatalogue(client).evals().valueSerde().serializer().serialize(TopicCatalogue.EVALS.name(), EvalResults.ok(run, 100, 0.5));

        try (Leaderboard leaderboard = new Leaderboard(LeaderboardConfig.from(settings))) {
            leaderboard.start();
            HostileInput sent = HostileInput.send(client, TopicCatalogue.EVALS.name(), "hostile-board-", good, EvalResult.getClassSchema());
            sent.assertDeadLetteredAndGoodProcessed(LeaderboardConfig.SERVICE, leaderboard::isAlive,
                    () -> leaderboard.standings().stream().map(RunStanding::runId).toList().contains(run));
        }
    }

    private static CheckpointEvent checkpointEvent(Path dir) throws Exception {
        CharTokenizer tokenizer = new CharTokenizer();
        Path file = dir.resolve("student.ckpt");
        String sha;
        try (DecoderLanguageModel student = DecoderLanguageModel.create(TransformerConfig.student(tokenizer.vocabularySize()), 5)) {
            sha = CheckpointFile.write(file, student, tokenizer.fingerprint(), Map.of());
        }
        return CheckpointEvent.newBuilder()
                .setRunId(RUN).setStep(1).setTokensSeen(0).setUri(file.toUri().toString()).setSha256(sha)
                .setTeacherFingerprint("t").setTokenizerFingerprint(tokenizer.fingerprint()).setConsumedOffsets(List.of())
                .setConfig(TrainingConfig.newBuilder().setTopK(8).setKdWeight(1).setSftWeight(0.4).setTemperature(1)
                        .setLossVariant("renormalised").setLearningRate(1e-3).setBatchSize(4).setSeed(1).build())
                .setMetrics(new TrainMetrics(1.0, 0.5, 0.5, 100.0)).setCreatedAt(Instant.now()).build();
    }

    /** The keys of kd.evals, read as bytes: the topic also holds the leaderboard test's hostile values. */
    private static List<String> evaluationKeys(Map<String, Object> client) {
        return TopicSnapshot.read(client, TopicCatalogue.EVALS.name(), new StringDeserializer(), new ByteArrayDeserializer(), 0, Duration.ofSeconds(5))
                .stream().map(ConsumerRecord::key).toList();
    }
}
