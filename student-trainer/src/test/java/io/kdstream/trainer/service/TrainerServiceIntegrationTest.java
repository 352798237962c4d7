package io.kdstream.trainer.service;

import io.kdstream.model.checkpoint.CheckpointFile;
import io.kdstream.model.checkpoint.LoadedCheckpoint;
import io.kdstream.model.tokenizer.CharTokenizer;
import io.kdstream.model.tokenizer.TokenizedExample;
import io.kdstream.platform.config.Settings;
import io.kdstream.platform.embedded.EmbeddedPlatform;
import io.kdstream.platform.kafka.TopicAdmin;
import io.kdstream.platform.kafka.TopicSnapshot;
import io.kdstream.platform.observability.Observability;
import io.kdstream.platform.testing.EmbeddedPlatformExtension;
import io.kdstream.schemas.avro.CheckpointEvent;
import io.kdstream.schemas.avro.DeadLetter;
import io.kdstream.schemas.avro.IdEncoding;
import io.kdstream.schemas.avro.Split;
import io.kdstream.schemas.avro.TeacherIdentity;
import io.kdstream.schemas.avro.TeacherLogits;
import io.kdstream.schemas.avro.ValueEncoding;
import io.kdstream.schemas.avro.ValueKind;
import io.kdstream.schemas.logits.SequenceLogits;
import io.kdstream.schemas.logits.TopKCodec;
import io.kdstream.schemas.topics.KafkaClients;
import io.kdstream.schemas.topics.TopicCatalogue;
import io.kdstream.trainer.TrainerConfig;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(EmbeddedPlatformExtension.class)
class TrainerServiceIntegrationTest {

    private static final int K = 4;

    private static TeacherLogits record(String promptId, String teacher, String tokenizerFingerprint, Split split, Random random) {
        return record(promptId, teacher, tokenizerFingerprint, split, random, K);
    }

    /** A logit record with random top-k values (descending) for a small example. */
    private static TeacherLogits record(String promptId, String teacher, String tokenizerFingerprint, Split split, Random random, int k) {
        TokenizedExample example = new CharTokenizer().encodeExample("What is " + promptId + "?", "42 #### 42");
        int positions = example.tokens().length - 1;
        int[] ids = new int[positions * k];
        float[] values = new float[positions * k];
        float[] logSumExp = new float[positions];
        for (int p = 0; p < positions; p++) {
            float value = 5f;
            for (int r = 0; r < k; r++) {
                ids[p * k + r] = 5 + r;
                value -= random.nextFloat();
                values[p * k + r] = value;
            }
            logSumExp[p] = 6f;
        }
        return TeacherLogits.newBuilder()
                .setPromptId(promptId).setDataset("math").setSplit(split)
                .setTeacher(new TeacherIdentity("t", "1", teacher))
                .setTokenizerFingerprint(tokenizerFingerprint)
                .setTokenIds(Arrays.stream(example.tokens()).boxed().toList())
                .setLossMask(SequenceLogits.encodeMask(example.lossMask()))
                .setK(k).setPositions(positions).setValueKind(ValueKind.RAW_LOGITS)
                .setIdEncoding(IdEncoding.UINT16_LE).setTopkIds(TopKCodec.encodeIds(ids, IdEncoding.UINT16_LE))
                .setValueEncoding(ValueEncoding.FLOAT32_LE).setTopkValues(TopKCodec.encodeFloats(values, ValueEncoding.FLOAT32_LE))
                .setLogSumExp(TopKCodec.encodeFloats(logSumExp, ValueEncoding.FLOAT32_LE))
                .setCreatedAt(Instant.now())
                .build();
    }

