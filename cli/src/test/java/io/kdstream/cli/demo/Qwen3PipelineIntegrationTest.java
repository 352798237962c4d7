package io.kdstream.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kdstream.evaluator.EvaluatorConfig;
import io.kdstream.evaluator.service.EvaluatorService;
import io.kdstream.model.checkpoint.CheckpointException;
import io.kdstream.model.checkpoint.CheckpointFile;
import io.kdstream.model.testing.Qwen3TokenizerFiles;
import io.kdstream.model.tokenizer.CharTokenizer;
import io.kdstream.model.tokenizer.HuggingFaceTokenizer;
import io.kdstream.model.transformer.DecoderLanguageModel;
import io.kdstream.model.transformer.Devices;
import io.kdstream.model.transformer.TransformerConfig;
import io.kdstream.platform.config.Settings;
import io.kdstream.platform.embedded.EmbeddedPlatform;
import io.kdstream.platform.kafka.TopicAdmin;
import io.kdstream.platform.kafka.TopicSnapshot;
import io.kdstream.platform.service.LoopService;
import io.kdstream.platform.service.Resources;
import io.kdstream.platform.testing.EmbeddedPlatformExtension;
import io.kdstream.producers.PromptProducer;
import io.kdstream.producers.PromptProducerConfig;
import io.kdstream.producers.ingest.IngestSummary;
import io.kdstream.schemas.avro.CheckpointEvent;
import io.kdstream.schemas.avro.EvalResult;
import io.kdstream.schemas.avro.TeacherLogits;
import io.kdstream.schemas.logits.SequenceLogits;
import io.kdstream.schemas.logits.chunks.ChunkAssembler;
import io.kdstream.schemas.topics.TopicCatalogue;
import io.kdstream.teacher.TeacherWorkerConfig;
import io.kdstream.teacher.model.TeacherModel;
import io.kdstream.teacher.router.CacheRouter;
import io.kdstream.teacher.router.CacheRouterConfig;
import io.kdstream.teacher.worker.TeacherWorker;
import io.kdstream.trainer.TrainerConfig;
import io.kdstream.trainer.service.TrainerService;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pipeline tokenized by Qwen3's real tokenizer, on the embedded broker and registry: chat JSONL through the producer
 * (rendered with a ChatML template) to kd.prompts, the cache router, a teacher worker whose DJL teacher has Qwen3's
 * vocabulary, the trainer (a student with Qwen3's vocabulary) and its checkpoint, and the evaluator; then the
 * tokenizer fingerprints refuse the char tokenizer: in a trainer, in the student's checkpoint and in the teacher's.
 */
@ExtendWith(EmbeddedPlatformExtension.class)
class Qwen3PipelineIntegrationTest {

    private static final Duration WAIT = Duration.ofMinutes(4);
    private static final String DATASET = "qwen3-chat";
    private static final int TRAIN = 8;
    private static final int TEST = 2;

    @Test
    void shouldDistilWithQwen3sTokenizerThroughKafkaAndRefuseAnotherTokenizer(EmbeddedPlatform platform, @TempDir Path dir) throws Exception {
        Path tokenizerJson = Qwen3TokenizerFiles.tokenizerJson();
        Path template = Qwen3TokenizerFiles.chatMlTemplate(dir);
        HuggingFaceTokenizer qwen3 = HuggingFaceTokenizer.load(tokenizerJson, Optional.of(template));
        Path teacherCheckpoint = dir.resolve("teacher.ckpt");
        try (DecoderLanguageModel teacher = DecoderLanguageModel.create(new TransformerConfig(qwen3.vocabularySize(), 64, 16, 2, 1, 32), 5)) {
            CheckpointFile.write(teacherCheckpoint, teacher, qwen3.fingerprint(), Map.of());
        }
        String tokenizer = tokenizerJson.toString();
        String runId = "qwen3-" + System.currentTimeMillis();
        Settings settings = Settings.of(Map.ofEntries(
                Map.entry("bootstrap.servers", platform.bootstrapServers()),
                Map.entry("schema.registry.url", platform.schemaRegistryUrl()),
                Map.entry("kdstream.producer.tokenizer", tokenizer),
                Map.entry("kdstream.producer.chat.template", template.toString()),
                Map.entry("kdstream.producer.dataset", DATASET),
                Map.entry("kdstream.teacher.tokenizer", tokenizer),
                Map.entry("kdstream.teacher.checkpoint", teacherCheckpoint.toString()),
                Map.entry("kdstream.teacher.model.id", runId + "-teacher"),
                Map.entry("kdstream.teacher.topk", "8"),
                // other tests' prompts share the topics: small forward passes keep Qwen3's 151,669 logits a token in bounds
                Map.entry("kdstream.teacher.batch.tokens", "256"),
                Map.entry("state.dir", dir.resolve("streams").toString()),
                Map.entry("kdstream.trainer.tokenizer", tokenizer),
                Map.entry("kdstream.trainer.run.id", runId),
                Map.entry("kdstream.trainer.steps", "2"),
                Map.entry("kdstream.trainer.checkpoint.every", "2"),
                Map.entry("kdstream.trainer.checkpoint.dir", dir.resolve("checkpoints").toString()),
                Map.entry("kdstream.trainer.min.examples", Integer.toString(TRAIN)),
                Map.entry("kdstream.trainer.batch.size", "4"),
                Map.entry("kdstream.trainer.topk", "8"),
                Map.entry("kdstream.trainer.student.layers", "1"),
                Map.entry("kdstream.trainer.student.width", "16"),
                Map.entry("kdstream.trainer.student.heads", "2"),
                Map.entry("kdstream.trainer.student.feed.forward.width", "32"),
                Map.entry("kdstream.evaluator.tokenizer", tokenizer),
                Map.entry("kdstream.evaluator.dataset", DATASET),
                Map.entry("kdstream.evaluator.max.examples", Integer.toString(TEST)),
                Map.entry("kdstream.evaluator.max.new.tokens", "4"),
                Map.entry("kdstream.evaluator.batch.size", "2"),
                Map.entry("kdstream.evaluator.group.id", runId + "-evaluator")));
        TopicAdmin.ensureTopics(settings.clientProperties(), TopicCatalogue.ALL);
        String teacherFingerprint = TeacherModel.fingerprintOf(TeacherWorkerConfig.from(settings));
        settings = settings.with(Map.of("kdstream.router.teacher.fingerprint", teacherFingerprint,
                "kdstream.trainer.teacher.fingerprint", teacherFingerprint));

        Path chats = dir.resolve("chats.jsonl");
        Files.write(chats, chatLines());
        try (PromptProducer producer = new PromptProducer(PromptProducerConfig.from(settings))) {
            IngestSummary summary = producer.ingest(chats, bytes -> { });
            assertThat(summary.sent()).isEqualTo(TRAIN + TEST);
        }

        CacheRouter router = new CacheRouter(CacheRouterConfig.from(settings));
        TeacherWorker worker = new TeacherWorker(TeacherWorkerConfig.from(settings), runId + "-worker");
        TrainerService trainer = new TrainerService(TrainerConfig.from(settings));
        EvaluatorService evaluator = new EvaluatorService(EvaluatorConfig.from(settings));
        List<LoopService> services = List.of(worker, trainer, evaluator);
        try {
            router.start();
            worker.start();
            trainer.start();
            evaluator.start();
            await("the student's last checkpoint", services, () -> trainer.isStopped() && trainer.progress().checkpoints() >= 1);
            assertThat(trainer.failure()).isNull();
            await("the checkpoint's evaluation", services, () -> evaluation(platform, runId).isPresent());
        } finally {
            Resources.closeAll("qwen3-pipeline", evaluator, trainer, worker, router);
        }

        // the teacher's records carry Qwen3's fingerprint and ids: the chat template's special tokens among them
        List<SequenceLogits> ours = teacherSequences(platform, teacherFingerprint);
        assertThat(ours).hasSizeGreaterThanOrEqualTo(TRAIN + TEST);
        assertThat(ours).allSatisfy(sequence -> assertThat(sequence.tokenizerFingerprint()).isEqualTo(qwen3.fingerprint()));
        assertThat(ours).anySatisfy(sequence -> assertThat(sequence.tokens()).contains(151_644, 151_645)); // <|im_start|>, <|im_end|>

        CheckpointEvent checkpoint = checkpointOf(platform, runId);
        Path studentFile = Path.of(URI.create(checkpoint.getUri()));
        assertThat(CheckpointFile.readHeader(studentFile).tokenizerFingerprint()).isEqualTo(qwen3.fingerprint());
        assertThat(evaluation(platform, runId).orElseThrow().getCheckpointUri()).isEqualTo(checkpoint.getUri());

        // another tokenizer is refused: a char-tokenized trainer dead-letters the Qwen3 records and trains on none
        TrainerService charTrainer = new TrainerService(TrainerConfig.from(settings.with(Map.of(
                "kdstream.trainer.tokenizer", "char", "kdstream.trainer.run.id", runId + "-char", "kdstream.trainer.min.examples", "1"))));
        try {
            charTrainer.start();
            // the TRAIN split's records: test prompts are never trained on, so never refused either
            await("the char trainer's refusals", List.of(charTrainer), () -> charTrainer.progress().deadLettered() >= TRAIN);
            assertThat(charTrainer.progress().cachedExamples()).isZero();
            assertThat(charTrainer.progress().step()).isZero();
        } finally {
            Resources.closeAll("qwen3-pipeline", charTrainer);
        }
        // ... by the student's checkpoint (as an evaluator reads it) and by the teacher's
        String charFingerprint = new CharTokenizer().fingerprint();
        assertThatThrownBy(() -> CheckpointFile.read(studentFile, checkpoint.getSha256(), charFingerprint).close())
                .isInstanceOf(CheckpointException.class).hasMessageContaining(qwen3.fingerprint());
        assertThatThrownBy(() -> TeacherModel.load(teacherCheckpoint, "m", "1", new CharTokenizer(), Devices.parse("cpu")).close())
                .isInstanceOf(CheckpointException.class).hasMessageContaining(qwen3.fingerprint());
    }

    private static List<String> chatLines() {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < TRAIN + TEST; i++) {
            int a = 3 + i;
            int b = 4 + 2 * i;
            lines.add("{\"messages\":[{\"role\":\"system\",\"content\":\"Réponds brièvement.\"},{\"role\":\"user\",\"content\":\"What is "
                    + a + " + " + b + "?\"},{\"role\":\"assistant\",\"content\":\"" + (a + b) + " #### " + (a + b) + "\"}],"
                    + "\"expected_answer\":\"" + (a + b) + "\",\"split\":\"" + (i < TRAIN ? "train" : "test") + "\"}");
        }
        return lines;
    }

    private static void await(String what, List<LoopService> services, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!done.getAsBoolean()) {
            for (LoopService service : services) {
                if (service.failure() != null) {
                    throw new AssertionError(service.name() + " failed while waiting for " + what, service.failure());
                }
            }
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private static List<SequenceLogits> teacherSequences(EmbeddedPlatform platform, String teacherFingerprint) {
        TopicCatalogue catalogue = catalogue(platform);
        ChunkAssembler assembler = new ChunkAssembler();
        List<SequenceLogits> ours = new ArrayList<>();
        for (ConsumerRecord<String, TeacherLogits> record : TopicSnapshot.read(platform.bootstrapServers(), TopicCatalogue.TEACHER_LOGITS.name(),
                new StringDeserializer(), catalogue.teacherLogits().valueSerde().deserializer(), 1, Duration.ofSeconds(30))) {
            if (record.value() != null && record.value().getTeacher().getFingerprint().equals(teacherFingerprint)) {
                assembler.accept(record.value()).ifPresent(ours::add);
            }
        }
        return ours;
    }

    private static CheckpointEvent checkpointOf(EmbeddedPlatform platform, String runId) {
        TopicCatalogue catalogue = catalogue(platform);
        return TopicSnapshot.read(platform.bootstrapServers(), TopicCatalogue.CHECKPOINTS.name(), catalogue.checkpoints().keySerde().deserializer(),
                        catalogue.checkpoints().valueSerde().deserializer(), 1, Duration.ofSeconds(30)).stream()
                .map(ConsumerRecord::value).filter(event -> event.getRunId().equals(runId)).reduce((first, last) -> last).orElseThrow();
    }

    private static Optional<EvalResult> evaluation(EmbeddedPlatform platform, String runId) {
        TopicCatalogue catalogue = catalogue(platform);
        return TopicSnapshot.read(platform.bootstrapServers(), TopicCatalogue.EVALS.name(), catalogue.evals().keySerde().deserializer(),
                        catalogue.evals().valueSerde().deserializer(), 0, Duration.ofSeconds(5)).stream()
                .map(ConsumerRecord::value).filter(result -> result.getRunId().equals(runId)).findFirst();
    }

    private static TopicCatalogue catalogue(EmbeddedPlatform platform) {
        return new TopicCatalogue(Map.of("bootstrap.servers", platform.bootstrapServers(), "schema.registry.url", platform.schemaRegistryUrl()));
    }
}
