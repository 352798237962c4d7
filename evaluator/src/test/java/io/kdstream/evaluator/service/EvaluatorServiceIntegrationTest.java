package io.kdstream.evaluator.service;

import io.kdstream.evaluator.EvaluatorConfig;
import io.kdstream.evaluator.scoring.TaskJudge;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.kdstream.model.checkpoint.CheckpointFile;
import io.kdstream.model.tokenizer.CharTokenizer;
import io.kdstream.model.tokenizer.TokenizedExample;
import io.kdstream.model.topk.TopKExtractor;
import io.kdstream.model.topk.TopKLogits;
import io.kdstream.model.transformer.DecoderLanguageModel;
import io.kdstream.model.transformer.TransformerConfig;
import io.kdstream.platform.config.Settings;
import io.kdstream.platform.embedded.EmbeddedPlatform;
import io.kdstream.platform.kafka.TopicAdmin;
import io.kdstream.platform.kafka.TopicSnapshot;
import io.kdstream.platform.testing.EmbeddedPlatformExtension;
import io.kdstream.evaluator.testing.CheckpointEvents;
import io.kdstream.schemas.avro.CheckpointEvent;
import io.kdstream.schemas.avro.EvalResult;
import io.kdstream.schemas.avro.EvalStatus;
import io.kdstream.schemas.avro.IdEncoding;
import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.avro.Split;
import io.kdstream.schemas.avro.TeacherIdentity;
import io.kdstream.schemas.avro.TeacherLogits;
import io.kdstream.schemas.avro.ValueEncoding;
import io.kdstream.schemas.avro.ValueKind;
import io.kdstream.schemas.logits.LogitsKey;
import io.kdstream.schemas.logits.chunks.ChunkKeys;
import io.kdstream.schemas.logits.chunks.SequenceChunker;
import io.kdstream.schemas.logits.SequenceLogits;
import io.kdstream.schemas.logits.TopKEncoding;
import io.kdstream.schemas.logits.TopKSequence;
import io.kdstream.schemas.logits.TopKCodec;
import io.kdstream.schemas.topics.KafkaClients;
import io.kdstream.schemas.topics.TopicCatalogue;
import io.kdstream.tinylang.Program;
import io.kdstream.tinylang.TestCase;
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
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@ExtendWith(EmbeddedPlatformExtension.class)
class EvaluatorServiceIntegrationTest {

    private static CheckpointEvent event(long step, Path file, String sha256) {
        return event("eval-test", step, file, sha256);
    }

