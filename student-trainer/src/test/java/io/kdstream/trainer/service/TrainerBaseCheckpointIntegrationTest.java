package io.kdstream.trainer.service;

import io.kdstream.model.checkpoint.CheckpointFile;
import io.kdstream.model.checkpoint.LoadedCheckpoint;
import io.kdstream.model.tokenizer.CharTokenizer;
import io.kdstream.model.transformer.DecoderLanguageModel;
import io.kdstream.platform.config.Settings;
import io.kdstream.platform.embedded.EmbeddedPlatform;
import io.kdstream.platform.kafka.TopicAdmin;
import io.kdstream.platform.kafka.TopicSnapshot;
import io.kdstream.platform.testing.EmbeddedPlatformExtension;
import io.kdstream.schemas.avro.CheckpointEvent;
import io.kdstream.schemas.avro.Split;
import io.kdstream.schemas.avro.TeacherLogits;
import io.kdstream.schemas.logits.SequenceLogits;
import io.kdstream.schemas.topics.TopicCatalogue;
import io.kdstream.trainer.TrainerConfig;
import io.kdstream.trainer.training.StepMetrics;
import io.kdstream.trainer.training.StudentOptimizer;
import io.kdstream.trainer.training.TrainingExample;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * A new run started from a base checkpoint ({@code kdstream.trainer.init.checkpoint}) takes the base's weights and
 * nothing else: its first step's loss is the base model's loss on that batch, its steps count from 1, and a base of
 * another shape or tokenizer is refused naming the setting.
 */
@ExtendWith(EmbeddedPlatformExtension.class)
class TrainerBaseCheckpointIntegrationTest {

    private static final String TEACHER = "teacher-base";
    /** One batch is the whole cache, so the first batch is known whatever the shuffle. */
    private static final int RECORDS = 8;

    @Test
    void shouldStartANewRunFromTheBaseWeightsOnly(EmbeddedPlatform platform, @TempDir Path dir) throws Exception {
        Settings base = settings(platform, dir);
        List<TeacherLogits> records = produceRecords(base);

        // a scratch run of two steps: its second checkpoint is the base, its first step the scratch start
        CheckpointEvent scratchFirst = run(base.with(Map.of("kdstream.trainer.run.id", "scratch", "kdstream.trainer.steps", "2")), platform)
                .get(0);
        Path baseFile = dir.resolve("scratch").resolve("step-00000002.ckpt");
        assertThat(baseFile).exists();

        Settings fromBase = base.with(Map.of("kdstream.trainer.run.id", "from-base", TrainerConfig.INIT_CHECKPOINT, baseFile.toString()));
        List<CheckpointEvent> events = run(fromBase, platform);

        CheckpointEvent first = events.get(0);
        assertThat(first.getStep()).as("a new run: its steps count from 1, not from the base's step").isEqualTo(1);
        double expected = baseModelLoss(baseFile, TrainerConfig.from(fromBase), records);
        assertThat(first.getMetrics().getTotalLoss()).as("the first step's loss is the base model's on the batch")
                .isCloseTo(expected, within(1e-5));
        assertThat(Math.abs(first.getMetrics().getTotalLoss() - scratchFirst.getMetrics().getTotalLoss()))
                .as("and not a scratch start's").isGreaterThan(1e-3);
        assertThat(first.getConfig().getOther()).containsEntry("initCheckpoint", baseFile.toAbsolutePath().toString());
        assertThat(scratchFirst.getConfig().getOther()).doesNotContainKey("initCheckpoint");
    }

    @Test
    void shouldRefuseABaseOfAnotherShapeOrTokenizerNamingTheSetting(EmbeddedPlatform platform, @TempDir Path dir) throws Exception {
        Settings settings = settings(platform, dir);
        produceRecords(settings);
        TrainerConfig config = TrainerConfig.from(settings);
        String tokenizer = new CharTokenizer().fingerprint();
        Path otherShape = dir.resolve("one-layer.ckpt");
        TrainerConfig.StudentShape oneLayer = new TrainerConfig.StudentShape(1, config.student().modelWidth(),
                config.student().heads(), config.student().feedForwardWidth());
        try (DecoderLanguageModel model = DecoderLanguageModel.create(oneLayer.architecture(new CharTokenizer().vocabularySize()), 5)) {
            CheckpointFile.write(otherShape, model, tokenizer, Map.of());
        }
        Path otherTokenizer = dir.resolve("other-tokenizer.ckpt");
        try (DecoderLanguageModel model = DecoderLanguageModel.create(config.student().architecture(new CharTokenizer().vocabularySize()), 5)) {
            CheckpointFile.write(otherTokenizer, model, "another-tokenizer", Map.of());
        }

        assertThat(failure(settings, "shape", otherShape)).contains(TrainerConfig.INIT_CHECKPOINT, "another architecture", "kdstream.trainer.student.");
        assertThat(failure(settings, "tokenizer", otherTokenizer)).contains(TrainerConfig.INIT_CHECKPOINT, "another tokenizer");
        assertThat(failure(settings, "missing", dir.resolve("no-such.ckpt"))).contains(TrainerConfig.INIT_CHECKPOINT, "not found");
    }