    @Test
    void shouldTrainOnItsTeachersRecordsOnlyAndAnnounceAVerifiableCheckpoint(EmbeddedPlatform platform, @TempDir Path dir) throws Exception {
        String tokenizer = new CharTokenizer().fingerprint();
        Settings settings = Settings.of(Map.ofEntries(
                Map.entry("bootstrap.servers", platform.bootstrapServers()),
                Map.entry("schema.registry.url", platform.schemaRegistryUrl()),
                Map.entry("kdstream.trainer.run.id", "trainer-test"),
                Map.entry("kdstream.trainer.steps", "4"),
                Map.entry("kdstream.trainer.checkpoint.every", "2"),
                Map.entry("kdstream.trainer.checkpoint.dir", dir.toString()),
                Map.entry("kdstream.trainer.teacher.fingerprint", "teacher-a"),
                Map.entry("kdstream.trainer.min.examples", "3"),
                Map.entry("kdstream.trainer.batch.size", "2"),
                Map.entry("kdstream.trainer.loss.variant", "tail"),
                Map.entry("kdstream.trainer.kl.direction", "reverse"),
                Map.entry("kdstream.trainer.topk", Integer.toString(K))));
        Map<String, Object> client = settings.clientProperties();
        TopicAdmin.ensureTopics(client, TopicCatalogue.ALL);
        TopicCatalogue catalogue = new TopicCatalogue(client);
        Random random = new Random(1);
        try (KafkaProducer<String, TeacherLogits> producer = KafkaClients.producer(client, catalogue.teacherLogits(), "test")) {
            for (TeacherLogits logits : List.of(
                    record("p1", "teacher-a", tokenizer, Split.TRAIN, random),
                    record("p2", "teacher-a", tokenizer, Split.TRAIN, random),
                    record("p3", "teacher-a", tokenizer, Split.TRAIN, random),
                    record("p4", "teacher-a", tokenizer, Split.TEST, random),
                    record("p5", "teacher-b", tokenizer, Split.TRAIN, random),
                    record("p6", "teacher-a", "bpe-v9:other", Split.TRAIN, random),
                    record("p7", "teacher-a", tokenizer, Split.TRAIN, random, K - 1))) {
                String key = TopicCatalogue.teacherLogitsKey(logits.getTeacher().getFingerprint(), logits.getPromptId());
                producer.send(new ProducerRecord<>(TopicCatalogue.TEACHER_LOGITS.name(), key, logits)).get();
            }
        }

        TrainerService trainer = new TrainerService(TrainerConfig.from(settings));
        trainer.start();
        trainer.awaitTermination();

        assertThat(trainer.failure()).isNull();
        TrainerService.Progress progress = trainer.progress();
        assertThat(progress.step()).isEqualTo(4);
        assertThat(progress.cachedExamples()).isEqualTo(3);
        assertThat(progress.otherTeacherRecords()).isEqualTo(1);
        MeterRegistry meters = Observability.registry();
        assertThat(meters.get("kdstream.trainer.steps").tag("run", "trainer-test").counter().count()).isEqualTo(4.0);
        assertThat(meters.get("kdstream.trainer.tokens").tag("run", "trainer-test").counter().count()).isPositive();
        assertThat(meters.get("kdstream.trainer.loss").tag("run", "trainer-test").tag("term", "kd").gauge().value()).isPositive();
        assertThat(meters.get("kdstream.trainer.cached.examples").tag("run", "trainer-test").gauge().value()).isEqualTo(3.0);
        List<CheckpointEvent> events = TopicSnapshot.read(platform.bootstrapServers(), TopicCatalogue.CHECKPOINTS.name(),
                        catalogue.checkpoints().keySerde().deserializer(), catalogue.checkpoints().valueSerde().deserializer(), 2, Duration.ofSeconds(30))
                .stream().map(ConsumerRecord::value).toList();
        assertThat(events).extracting(CheckpointEvent::getStep).containsExactly(2L, 4L);
        CheckpointEvent last = events.get(1);
        assertThat(last.getTeacherFingerprint()).isEqualTo("teacher-a");
        assertThat(last.getConfig().getTopK()).isEqualTo(K);
        assertThat(last.getConfig().getLossVariant()).isEqualTo("tail");
        assertThat(last.getConfig().getOther()).containsEntry("klDirection", "reverse");
        assertThat(last.getConsumedOffsets()).hasSize(TopicCatalogue.TEACHER_LOGITS.partitions());
        try (LoadedCheckpoint loaded = CheckpointFile.read(Path.of(URI.create(last.getUri())), last.getSha256(), tokenizer)) {
            assertThat(loaded.metadata()).containsEntry("run.id", "trainer-test").containsEntry("step", "4");
        }
        List<ConsumerRecord<byte[], DeadLetter>> letters = TopicSnapshot.read(platform.bootstrapServers(), TopicCatalogue.DEAD_LETTER.name(),
                catalogue.deadLetter().keySerde().deserializer(), catalogue.deadLetter().valueSerde().deserializer(), 1, Duration.ofSeconds(30));
        assertThat(letters).extracting(letter -> letter.value().getErrorMessage())
                .satisfiesExactlyInAnyOrder(
                        message -> assertThat(message).contains("bpe-v9:other").contains(tokenizer),
                        message -> assertThat(message).contains("p7").contains("top-" + (K - 1)).contains("kdstream.trainer.topk=" + K));
    }
}
