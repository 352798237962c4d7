package io.kdstream.trainer.service;

import io.kdstream.model.tokenizer.CharTokenizer;
import io.kdstream.platform.config.Settings;
import io.kdstream.platform.embedded.EmbeddedKafkaBroker;
import io.kdstream.platform.embedded.EmbeddedPlatform;
import io.kdstream.platform.kafka.TopicAdmin;
import io.kdstream.platform.testing.EmbeddedPlatformExtension;
import io.kdstream.schemas.avro.Split;
import io.kdstream.schemas.avro.TeacherLogits;
import io.kdstream.schemas.topics.TopicCatalogue;
import io.kdstream.trainer.TrainerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The broker restarted on its own log directory while the trainer trains and reads the logit cache: it goes on by
 * itself and caches every sequence once, those sent before the restart and those sent after. Prints a row for
 * RELIABILITY.md ({@code broker-restart-trainer | ...}). Its own broker; the shared registry.
 */
@ExtendWith(EmbeddedPlatformExtension.class)
class TrainerBrokerRestartIntegrationTest {

    private static final String TEACHER = "teacher-restart";
    private static final int BEFORE = 60;
    private static final int AFTER = 60;

    @Test
    void shouldCacheEverySequenceOnceWhenTheBrokerRestartsMidRun(EmbeddedPlatform platform, @TempDir Path dir) throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(Files.createDirectories(dir.resolve("kafka")), true)) {
            Settings settings = SmallTrainerSettings.of(broker.bootstrapServers(), platform.schemaRegistryUrl(), "trainer-restart",
                    TEACHER, dir.resolve("checkpoints"), Map.of(
                            "kdstream.trainer.steps", "1000000",
                            "kdstream.trainer.checkpoint.every", "50",
                            "kdstream.trainer.batch.size", "2"));
            Map<String, Object> client = settings.clientProperties();
            TopicAdmin.ensureTopics(client, TopicCatalogue.ALL);
            TopicCatalogue catalogue = new TopicCatalogue(client);
            TeacherRecords.produce(client, catalogue, records(0, BEFORE));

            TrainerService trainer = new TrainerService(TrainerConfig.from(settings));
            long stepBefore;
            long restartMillis;
            try {
                trainer.start();
                await().atMost(Duration.ofSeconds(60)).until(() -> trainer.progress().cachedExamples() == BEFORE && trainer.progress().step() >= 10);
                stepBefore = trainer.progress().step();
                long down = System.nanoTime();
                broker.restart();
                restartMillis = (System.nanoTime() - down) / 1_000_000;
                TeacherRecords.produce(client, catalogue, records(BEFORE, AFTER));
                await().atMost(Duration.ofSeconds(120)).until(() -> trainer.progress().cachedExamples() >= BEFORE + AFTER || trainer.failure() != null);
                await().atMost(Duration.ofSeconds(60)).until(() -> trainer.progress().step() > stepBefore + 50 || trainer.failure() != null);
            } finally {
                trainer.close();
            }

            TrainerService.Progress progress = trainer.progress();
            System.out.printf("broker-restart-trainer | trainer at step %d, broker restarted, %d more records sent | in %d | cached %d | lost %d"
                            + " | broker down and up %d ms | trained to step %d | trainer failure %s%n",
                    stepBefore, AFTER, BEFORE + AFTER, progress.cachedExamples(), BEFORE + AFTER - progress.cachedExamples(), restartMillis,
                    progress.step(), trainer.failure());
            assertThat(trainer.failure()).isNull();
            assertThat(progress.cachedExamples()).as("sequences cached, one a prompt").isEqualTo(BEFORE + AFTER);
        }
    }

    private static List<TeacherLogits> records(int from, int count) {
        Random random = new Random(from);
        String tokenizer = new CharTokenizer().fingerprint();
        return IntStream.range(from, from + count)
                .mapToObj(i -> TeacherRecords.record("restart-" + i, TEACHER, tokenizer, Split.TRAIN, random, TeacherRecords.K)).toList();
    }
}
