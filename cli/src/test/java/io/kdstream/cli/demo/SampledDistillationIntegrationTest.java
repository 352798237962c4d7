package io.kdstream.cli.demo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.kdstream.model.checkpoint.CheckpointFile;
import io.kdstream.model.checkpoint.LoadedCheckpoint;
import io.kdstream.model.sampled.SampledTokens;
import io.kdstream.model.tokenizer.CharTokenizer;
import io.kdstream.model.transformer.DecoderLanguageModel;
import io.kdstream.model.transformer.TransformerConfig;
import io.kdstream.platform.config.Settings;
import io.kdstream.platform.embedded.EmbeddedPlatform;
import io.kdstream.platform.kafka.TopicAdmin;
import io.kdstream.platform.kafka.TopicSnapshot;
import io.kdstream.platform.service.LoopService;
import io.kdstream.platform.service.Resources;
import io.kdstream.platform.testing.EmbeddedPlatformExtension;
import io.kdstream.schemas.avro.CheckpointEvent;
import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.avro.Split;
import io.kdstream.schemas.avro.TeacherLogits;
import io.kdstream.schemas.avro.ValueEncoding;
import io.kdstream.schemas.avro.ValueKind;
import io.kdstream.schemas.logits.SequenceLogits;
import io.kdstream.schemas.topics.KafkaClients;
import io.kdstream.schemas.topics.TopicCatalogue;
import io.kdstream.teacher.TeacherBackends;
import io.kdstream.teacher.TeacherWorkerConfig;
import io.kdstream.teacher.worker.TeacherWorker;
import io.kdstream.trainer.TrainerConfig;
import io.kdstream.trainer.service.TrainerService;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * RS-KD end to end: a worker with {@code kdstream.teacher.encoding=sampled} publishes the tokens {@link SampledTokens}
 * draws from the teacher's own logits for each prompt id and position; a second worker replaying the same requests
 * writes the same top-K bytes; and a trainer with {@code loss.variant=sampled} trains on the records.
 */
@ExtendWith(EmbeddedPlatformExtension.class)
class SampledDistillationIntegrationTest {

    private static final Duration WAIT = Duration.ofMinutes(4);
    private static final int DRAWS = 12;
    private static final double PROPOSAL_TEMPERATURE = 1.5;
    private static final int PROMPTS = 8;