    private static CheckpointEvent event(String runId, long step, Path file, String sha256) {
        return CheckpointEvents.of(runId, step, file, sha256);
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
        List<EvalResult> results;
        try {
            // kd.checkpoints is shared: other tests' events come first (the evaluator reads from the start), so wait
            // for this run's results, not for any three
            results = await().atMost(Duration.ofSeconds(90)).until(() -> runResults(platform, catalogue, "eval-test"),
                    own -> own.size() >= 3 || evaluator.isStopped()).stream().map(ConsumerRecord::value).toList();
        } finally {
            evaluator.close();
        }

        assertThat(evaluator.failure()).isNull();
        assertThat(results).extracting(EvalResult::getStep, EvalResult::getStatus).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple(1L, EvalStatus.OK),
                org.assertj.core.groups.Tuple.tuple(2L, EvalStatus.CHECKPOINT_INVALID),
                org.assertj.core.groups.Tuple.tuple(3L, EvalStatus.CHECKPOINT_INVALID));
        EvalResult ok = results.stream().filter(r -> r.getStep() == 1).findFirst().orElseThrow();
        assertThat(ok.getExamples()).isEqualTo(3);
        assertThat(ok.getAnswerCrossEntropy()).isPositive();
        assertThat(ok.getAnswerCalibrationError()).isBetween(0.0, 1.0);
        assertThat(results).filteredOn(r -> r.getStep() == 2).singleElement()
                .satisfies(r -> assertThat(r.getError()).containsIgnoringCase("sha-256"));
        assertThat(results).filteredOn(r -> r.getStep() == 3).singleElement()
                .satisfies(r -> assertThat(r.getError()).contains("missing.ckpt"));
    }

    @Test
    void shouldScoreCodeByPassAt1CompareWithCachedTeacherLogitsAndKeyARedeliveredEventAlike(EmbeddedPlatform platform, @TempDir Path dir) throws Exception {
        CharTokenizer tokenizer = new CharTokenizer();
        Path checkpointFile = dir.resolve("student.ckpt");
        List<Prompt> tasks = List.of(codeTask("Return x plus 1.", "plus:1", "return x+1", "x=1->2;x=5->6"),
                codeTask("Return x times 3.", "times:3", "return x*3", "x=2->6;x=4->12"));
        String sha;
        TeacherLogits cached;
        List<TeacherLogits> cachedInChunks;
        try (DecoderLanguageModel student = DecoderLanguageModel.create(TransformerConfig.student(tokenizer.vocabularySize()), 9)) {
            sha = CheckpointFile.write(checkpointFile, student, tokenizer.fingerprint(), Map.of());
            // the "teacher" of both tasks is the student itself: agreement must be (all but) perfect and KL nought
            cached = teacherLogitsFrom(student, tokenizer, tasks.get(0), 4);
            // the second task's logits come split into chunk records, as a teacher writes an oversized sequence
            TeacherLogits whole = teacherLogitsFrom(student, tokenizer, tasks.get(1), 4);
            cachedInChunks = new SequenceChunker(TopKEncoding.FLOAT32, 1200).split(TeacherLogits.newBuilder(whole),
                    whole.getTokenIds().stream().mapToInt(Integer::intValue).toArray(), SequenceLogits.decode(whole).lossMask(),
                    new TopKSequence(4, tokenizer.vocabularySize(), SequenceLogits.decode(whole).ids(), SequenceLogits.decode(whole).values(),
                            SequenceLogits.decode(whole).logSumExp()));
        }
        assertThat(cachedInChunks).as("chunks of the second task").hasSizeGreaterThan(1);

        Settings settings = Settings.of(Map.of(
                "bootstrap.servers", platform.bootstrapServers(),
                "schema.registry.url", platform.schemaRegistryUrl(),
                "kdstream.evaluator.dataset", "code",
                "kdstream.evaluator.group.id", "evaluator-code-test",
                "kdstream.evaluator.max.new.tokens", "8"));
        Map<String, Object> client = settings.clientProperties();
        TopicAdmin.ensureTopics(client, TopicCatalogue.ALL);
        TopicCatalogue catalogue = new TopicCatalogue(client);
        try (KafkaProducer<String, Prompt> prompts = KafkaClients.producer(client, catalogue.prompts(), "test");
             KafkaProducer<String, TeacherLogits> logits = KafkaClients.producer(client, catalogue.teacherLogits(), "test");
             KafkaProducer<String, CheckpointEvent> events = KafkaClients.producer(client, catalogue.checkpoints(), "test")) {
            for (Prompt task : tasks) {
                prompts.send(new ProducerRecord<>(TopicCatalogue.PROMPTS.name(), task.getId(), task)).get();
            }
            logits.send(new ProducerRecord<>(TopicCatalogue.TEACHER_LOGITS.name(),
                    LogitsKey.of("t", tasks.get(0).getId()), cached)).get();
            for (TeacherLogits chunk : cachedInChunks) {
                logits.send(new ProducerRecord<>(TopicCatalogue.TEACHER_LOGITS.name(), ChunkKeys.keyOf(chunk), chunk)).get();
            }
            for (int delivery = 0; delivery < 2; delivery++) {
                events.send(new ProducerRecord<>(TopicCatalogue.CHECKPOINTS.name(), "code-run/5", event("code-run", 5, checkpointFile, sha))).get();
            }
        }

        EvaluatorService evaluator = new EvaluatorService(EvaluatorConfig.from(settings));
        evaluator.start();
        List<ConsumerRecord<String, EvalResult>> results;
        try {
            // this group also reads the other tests' checkpoint events: wait for this run's two results
            results = await().atMost(Duration.ofSeconds(60)).until(() -> codeRunResults(platform, catalogue),
                    found -> found.size() >= 2 || evaluator.isStopped());
        } finally {
            evaluator.close();
        }

        assertThat(evaluator.failure()).isNull();
        assertThat(results).as("the re-delivered event replaces its result under the same key").hasSize(2)
                .extracting(ConsumerRecord::key).containsOnly("code-run/5/code/TEST");
        EvalResult result = results.get(1).value();
        assertThat(result.getStatus()).isEqualTo(EvalStatus.OK);
        assertThat(result.getExamples()).isEqualTo(2);
        assertThat(result.getExactMatch()).as("no answer tasks").isNull();
        assertThat(result.getPassAt1()).as("an untrained student writes no passing program").isEqualTo(0.0);
        assertThat(result.getSolvedByFamily()).as("each task's family, from its problem's template").isEqualTo(Map.of("plus", 0.0, "times", 0.0));
        assertThat(result.getTeacherExamples()).as("the whole record and the reassembled chunks").isEqualTo(2);
        assertThat(result.getTeacherAgreement()).isGreaterThan(0.9);
        assertThat(result.getTeacherKl()).isBetween(0.0, 1e-4);
    }

    private static List<ConsumerRecord<String, EvalResult>> codeRunResults(EmbeddedPlatform platform, TopicCatalogue catalogue) {
        return runResults(platform, catalogue, "code-run");
    }

    /**
     * The results of one run, decoded after they are picked by key: kd.evals is shared with the other tests of this JVM,
     * hostile values among them.
     */
    private static List<ConsumerRecord<String, EvalResult>> runResults(EmbeddedPlatform platform, TopicCatalogue catalogue, String runId) {
        return TopicSnapshot.read(platform.bootstrapServers(), TopicCatalogue.EVALS.name(), new StringDeserializer(), new ByteArrayDeserializer(), 0,
                        Duration.ofSeconds(5)).stream()
                .filter(r -> r.key() != null && r.key().startsWith(runId + "/"))
                .map(r -> new ConsumerRecord<>(r.topic(), r.partition(), r.offset(), r.key(),
                        catalogue.evals().valueSerde().deserializer().deserialize(r.topic(), r.value())))
                .toList();
    }

    private static Prompt codeTask(String task, String problem, String program, String tests) {
        return Prompt.newBuilder().setId("code-" + Integer.toHexString(task.hashCode())).setDataset("code").setSplit(Split.TEST)
                .setPrompt(task).setResponse(program).setSource("test")
                .setMetadata(Map.of(TestCase.METADATA_KEY, tests, TestCase.LANGUAGE_KEY, Program.LANGUAGE, TaskJudge.PROBLEM_KEY, problem))
                .setCreatedAt(Instant.now()).build();
    }

    /** A TeacherLogits record as a teacher worker writes it, computed by {@code model}. */
    private static TeacherLogits teacherLogitsFrom(DecoderLanguageModel model, CharTokenizer tokenizer, Prompt prompt, int k) {
        TokenizedExample example = tokenizer.encodeExample(prompt.getPrompt(), prompt.getResponse());
        TopKLogits topK;
        try (NDManager scope = model.manager().newSubManager()) {
            NDArray tokens = scope.create(example.tokens(), new Shape(1, example.tokens().length));
            topK = TopKExtractor.extract(model.logits(scope, tokens, false).squeeze(0), k).head(example.positions());
        }
        IdEncoding ids = TopKCodec.idEncodingFor(tokenizer.vocabularySize());
        return TeacherLogits.newBuilder()
                .setPromptId(prompt.getId()).setDataset(prompt.getDataset()).setSplit(prompt.getSplit())
                .setTeacher(new TeacherIdentity("student-as-teacher", "1", "t"))
                .setTokenizerFingerprint(tokenizer.fingerprint())
                .setTokenIds(Arrays.stream(example.tokens()).boxed().toList())
                .setLossMask(SequenceLogits.encodeMask(example.lossMask()))
                .setK(k).setValueKind(ValueKind.RAW_LOGITS).setTemperature(1f).setFirstPosition(0).setPositions(topK.positions())
                .setIdEncoding(ids).setTopkIds(TopKCodec.encodeIds(topK.ids(), ids))
                .setValueEncoding(ValueEncoding.FLOAT32_LE).setTopkValues(TopKCodec.encodeFloats(topK.values(), ValueEncoding.FLOAT32_LE))
                .setLogSumExp(TopKCodec.encodeFloats(topK.logSumExp(), ValueEncoding.FLOAT32_LE))
                .setChunkIndex(0).setChunkCount(1).setComputeMillis(0).setDevice("cpu")
                .setCreatedAt(Instant.now())
                .build();
    }
}
