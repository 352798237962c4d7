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
import io.kdstream.model.tokenizer.TokenizerMismatchException;
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
import io.kdstream.schemas.avro.ValueKind;
import io.kdstream.schemas.logits.SequenceLogits;
import io.kdstream.schemas.logits.chunks.ChunkAssembler;
import io.kdstream.schemas.topics.TopicCatalogue;
import io.kdstream.teacher.TeacherBackends;
import io.kdstream.teacher.TeacherWorkerConfig;
import io.kdstream.teacher.model.TeacherModel;
import io.kdstream.teacher.router.CacheRouter;
import io.kdstream.teacher.router.CacheRouterConfig;
import io.kdstream.teacher.serve.TeacherServer;
import io.kdstream.teacher.serve.TeacherServerConfig;
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
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A pipeline tokenized by Qwen3's real tokenizer, on the embedded broker and registry: chat JSONL through the producer
 * (rendered with a ChatML template) to kd.prompts, the cache router, a teacher worker whose teacher has Qwen3's
 * vocabulary, the trainer (a student with Qwen3's vocabulary) and its checkpoint, and the evaluator; then the char
 * tokenizer is refused: in a worker, in a trainer, in the student's checkpoint and in the teacher's. The worker's
 * teacher runs in its JVM ({@code djl}) or behind {@code serve-teacher} with Qwen3's tokenizer, asked over HTTP as
 * vLLM ({@code vllm}), where the worker's start checks that the server tokenizes as it does.
 */
@ExtendWith(EmbeddedPlatformExtension.class)
class Qwen3PipelineIntegrationTest {

    private static final Duration WAIT = Duration.ofMinutes(4);
    private static final String DATASET = "qwen3-chat";
    private static final int TRAIN = 8;
    private static final int TEST = 2;

    /** The {@code vllm} run's serve-teacher. */
    private TeacherServer server;

    @ParameterizedTest(name = "teacher backend {0}")
    @ValueSource(strings = {TeacherWorkerConfig.DJL, "vllm"})
    void shouldDistilWithQwen3sTokenizerThroughKafkaAndRefuseAnotherTokenizer(String backend, EmbeddedPlatform platform, @TempDir Path dir)
            throws Exception {
        try {
            distilAndRefuseAnotherTokenizer(backend, platform, dir);
        } finally {
            Resources.closeAll("qwen3-pipeline", server); // after the services it served
        }
    }

    private void distilAndRefuseAnotherTokenizer(String backend, EmbeddedPlatform platform, Path dir) throws Exception {
        Path tokenizerJson = Qwen3TokenizerFiles.tokenizerJson();
        Path template = Qwen3TokenizerFiles.chatMlTemplate(dir);
        HuggingFaceTokenizer qwen3 = HuggingFaceTokenizer.load(tokenizerJson, Optional.of(template));
        Path teacherCheckpoint = dir.resolve("teacher.ckpt");
        try (DecoderLanguageModel teacher = DecoderLanguageModel.create(new TransformerConfig(qwen3.vocabularySize(), 64, 16, 2, 1, 32), 5)) {
            CheckpointFile.write(teacherCheckpoint, teacher, qwen3.fingerprint(), Map.of());
        }
        String tokenizer = tokenizerJson.toString();
        String runId = "qwen3-" + backend + "-" + System.currentTimeMillis();
        boolean served = !backend.equals(TeacherWorkerConfig.DJL);
        Settings settings = Settings.of(Map.ofEntries(
                Map.entry("bootstrap.servers", platform.bootstrapServers()),
                Map.entry("schema.registry.url", platform.schemaRegistryUrl()),
                Map.entry("kdstream.producer.tokenizer", tokenizer),
                Map.entry("kdstream.producer.chat.template", template.toString()),
                Map.entry("kdstream.producer.dataset", DATASET),
                Map.entry("kdstream.teacher.tokenizer", tokenizer),
                Map.entry("kdstream.teacher.model.id", runId + "-teacher"), // served: the model the worker asks for
                Map.entry("kdstream.teacher.topk", "8"),
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
        settings = settings.with(served ? servedTeacher(backend, teacherCheckpoint, tokenizer, runId + "-teacher") : inProcessTeacher(teacherCheckpoint));
        TopicAdmin.ensureTopics(settings.clientProperties(), TopicCatalogue.ALL);
        String teacherFingerprint = TeacherBackends.fingerprintOf(TeacherWorkerConfig.from(settings), qwen3);
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
        List<TeacherLogits> records = teacherRecords(platform, teacherFingerprint);
        assertThat(records).allSatisfy(record -> assertThat(record.getValueKind()).isEqualTo(served ? ValueKind.LOG_PROBS : ValueKind.RAW_LOGITS));
        if (served) {
            assertThat(records).allSatisfy(record -> assertThat(record.getDevice()).isEqualTo(backend + " " + server.url()));
        }
        List<SequenceLogits> ours = sequences(records);
        assertThat(ours).hasSizeGreaterThanOrEqualTo(TRAIN + TEST);
        assertThat(ours).allSatisfy(sequence -> assertThat(sequence.tokenizerFingerprint()).isEqualTo(qwen3.fingerprint()));
        assertThat(ours).anySatisfy(sequence -> assertThat(sequence.tokens()).contains(151_644, 151_645)); // <|im_start|>, <|im_end|>

        CheckpointEvent checkpoint = checkpointOf(platform, runId);
        Path studentFile = Path.of(URI.create(checkpoint.getUri()));
        assertThat(CheckpointFile.readHeader(studentFile).tokenizerFingerprint()).isEqualTo(qwen3.fingerprint());
        assertThat(evaluation(platform, runId).orElseThrow().getCheckpointUri()).isEqualTo(checkpoint.getUri());

        // another tokenizer is refused: a char-tokenized worker at start (by the served tokenizer or the teacher's checkpoint)
        String charFingerprint = new CharTokenizer().fingerprint();
        Throwable charWorkerRefusal = refusalOfCharWorker(settings, runId);
        if (served) {
            assertThat(charWorkerRefusal).isInstanceOf(TokenizerMismatchException.class)
                    .hasMessageContaining("the teacher at " + server.url() + " does not tokenize as the configured tokenizer " + charFingerprint);
        } else {
            assertThat(charWorkerRefusal).isInstanceOf(CheckpointException.class).hasMessageContaining(qwen3.fingerprint());
        }
        // a char-tokenized trainer dead-letters the Qwen3 records and trains on none
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
        assertThatThrownBy(() -> CheckpointFile.read(studentFile, checkpoint.getSha256(), charFingerprint).close())
                .isInstanceOf(CheckpointException.class).hasMessageContaining(qwen3.fingerprint());
        assertThatThrownBy(() -> TeacherModel.load(teacherCheckpoint, "m", "1", new CharTokenizer(), Devices.parse("cpu")).close())
                .isInstanceOf(CheckpointException.class).hasMessageContaining(qwen3.fingerprint());
    }

    private static Map<String, String> inProcessTeacher(Path checkpoint) {
        // other tests' prompts share the topics: small forward passes keep Qwen3's 151,669 logits a token in bounds
        return Map.of("kdstream.teacher.checkpoint", checkpoint.toString(), "kdstream.teacher.batch.tokens", "256");
    }

    /** Starts serve-teacher with Qwen3's tokenizer on a free loopback port; the worker's settings to ask it through {@code api}. */
    private Map<String, String> servedTeacher(String api, Path checkpoint, String tokenizer, String modelId) {
        // the same bound on forward passes as in-process, now the server's
        server = new TeacherServer(TeacherServerConfig.from(Settings.of(Map.of("kdstream.serve.checkpoint", checkpoint.toString(),
                "kdstream.serve.tokenizer", tokenizer, "kdstream.serve.model.id", modelId, "kdstream.serve.port", "0",
                "kdstream.serve.device", "cpu", "kdstream.serve.batch.tokens", "256"))));
        server.start();
        return Map.of("kdstream.teacher.backend", api, "kdstream.teacher.served.url", server.url());
    }

    /** What stops a worker configured with the char tokenizer, which must stop it before it reads a request. */
    private static Throwable refusalOfCharWorker(Settings settings, String runId) throws InterruptedException {
        TeacherWorker charWorker = new TeacherWorker(TeacherWorkerConfig.from(settings.with(Map.of("kdstream.teacher.tokenizer", "char"))),
                runId + "-char-worker");
        try {
            charWorker.start();
            await("the char worker's refusal", List.of(), charWorker::isStopped);
            assertThat(charWorker.published()).isZero();
            return charWorker.failure();
        } finally {
            Resources.closeAll("qwen3-pipeline", charWorker);
        }
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

    private static List<TeacherLogits> teacherRecords(EmbeddedPlatform platform, String teacherFingerprint) {
        TopicCatalogue catalogue = catalogue(platform);
        return TopicSnapshot.read(platform.bootstrapServers(), TopicCatalogue.TEACHER_LOGITS.name(), new StringDeserializer(),
                        catalogue.teacherLogits().valueSerde().deserializer(), 1, Duration.ofSeconds(30)).stream()
                .map(ConsumerRecord::value)
                .filter(record -> record != null && record.getTeacher().getFingerprint().equals(teacherFingerprint)).toList();
    }

    private static List<SequenceLogits> sequences(List<TeacherLogits> records) {
        ChunkAssembler assembler = new ChunkAssembler();
        List<SequenceLogits> sequences = new ArrayList<>();
        for (TeacherLogits record : records) {
            assembler.accept(record).ifPresent(sequences::add);
        }
        return sequences;
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