    @Test
    void shouldPublishReproducibleDrawsThatASampledTrainerTrainsOn(EmbeddedPlatform platform, @TempDir Path dir) throws Exception {
        CharTokenizer tokenizer = new CharTokenizer();
        Path checkpoint = dir.resolve("teacher.ckpt");
        try (DecoderLanguageModel teacher = DecoderLanguageModel.create(TransformerConfig.teacher(tokenizer.vocabularySize()), 11)) {
            CheckpointFile.write(checkpoint, teacher, tokenizer.fingerprint(), Map.of());
        }
        String runId = "sampled-" + System.currentTimeMillis();
        Settings settings = Settings.of(Map.ofEntries(
                Map.entry("bootstrap.servers", platform.bootstrapServers()),
                Map.entry("schema.registry.url", platform.schemaRegistryUrl()),
                Map.entry("kdstream.teacher.checkpoint", checkpoint.toString()),
                Map.entry("kdstream.teacher.model.id", runId + "-teacher"), // a fingerprint of this test's own
                Map.entry("kdstream.teacher.encoding", "sampled"),
                Map.entry("kdstream.teacher.sampled.draws", Integer.toString(DRAWS)),
                Map.entry("kdstream.teacher.sampled.temperature", Double.toString(PROPOSAL_TEMPERATURE)),
                Map.entry("kdstream.trainer.run.id", runId),
                Map.entry("kdstream.trainer.loss.variant", "sampled"),
                Map.entry("kdstream.trainer.topk", Integer.toString(DRAWS)), // every slot a position can hold
                Map.entry("kdstream.trainer.steps", "4"),
                Map.entry("kdstream.trainer.checkpoint.every", "2"),
                Map.entry("kdstream.trainer.checkpoint.dir", dir.resolve("checkpoints").toString()),
                Map.entry("kdstream.trainer.min.examples", Integer.toString(PROMPTS)),
                Map.entry("kdstream.trainer.batch.size", "4"),
                Map.entry("kdstream.trainer.student.layers", "1"),
                Map.entry("kdstream.trainer.student.width", "16"),
                Map.entry("kdstream.trainer.student.heads", "2"),
                Map.entry("kdstream.trainer.student.feed.forward.width", "32")));
        TopicAdmin.ensureTopics(settings.clientProperties(), TopicCatalogue.ALL);
        String fingerprint = TeacherBackends.fingerprintOf(TeacherWorkerConfig.from(settings), tokenizer);
        settings = settings.with(Map.of("kdstream.trainer.teacher.fingerprint", fingerprint));
        Map<String, Prompt> prompts = sendPrompts(settings, runId);

        Map<String, TeacherLogits> first = publishedBy(settings.with(Map.of("kdstream.teacher.group.id", runId + "-first")), runId + "-first",
                platform, fingerprint);
        Map<String, TeacherLogits> replayed = publishedBy(settings.with(Map.of("kdstream.teacher.group.id", runId + "-replay")), runId + "-replay",
                platform, fingerprint);

        assertThat(first.keySet()).containsExactlyInAnyOrderElementsOf(prompts.keySet());
        try (LoadedCheckpoint teacher = CheckpointFile.read(checkpoint, null, tokenizer.fingerprint())) {
            for (Prompt prompt : prompts.values()) {
                TeacherLogits record = first.get(prompt.getId());
                assertThat(record.getValueEncoding()).isEqualTo(ValueEncoding.SAMPLED_COUNTS);
                assertThat(record.getValueKind()).isEqualTo(ValueKind.LOG_PROBS);
                assertThat(record.getChunkCount()).isEqualTo(1);
                SequenceLogits decoded = SequenceLogits.decode(record);
                int[] tokens = tokenizer.encodeExample(prompt.getPrompt(), prompt.getResponse()).tokens();
                assertThat(decoded.tokens()).containsExactly(tokens);
                assertSameDraws(decoded, expectedDraws(teacher, tokens, prompt.getId()));
                TeacherLogits replay = replayed.get(prompt.getId());
                assertThat(replay.getComputationId()).as("a second computation").isNotEqualTo(record.getComputationId());
                assertThat(replay.getK()).isEqualTo(record.getK());
                assertThat(replay.getTopkIds()).isEqualTo(record.getTopkIds());
                assertThat(replay.getTopkValues()).isEqualTo(record.getTopkValues());
            }
        }

        TrainerService trainer = new TrainerService(TrainerConfig.from(settings));
        try {
            trainer.start();
            await(trainer, () -> trainer.isStopped() && trainer.progress().checkpoints() >= 2);
        } finally {
            Resources.closeAll("sampled-trainer", trainer);
        }
        assertThat(trainer.failure()).isNull();
        assertThat(trainer.progress().step()).isEqualTo(4);
        List<CheckpointEvent> checkpoints = checkpointsOf(platform, runId);
        assertThat(checkpoints).extracting(CheckpointEvent::getStep).containsExactly(2L, 4L);
        assertThat(checkpoints).allSatisfy(event -> {
            assertThat(event.getConfig().getLossVariant()).isEqualTo("sampled");
            assertThat(event.getMetrics().getKdLoss()).isFinite().isPositive();
            assertThat(event.getMetrics().getTotalLoss()).isFinite();
        });
    }

    /** What {@link SampledTokens} draws at each position from the teacher's logits, computed here apart from the worker. */
    private static List<SampledTokens> expectedDraws(LoadedCheckpoint teacher, int[] tokens, String promptId) {
        int vocabularySize = teacher.model().config().vocabularySize();
        float[] logits;
        try (NDManager scope = teacher.model().manager().newSubManager()) {
            NDArray input = scope.create(tokens, new Shape(1, tokens.length));
            logits = teacher.model().logits(scope, input, false).toFloatArray();
        }
        return IntStream.range(0, tokens.length - 1).mapToObj(p -> SampledTokens.draw(logits, p * vocabularySize, vocabularySize,
                DRAWS, PROPOSAL_TEMPERATURE, SampledTokens.seed(promptId, p))).toList();
    }

