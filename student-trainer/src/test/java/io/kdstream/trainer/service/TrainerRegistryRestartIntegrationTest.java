package io.kdstream.trainer.service;

import io.kdstream.model.tokenizer.CharTokenizer;
import io.kdstream.platform.config.KdstreamHome;
import io.kdstream.platform.config.Settings;
import io.kdstream.platform.embedded.EmbeddedKafkaBroker;
import io.kdstream.platform.embedded.EmbeddedSchemaRegistry;
import io.kdstream.platform.kafka.TopicAdmin;
import io.kdstream.platform.kafka.TopicSnapshot;
import io.kdstream.schemas.avro.Split;
import io.kdstream.schemas.avro.TeacherLogits;
import io.kdstream.schemas.registry.SchemaRegistryClient;
import io.kdstream.schemas.testing.EvolvedSchemas;
import io.kdstream.schemas.topics.TopicCatalogue;
import io.kdstream.trainer.TrainerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

import static io.kdstream.schemas.testing.OutageProbes.counted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The schema registry stopped and restarted (same port, same H2 files) while the trainer trains: logit records of a
 * schema id it has not met (a compatible new version of TeacherLogits, registered before the outage) arrive while it
 * is down. The trainer trains on from its cache meanwhile, files them when the registry answers, and dead-letters
 * none. Prints a row for RELIABILITY.md ({@code registry-restart-trainer | ...}). Its own broker and registry.
 */
class TrainerRegistryRestartIntegrationTest {

    private static final String TEACHER = "teacher-registry-outage";
    private static final int BEFORE = 40;
    private static final int DURING_OUTAGE = 40;
    /** The first checkpoint falls while the registry is away (it stops at step 10 or so). */
    private static final long CHECKPOINT_EVERY = 25;

