package io.kdstream.evaluator.service;

import io.kdstream.model.checkpoint.CheckpointFile;
import io.kdstream.model.tokenizer.CharTokenizer;
import io.kdstream.model.transformer.DecoderLanguageModel;
import io.kdstream.model.transformer.TransformerConfig;
import io.kdstream.platform.config.Settings;
import io.kdstream.platform.embedded.EmbeddedPlatform;
import io.kdstream.platform.kafka.TopicAdmin;
import io.kdstream.platform.kafka.TopicSnapshot;
import io.kdstream.platform.service.JvmProcess;
import io.kdstream.platform.testing.EmbeddedPlatformExtension;
import io.kdstream.evaluator.testing.CheckpointEvents;
import io.kdstream.schemas.avro.CheckpointEvent;
import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.avro.Split;
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

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The evaluator, a child JVM, killed with SIGKILL at random moments while it scores a queue of checkpoints, and
 * started again each time: every checkpoint ends up evaluated, and each evaluation is published once (an evaluation
 * published and killed before its offset was committed would be published again, under the same key; counted). Prints
 * a row for RELIABILITY.md ({@code evaluator-kill | ...}).
 */
@ExtendWith(EmbeddedPlatformExtension.class)
class EvaluatorKillIntegrationTest {

    private static final String DATASET = "math-eval-kill";

    private static final String RUN = "eval-kill";
    private static final int CHECKPOINTS = 30;
    private static final int KILLS = 3;

    @Test
    void shouldEvaluateEveryCheckpointOnceThoughKilledMidScore(EmbeddedPlatform platform, @TempDir Path dir) throws Exception {
        CharTokenizer tokenizer = new CharTokenizer();
        Path checkpoint = dir.resolve("student.ckpt");
        String sha;
        try (DecoderLanguageModel student = DecoderLanguageModel.create(TransformerConfig.student(tokenizer.vocabularySize()), 3)) {
            sha = CheckpointFile.write(checkpoint, student, tokenizer.fingerprint(), Map.of());
        }
        Settings settings = Settings.of(Map.of(
                "bootstrap.servers", platform.bootstrapServers(),
                "schema.registry.url", platform.schemaRegistryUrl(),
                "kdstream.evaluator.group.id", "eval-kill-evaluator",
                // a dataset of its own: the platform's kd.prompts is shared, and other tests count their held-out prompts
                "kdstream.evaluator.dataset", DATASET,
                "kdstream.evaluator.max.examples", "40",
                "kdstream.evaluator.max.new.tokens", "64"));
        Map<String, Object> client = settings.clientProperties();
        TopicAdmin.ensureTopics(client, TopicCatalogue.ALL);
        TopicCatalogue catalogue = new TopicCatalogue(client);
        try (KafkaProducer<String, Prompt> prompts = KafkaClients.producer(client, catalogue.prompts(), "test");
             KafkaProducer<String, CheckpointEvent> events = KafkaClients.producer(client, catalogue.checkpoints(), "test")) {
            for (int i = 0; i < 40; i++) {
                Prompt prompt = Prompt.newBuilder().setId("eval-kill-q" + i).setDataset(DATASET).setSplit(Split.TEST)
                        .setPrompt("What is " + i + "+2?").setResponse((i + 2) + " #### " + (i + 2)).setExpectedAnswer(Integer.toString(i + 2))
                        .setSource("test").setCreatedAt(Instant.now()).build();
                prompts.send(new ProducerRecord<>(TopicCatalogue.PROMPTS.name(), prompt.getId(), prompt)).get();
            }
            for (long step = 1; step <= CHECKPOINTS; step++) {
                events.send(new ProducerRecord<>(TopicCatalogue.CHECKPOINTS.name(), TopicCatalogue.checkpointKey(RUN, step), event(step, checkpoint, sha))).get();
            }
        }

        Random random = new Random(31);
        List<String> killedAt = new ArrayList<>();
        for (int run = 0; run <= KILLS; run++) {
            Process evaluator = JvmProcess.start(EvaluatorService.class, settings, dir, "evaluator-" + run, List.of("-Xmx512m", "-XX:+UseSerialGC",
                    "-XX:TieredStopAtLevel=1", "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1"));
            try {
                if (run < KILLS) {
                    Path log = dir.resolve("evaluator-" + run + ".log");
                    // mid-score: once this process has scored a checkpoint (its log says so), at a random moment while it scores the next
                    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20)).until(() -> scored(log) > 0 || !evaluator.isAlive());
                    assertThat(evaluator.isAlive()).as("evaluator %d runs (log: %s)", run, log).isTrue();
                    Thread.sleep(random.nextInt(300));
                    killedAt.add(scored(log) + " scored by it");
                } else {
                    await().atMost(Duration.ofSeconds(180)).until(() -> distinctSteps(platform) == CHECKPOINTS || !evaluator.isAlive());
                }
            } finally {
                evaluator.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL
            }
        }

        List<String> keys = evaluations(platform);
        Map<String, Long> perKey = keys.stream().collect(Collectors.groupingBy(key -> key, Collectors.counting()));
        long duplicated = perKey.values().stream().mapToLong(n -> n - 1).sum();
        long missing = LongStream.rangeClosed(1, CHECKPOINTS).filter(step -> perKey.keySet().stream().noneMatch(key -> key.startsWith(RUN + "/" + step + "/"))).count();
        System.out.printf("evaluator-kill | SIGKILL %d times at random moments while scoring a queue of %d checkpoints (40 problems each),"
                        + " restarted each time; killed after %s | %d checkpoints | evaluated %d | lost %d | duplicated %d%n",
                KILLS, CHECKPOINTS, String.join(", ", killedAt), CHECKPOINTS, perKey.size(), missing, duplicated);
        assertThat(missing).as("checkpoints never evaluated").isZero();
        assertThat(duplicated).as("evaluations published twice").isZero();
    }

    /** Checkpoints an evaluator process's log says it scored. */
    private static long scored(Path log) throws Exception {
        return Files.exists(log) ? Files.readAllLines(log).stream().filter(line -> line.contains(RUN + " step ")).count() : 0;
    }

    /** The keys of this run's evaluations, one a record. */
    private static List<String> evaluations(EmbeddedPlatform platform) {
        return TopicSnapshot.read(platform.bootstrapServers(), TopicCatalogue.EVALS.name(), new StringDeserializer(), new ByteArrayDeserializer(), 0,
                        Duration.ofSeconds(5)).stream().map(ConsumerRecord::key).filter(key -> key != null && key.startsWith(RUN + "/")).toList();
    }

    private static long distinctSteps(EmbeddedPlatform platform) {
        return evaluations(platform).stream().distinct().count();
    }

    private static CheckpointEvent event(long step, Path file, String sha256) {
        return CheckpointEvents.of(RUN, step, file, sha256);
    }
}