    /** Each position's used slots are the drawn ids with their log weights, the rest empty (minus infinity). */
    private static void assertSameDraws(SequenceLogits decoded, List<SampledTokens> expected) {
        int k = decoded.k();
        assertThat(k).isEqualTo(expected.stream().mapToInt(drawn -> drawn.ids().length).max().orElseThrow());
        for (int p = 0; p < expected.size(); p++) {
            SampledTokens drawn = expected.get(p);
            Map<Integer, Double> want = new HashMap<>();
            for (int i = 0; i < drawn.ids().length; i++) {
                want.put(drawn.ids()[i], drawn.logWeight(i));
            }
            Map<Integer, Float> got = new HashMap<>();
            for (int r = 0; r < k; r++) {
                if (r < drawn.ids().length) {
                    got.put(decoded.ids()[p * k + r], decoded.values()[p * k + r]);
                } else {
                    assertThat(decoded.values()[p * k + r]).as("unused slot %d of position %d", r, p).isEqualTo(Float.NEGATIVE_INFINITY);
                }
            }
            assertThat(got.keySet()).as("ids of position %d", p).isEqualTo(want.keySet());
            for (Map.Entry<Integer, Double> entry : want.entrySet()) {
                assertThat((double) got.get(entry.getKey())).as("log weight of id %d at %d", entry.getKey(), p).isCloseTo(entry.getValue(), within(1e-5));
            }
        }
    }

    private static Map<String, Prompt> sendPrompts(Settings settings, String runId) throws Exception {
        Map<String, Prompt> prompts = new LinkedHashMap<>();
        Map<String, Object> client = settings.clientProperties();
        try (KafkaProducer<String, Prompt> producer = KafkaClients.producer(client, new TopicCatalogue(client).teacherRequests(), "test")) {
            for (int i = 0; i < PROMPTS; i++) {
                Prompt prompt = Prompt.newBuilder().setId(runId + "-" + i).setDataset("math").setSplit(Split.TRAIN)
                        .setPrompt("What is " + i + "+" + (i + 2) + "?").setResponse((2 * i + 2) + " #### " + (2 * i + 2))
                        .setSource("test").setCreatedAt(Instant.now()).build();
                producer.send(new ProducerRecord<>(TopicCatalogue.TEACHER_REQUESTS.name(), prompt.getId(), prompt)).get();
                prompts.put(prompt.getId(), prompt);
            }
        }
        return prompts;
    }

    /**
     * Runs a worker over the request topic until it has published every prompt, then the newest record of each of
     * this teacher's prompts (read before another worker adds its own).
     */
    private static Map<String, TeacherLogits> publishedBy(Settings settings, String instance, EmbeddedPlatform platform, String fingerprint)
            throws Exception {
        TeacherWorker worker = new TeacherWorker(TeacherWorkerConfig.from(settings), instance);
        try {
            worker.start();
            await(worker, () -> worker.published() >= PROMPTS);
        } finally {
            worker.close();
        }
        assertThat(worker.failure()).isNull();
        TopicCatalogue catalogue = new TopicCatalogue(settings.clientProperties());
        Map<String, TeacherLogits> newest = new HashMap<>();
        for (ConsumerRecord<String, TeacherLogits> record : TopicSnapshot.read(platform.bootstrapServers(), TopicCatalogue.TEACHER_LOGITS.name(),
                new StringDeserializer(), catalogue.teacherLogits().valueSerde().deserializer(), 1, Duration.ofSeconds(30))) {
            if (record.value() != null && record.value().getTeacher().getFingerprint().equals(fingerprint)) {
                newest.put(record.value().getPromptId(), record.value());
            }
        }
        return newest;
    }

    private static List<CheckpointEvent> checkpointsOf(EmbeddedPlatform platform, String runId) {
        TopicCatalogue catalogue = new TopicCatalogue(Map.of("bootstrap.servers", platform.bootstrapServers(), "schema.registry.url",
                platform.schemaRegistryUrl()));
        return TopicSnapshot.read(platform.bootstrapServers(), TopicCatalogue.CHECKPOINTS.name(), catalogue.checkpoints().keySerde().deserializer(),
                        catalogue.checkpoints().valueSerde().deserializer(), 1, Duration.ofSeconds(30)).stream()
                .map(ConsumerRecord::value).filter(event -> event.getRunId().equals(runId)).toList();
    }

    private static void await(LoopService service, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!done.getAsBoolean()) {
            if (service.failure() != null) {
                throw new AssertionError(service.name() + " failed", service.failure());
            }
            assertThat(System.nanoTime()).as("waiting for " + service.name()).isLessThan(deadline);
            Thread.sleep(200);
        }
    }
}