    @Test
    void shouldTrainOnAndCacheEveryRecordOfAnUncachedSchemaIdOnceTheRegistryAnswers(@TempDir Path dir) throws Exception {
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(KdstreamHome.path(), Files.createDirectories(dir.resolve("registry")));
             EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(Files.createDirectories(dir.resolve("kafka")), true)) {
            Settings settings = SmallTrainerSettings.of(broker.bootstrapServers(), registry.url(), "trainer-registry-outage",
                    TEACHER, dir.resolve("checkpoints"), Map.of(
                            "kdstream.trainer.steps", "1000000",
                            "kdstream.trainer.checkpoint.every", Long.toString(CHECKPOINT_EVERY),
                            "kdstream.trainer.batch.size", "2"));
            Map<String, Object> client = settings.clientProperties();
            TopicAdmin.ensureTopics(client, TopicCatalogue.ALL);
            TopicCatalogue catalogue = new TopicCatalogue(client);
            TeacherRecords.produce(client, catalogue, records(0, BEFORE));
            // a bad record, dead-lettered before the outage: dead-lettering then needs no registry (else a good record's
            // dead letter would fail for the registry too, and hide the fault)
            TeacherLogits bad = records(BEFORE + DURING_OUTAGE, 1).get(0);
            TeacherRecords.produceRaw(client, bad, "not avro".getBytes(StandardCharsets.UTF_8));
            // a compatible new version of TeacherLogits, registered now: the trainer has not met its id
            int evolvedId = new SchemaRegistryClient(registry.url())
                    .register(TopicCatalogue.TEACHER_LOGITS.name() + "-value", EvolvedSchemas.withOptionalField(TeacherLogits.getClassSchema()));
            List<TeacherLogits> duringOutage = records(BEFORE, DURING_OUTAGE);

            TrainerService trainer = new TrainerService(TrainerConfig.from(settings));
            long stepAtOutage;
            long stepAtRestart;
            long downMillis;
            long recoveryMillis;
            try {
                trainer.start();
                await().atMost(Duration.ofSeconds(60)).until(() -> trainer.progress().cachedExamples() == BEFORE && trainer.progress().deadLettered() == 1
                        && trainer.progress().step() >= 10);
                long down = System.nanoTime();
                registry.stop();
                stepAtOutage = trainer.progress().step();
                for (TeacherLogits logits : duringOutage) {
                    TeacherRecords.produceRaw(client, logits, EvolvedSchemas.encodedUnder(evolvedId,
                            catalogue.teacherLogits().valueSerde().serializer().serialize(TopicCatalogue.TEACHER_LOGITS.name(), logits)));
                }
                await().atMost(Duration.ofSeconds(90)).until(() -> counted("kdstream.registry.outages", trainer.name()) >= 1 || trainer.failure() != null);
                long stepAtWait = trainer.progress().step();
                // meanwhile it trains on what it has cached, and checkpoints: the first checkpoint's event has a schema it has
                // not registered yet, so its announcement waits for the registry while training goes on
                await().atMost(Duration.ofSeconds(60)).until(() -> trainer.progress().step() >= Math.max(stepAtWait + 10, CHECKPOINT_EVERY + 5)
                        || trainer.failure() != null);
                stepAtRestart = trainer.progress().step();
                registry.restart();
                downMillis = (System.nanoTime() - down) / 1_000_000;
                long up = System.nanoTime();
                await().atMost(Duration.ofSeconds(120)).until(() -> trainer.progress().cachedExamples() >= BEFORE + DURING_OUTAGE || trainer.failure() != null);
                recoveryMillis = (System.nanoTime() - up) / 1_000_000;
                await().atMost(Duration.ofSeconds(60)).until(() -> trainer.progress().step() > stepAtRestart + 20 || trainer.failure() != null);
                // the trainer asks the registry again every 2 s for the checkpoints whose announcement waits
                await().atMost(Duration.ofSeconds(30)).until(() -> !trainer.checkpointAnnouncementsWait() || trainer.failure() != null);
            } finally {
                trainer.close();
            }

            TrainerService.Progress progress = trainer.progress();
            System.out.printf("registry-restart-trainer | trainer at step %d, registry stopped, %d logit records of a schema id it had not"
                            + " cached sent, registry restarted | in %d | cached %d | lost %d | good records dead-lettered %d | registry down %d ms"
                            + " | all cached %d ms after it answered | steps trained while it was away %d; trained to step %d"
                            + " | waits %.0f, records put back %.0f | trainer failure %s%n",
                    stepAtOutage, DURING_OUTAGE, BEFORE + DURING_OUTAGE, progress.cachedExamples(), BEFORE + DURING_OUTAGE - progress.cachedExamples(),
                    progress.deadLettered() - 1, downMillis, recoveryMillis, stepAtRestart - stepAtOutage, progress.step(),
                    counted("kdstream.registry.outages", trainer.name()), counted("kdstream.registry.deferred", trainer.name()), trainer.failure());
            assertThat(trainer.failure()).isNull();
            assertThat(progress.cachedExamples()).as("sequences cached, one a prompt").isEqualTo(BEFORE + DURING_OUTAGE);
            assertThat(checkpointKeys(client)).as("the checkpoint made while the registry was away, announced once it answered")
                    .containsOnlyOnce(firstCheckpoint(settings));

            // the trainer restarted while the registry is away: it needs it at start (the letters it sent before, to
            // send none twice) and to decode what it draws from its cache (a new process has no schema cached); it
            // waits, then trains on from its checkpoint
            registry.stop();
            TrainerService restarted = new TrainerService(TrainerConfig.from(settings));
            long restartedDownMillis;
            try {
                long down = System.nanoTime();
                restarted.start();
                await().atMost(Duration.ofSeconds(90)).until(() -> counted("kdstream.registry.outages", restarted.name()) >= 2 || restarted.failure() != null);
                assertThat(restarted.progress().step()).as("no step while it cannot decode").isLessThanOrEqualTo(progress.step());
                registry.restart();
                restartedDownMillis = (System.nanoTime() - down) / 1_000_000;
                await().atMost(Duration.ofSeconds(120)).until(() -> restarted.progress().step() > progress.step() + 10 || restarted.failure() != null);
            } finally {
                restarted.close();
            }
            TrainerService.Progress after = restarted.progress();
            System.out.printf("registry-restart-trainer-start | trainer restarted on its cache and checkpoints while the registry was away,"
                            + " registry restarted | waits %.0f | registry down %d ms | trained from step %d to %d | dead-lettered %d"
                            + " | trainer failure %s%n", counted("kdstream.registry.outages", restarted.name()) - 1, restartedDownMillis,
                    progress.step(), after.step(), after.deadLettered(), restarted.failure());
            assertThat(restarted.failure()).isNull();
            assertThat(after.deadLettered()).as("nothing dead-lettered, the bad record not again").isZero();
            assertThat(progress.deadLettered()).as("dead letters: the bad record only").isEqualTo(1);
            assertThat(stepAtRestart).as("the trainer trains on while the registry is away").isGreaterThan(stepAtOutage);
            assertThat(counted("kdstream.registry.deferred", trainer.name())).as("records put back").isPositive();
        }
    }

    private static List<String> checkpointKeys(Map<String, Object> client) {
        return TopicSnapshot.read(client, TopicCatalogue.CHECKPOINTS.name(), new StringDeserializer(), new ByteArrayDeserializer(), 0,
                Duration.ofSeconds(30)).stream().map(ConsumerRecord::key).toList();
    }

    private static String firstCheckpoint(Settings settings) {
        return TopicCatalogue.checkpointKey(TrainerConfig.from(settings).runId(), CHECKPOINT_EVERY);
    }

    private static List<TeacherLogits> records(int from, int count) {
        Random random = new Random(from);
        String tokenizer = new CharTokenizer().fingerprint();
        return IntStream.range(from, from + count)
                .mapToObj(i -> TeacherRecords.record("registry-outage-" + i, TEACHER, tokenizer, Split.TRAIN, random, TeacherRecords.K)).toList();
    }
}
