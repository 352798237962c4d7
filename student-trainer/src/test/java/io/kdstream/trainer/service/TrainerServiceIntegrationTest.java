package io.kdstream.trainer.service;

import io.kdstream.model.checkpoint.CheckpointFile;
import io.kdstream.model.checkpoint.LoadedCheckpoint;
import io.kdstream.model.tokenizer.CharTokenizer;
import io.kdstream.model.transformer.TransformerConfig;
import io.kdstream.platform.config.Settings;
import io.kdstream.platform.embedded.EmbeddedPlatform;
import io.kdstream.platform.kafka.TopicAdmin;
import io.kdstream.platform.kafka.TopicSnapshot;
import io.kdstream.platform.observability.Observability;
import io.kdstream.platform.testing.EmbeddedPlatformExtension;
import io.kdstream.schemas.avro.CheckpointEvent;
import io.kdstream.schemas.avro.DeadLetter;
import io.kdstream.schemas.avro.Split;
import io.kdstream.schemas.avro.TeacherLogits;
import io.kdstream.schemas.logits.LogitsKey;
import io.kdstream.schemas.topics.TopicCatalogue;
import io.kdstream.trainer.TrainerConfig;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@ExtendWith(EmbeddedPlatformExtension.class)
class TrainerServiceIntegrationTest {

    private static final int K = TeacherRecords.K;

    private static TeacherLogits record(String promptId, String teacher, String tokenizerFingerprint, Split split, Random random) {
        return TeacherRecords.record(promptId, teacher, tokenizerFingerprint, split, random, K);
    }

    private static TeacherLogits record(String promptId, String teacher, String tokenizerFingerprint, Split split, Random random, int k) {
        return TeacherRecords.record(promptId, teacher, tokenizerFingerprint, split, random, k);
    }

    @Test
    void shouldSayWhatItWaitsForWhileTooFewExamplesAreCached(EmbeddedPlatform platform, @TempDir Path dir) throws Exception {
        // a teacher nothing was cached for: the trainer waits, and a wait that says nothing looks like a hang
        Settings settings = SmallTrainerSettings.of(platform.bootstrapServers(), platform.schemaRegistryUrl(), "trainer-waiting",
                "teacher-never-cached", dir, Map.of("kdstream.trainer.steps", "4", "kdstream.trainer.min.examples", "5"));
        TopicAdmin.ensureTopics(settings.clientProperties(), TopicCatalogue.ALL);
        try (CapturedLog log = new CapturedLog(TrainerService.class)) {
            TrainerService trainer = new TrainerService(TrainerConfig.from(settings));
            try {
                trainer.start();
                await().atMost(Duration.ofSeconds(60)).until(() -> log.messages().stream().anyMatch(line -> line.contains("waiting for data")));
            } finally {
                trainer.close();
            }
            assertThat(log.messages()).filteredOn(line -> line.contains("waiting for data")).singleElement().asString()
                    .contains("0 examples cached of the 5 it starts with (kdstream.trainer.min.examples)");
            assertThat(trainer.progress().step()).isZero();
        }
    }