    private static Settings settings(EmbeddedPlatform platform, Path dir) {
        return Settings.of(Map.ofEntries(
                Map.entry("bootstrap.servers", platform.bootstrapServers()),
                Map.entry("schema.registry.url", platform.schemaRegistryUrl()),
                Map.entry("kdstream.trainer.steps", "1"),
                Map.entry("kdstream.trainer.checkpoint.every", "1"),
                Map.entry("kdstream.trainer.checkpoint.dir", dir.toString()),
                Map.entry("kdstream.trainer.teacher.fingerprint", TEACHER),
                Map.entry("kdstream.trainer.min.examples", Integer.toString(RECORDS)),
                Map.entry("kdstream.trainer.batch.size", Integer.toString(RECORDS)),
                Map.entry("kdstream.trainer.shuffle.buffer", Integer.toString(RECORDS)),
                Map.entry("kdstream.trainer.topk", Integer.toString(TeacherRecords.K))));
    }

    private static List<TeacherLogits> produceRecords(Settings settings) throws Exception {
        Map<String, Object> client = settings.clientProperties();
        TopicAdmin.ensureTopics(client, TopicCatalogue.ALL);
        Random random = new Random(5);
        String tokenizer = new CharTokenizer().fingerprint();
        List<TeacherLogits> records = IntStream.range(0, RECORDS)
                .mapToObj(i -> TeacherRecords.record("base-" + i, TEACHER, tokenizer, Split.TRAIN, random, TeacherRecords.K)).toList();
        TeacherRecords.produce(client, new TopicCatalogue(client), records);
        return records;
    }

    /** Runs a trainer to its end; its checkpoint events in step order. */
    private static List<CheckpointEvent> run(Settings settings, EmbeddedPlatform platform) throws Exception {
        TrainerConfig config = TrainerConfig.from(settings);
        TrainerService trainer = new TrainerService(config);
        trainer.start();
        trainer.awaitTermination();
        assertThat(trainer.failure()).isNull();
        TopicCatalogue catalogue = new TopicCatalogue(settings.clientProperties());
        return TopicSnapshot.read(platform.bootstrapServers(), TopicCatalogue.CHECKPOINTS.name(),
                        catalogue.checkpoints().keySerde().deserializer(), catalogue.checkpoints().valueSerde().deserializer(), 1, Duration.ofSeconds(30))
                .stream().map(ConsumerRecord::value).filter(event -> event.getRunId().equals(config.runId()))
                .sorted(java.util.Comparator.comparingLong(CheckpointEvent::getStep)).toList();
    }

    /** The loss of the base model, as loaded from its file, on the batch of all records, before any update. */
    private static double baseModelLoss(Path baseFile, TrainerConfig config, List<TeacherLogits> records) throws Exception {
        List<TrainingExample> batch = records.stream().map(SequenceLogits::decode)
                .map(l -> new TrainingExample(l.tokens(), l.lossMask(), l.ids(), l.values(), l.logSumExp(), l.k())).toList();
        LoadedCheckpoint loaded = CheckpointFile.read(baseFile, null, new CharTokenizer().fingerprint());
        try (StudentOptimizer optimizer = new StudentOptimizer(loaded.model(), config.training())) {
            StepMetrics step = optimizer.step(batch);
            return step.totalLoss();
        } finally {
            loaded.close();
        }
    }

    private static String failure(Settings settings, String runId, Path baseFile) throws Exception {
        TrainerService trainer = new TrainerService(TrainerConfig.from(settings.with(Map.of(
                "kdstream.trainer.run.id", runId, TrainerConfig.INIT_CHECKPOINT, baseFile.toString()))));
        trainer.start();
        trainer.awaitTermination();
        assertThat(trainer.failure()).isNotNull();
        return trainer.failure().getMessage();
    }
}