    @Test
    void shouldTrainOnItsTeachersRecordsOnlyAndAnnounceAVerifiableCheckpoint(EmbeddedPlatform platform, @TempDir Path dir) throws Exception {
        String tokenizer = new CharTokenizer().fingerprint();
        Settings settings = SmallTrainerSettings.of(platform.bootstrapServers(), platform.schemaRegistryUrl(), "trainer-test",
                "teacher-a", dir, Map.of(
                        "kdstream.trainer.steps", "4",
                        "kdstream.trainer.checkpoint.every", "2",
                        "kdstream.trainer.min.examples", "3",
                        "kdstream.trainer.batch.size", "2",
                        "kdstream.trainer.loss.variant", "tail",
                        "kdstream.trainer.kl.direction", "reverse"));
        Map<String, Object> client = settings.clientProperties();
        TopicAdmin.ensureTopics(client, TopicCatalogue.ALL);
        TopicCatalogue catalogue = new TopicCatalogue(client);
        Random random = new Random(1);
        // another teacher's record first in partition 0, which a replay files first: the pinned teacher must hold
        TeacherRecords.produce(client, catalogue, 0, record("p0", "teacher-b", tokenizer, Split.TRAIN, random));
        TeacherRecords.produce(client, catalogue, List.of(
                record("p1", "teacher-a", tokenizer, Split.TRAIN, random),
                record("p2", "teacher-a", tokenizer, Split.TRAIN, random),
                record("p3", "teacher-a", tokenizer, Split.TRAIN, random),
                record("p4", "teacher-a", tokenizer, Split.TEST, random),
                record("p5", "teacher-b", tokenizer, Split.TRAIN, random),
                record("p6", "teacher-a", "bpe-v9:other", Split.TRAIN, random),
                record("p7", "teacher-a", tokenizer, Split.TRAIN, random, K - 1),
                // well-formed on the outside, so it is cached; its logits are found malformed when it is first trained on
                TeacherLogits.newBuilder(record("p8", "teacher-a", tokenizer, Split.TRAIN, random))
                        .setTopkIds(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3})).build()));
        // cut short inside its summary fields: refused when filed, naming the field and a byte of the record (never of
        // the fetch buffer it lay in, which differs when a replay reads it again)
        TeacherLogits truncated = record("p9", "teacher-a", tokenizer, Split.TRAIN, random);
        byte[] whole = catalogue.teacherLogits().valueSerde().serializer().serialize(TopicCatalogue.TEACHER_LOGITS.name(), truncated);
        TeacherRecords.produceRaw(client, truncated, java.util.Arrays.copyOf(whole, 5 + 30));

        TrainerService trainer = new TrainerService(TrainerConfig.from(settings));
        trainer.start();
        trainer.awaitTermination();

        assertThat(trainer.failure()).isNull();
        TrainerService.Progress progress = trainer.progress();
        assertThat(progress.step()).isEqualTo(4);
        assertThat(progress.cachedExamples()).isEqualTo(3);
        // the topic is shared with the other tests of this JVM: every record of another teacher than teacher-a counts
        long otherTeachers = TopicSnapshot.read(platform.bootstrapServers(), TopicCatalogue.TEACHER_LOGITS.name(),
                        new StringDeserializer(), new ByteArrayDeserializer(), 7, Duration.ofSeconds(30)).stream()
                .filter(record -> record.value() != null && !LogitsKey.teacherOf(record.key()).equals("teacher-a"))
                .count();
        assertThat(otherTeachers).isPositive();
        assertThat(progress.otherTeacherRecords()).isEqualTo(otherTeachers);
        MeterRegistry meters = Observability.registry();
        assertThat(meters.get("kdstream.trainer.steps").tag("run", "trainer-test").counter().count()).isEqualTo(4.0);
        assertThat(meters.get("kdstream.trainer.tokens").tag("run", "trainer-test").counter().count()).isPositive();
        assertThat(meters.get("kdstream.trainer.loss").tag("run", "trainer-test").tag("term", "kd").gauge().value()).isPositive();
        assertThat(meters.get("kdstream.trainer.cached.examples").tag("run", "trainer-test").gauge().value()).isEqualTo(3.0);
        assertThat(meters.get("kdstream.trainer.dead.lettered").tag("run", "trainer-test").functionCounter().count()).isEqualTo(4.0);
        List<CheckpointEvent> events = TopicSnapshot.read(platform.bootstrapServers(), TopicCatalogue.CHECKPOINTS.name(),
                        catalogue.checkpoints().keySerde().deserializer(), catalogue.checkpoints().valueSerde().deserializer(), 2, Duration.ofSeconds(30))
                .stream().map(ConsumerRecord::value).filter(event -> event.getRunId().equals("trainer-test")).toList();
        assertThat(events).extracting(CheckpointEvent::getStep).containsExactly(2L, 4L);
        CheckpointEvent last = events.get(1);
        assertThat(last.getTeacherFingerprint()).isEqualTo("teacher-a");
        assertThat(last.getConfig().getTopK()).isEqualTo(K);
        assertThat(last.getConfig().getLossVariant()).isEqualTo("tail");
        assertThat(last.getConfig().getOther()).containsEntry("klDirection", "reverse").containsEntry("studentLayers", "1")
                .containsEntry("studentWidth", "32");
        assertThat(last.getConsumedOffsets()).hasSize(TopicCatalogue.TEACHER_LOGITS.partitions());
        try (LoadedCheckpoint loaded = CheckpointFile.read(Path.of(URI.create(last.getUri())), last.getSha256(), tokenizer)) {
            assertThat(loaded.metadata()).containsEntry("run.id", "trainer-test").containsEntry("step", "4");
            assertThat(loaded.model().config()).isEqualTo(new TransformerConfig(new CharTokenizer().vocabularySize(),
                    TransformerConfig.student(1).contextLength(), 32, 2, 1, 64));
        }
        List<DeadLetter> letters = trainerLetters(platform, catalogue);
        assertThat(letters).extracting(DeadLetter::getErrorMessage)
                .satisfiesExactlyInAnyOrder(
                        message -> assertThat(message).contains("bpe-v9:other").contains(tokenizer),
                        message -> assertThat(message).contains("p7").contains("top-" + (K - 1)).contains("kdstream.trainer.topk=" + K),
                        message -> assertThat(message).contains("p8").contains("topkIds"),
                        message -> assertThat(message).contains("field ").contains("(the record has 30 bytes)"));

        // A rebuild replays the topic: it keeps to the configured teacher, and the bad records are met again and kept
        // out of training, but the dead-letter topic already holds them and gets no second copy. Four more steps of
        // batch 2 draw all four cached entries.
        Settings rebuild = settings.with(Map.of("kdstream.trainer.cache.rebuild", "true", "kdstream.trainer.steps", "8"));
        TrainerService rebuilt = new TrainerService(TrainerConfig.from(rebuild));
        try {
            rebuilt.start();
            // bounded: a trainer of the wrong teacher would wait for examples that never come
            await().atMost(Duration.ofSeconds(120)).until(rebuilt::isStopped);
        } finally {
            rebuilt.close();
        }
        assertThat(rebuilt.failure()).isNull();
        assertThat(rebuilt.progress().cacheRebuilds()).isEqualTo(1);
        assertThat(rebuilt.progress().step()).isEqualTo(8);
        assertThat(rebuilt.progress().cachedExamples()).isEqualTo(3);
        assertThat(rebuilt.progress().deadLettered()).isEqualTo(4); // met again, all four
        assertThat(trainerLetters(platform, catalogue)).isEqualTo(letters);
    }

    /** The dead letters trainers sent about teacher-a's records (the topic is shared with the other tests of this JVM). */
    private static List<DeadLetter> trainerLetters(EmbeddedPlatform platform, TopicCatalogue catalogue) {
        return TopicSnapshot.read(platform.bootstrapServers(), TopicCatalogue.DEAD_LETTER.name(),
                        catalogue.deadLetter().keySerde().deserializer(), catalogue.deadLetter().valueSerde().deserializer(), 1,
                        Duration.ofSeconds(30)).stream()
                .filter(record -> record.key() != null && new String(record.key(), java.nio.charset.StandardCharsets.UTF_8).startsWith("teacher-a/"))
                .map(ConsumerRecord::value).filter(letter -> letter.getService().equals(TrainerService.SERVICE)).toList();
    }
}
