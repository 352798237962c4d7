package io.kdstream.teacher.worker;

import io.kdstream.platform.config.ConfigException;
import io.kdstream.platform.config.Settings;
import io.kdstream.platform.embedded.EmbeddedPlatform;
import io.kdstream.platform.kafka.TopicSnapshot;
import io.kdstream.platform.testing.EmbeddedPlatformExtension;
import io.kdstream.schemas.avro.DeadLetter;
import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.avro.TeacherLogits;
import io.kdstream.schemas.avro.ValueKind;
import io.kdstream.schemas.logits.SequenceLogits;
import io.kdstream.schemas.logits.TopKDivergence;
import io.kdstream.schemas.topics.TopicCatalogue;
import io.kdstream.teacher.TeacherWorkerConfig;
import io.kdstream.teacher.serve.TeacherServer;
import io.kdstream.teacher.testing.RequestTopic;
import io.kdstream.teacher.testing.ServedTeachers;
import io.kdstream.teacher.testing.TeacherFixtures;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Teacher workers whose teacher is a real {@code serve-teacher} over loopback HTTP, on a real broker and registry: the
 * cache they fill agrees with an in-process worker's; a prompt the server refuses is dead-lettered with the server's
 * words; a K above the server's limit is refused at start; a server that goes away pauses the worker, which resumes
 * and loses nothing when it comes back.
 */
@ExtendWith(EmbeddedPlatformExtension.class)
class ServedTeacherWorkerIntegrationTest {

    private static final int K = 8;

    private static Settings settings(EmbeddedPlatform platform, Path checkpoint, String group, Map<String, String> backend) {
        Map<String, String> values = new HashMap<>(backend);
        values.putAll(Map.of(
                "bootstrap.servers", platform.bootstrapServers(),
                "schema.registry.url", platform.schemaRegistryUrl(),
                "kdstream.teacher.checkpoint", checkpoint.toString(),
                "kdstream.teacher.device", "cpu",
                "kdstream.teacher.topk", Integer.toString(K),
                "kdstream.teacher.group.id", group));
        return Settings.of(values);
    }

    private static Map<String, Object> client(EmbeddedPlatform platform) {
        return Map.of("bootstrap.servers", platform.bootstrapServers(), "schema.registry.url", platform.schemaRegistryUrl());
    }

    private static TeacherWorker startAtEnd(Settings settings, String instance) throws Exception {
        TeacherWorkerConfig config = TeacherWorkerConfig.from(settings);
        RequestTopic.startGroupAtEnd(settings.clientProperties(), config.groupId());
        TeacherWorker worker = new TeacherWorker(config, instance);
        worker.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> worker.isReady() || worker.isStopped());
        return worker;
    }

    private static List<Prompt> prompts(String prefix, int count) {
        return IntStream.range(0, count).mapToObj(i -> TeacherFixtures.prompt(prefix + i, "What is " + i + "+" + (2 * i) + "?",
                (3 * i) + " #### " + (3 * i))).toList();
    }

    @Test
    void shouldFillTheSameCacheServedAsInProcessWithinTheEncodingsTolerance(EmbeddedPlatform platform, @TempDir Path dir) throws Exception {
        Path checkpoint = TeacherFixtures.untrainedTeacher(dir, 5);
        List<Prompt> prompts = prompts("same-", 6);
        try (TeacherServer server = ServedTeachers.start(checkpoint, 0)) {
            TeacherWorker inProcess = startAtEnd(settings(platform, checkpoint, "served-same-djl", Map.of()), "same-djl");
            TeacherWorker vllm = startAtEnd(settings(platform, checkpoint, "served-same-vllm", ServedTeachers.workerSettings("vllm", server.url())), "same-vllm");
            TeacherWorker sglang = startAtEnd(settings(platform, checkpoint, "served-same-sglang", ServedTeachers.workerSettings("sglang", server.url())), "same-sglang");
            List<TeacherWorker> workers = List.of(inProcess, vllm, sglang);
            try {
                RequestTopic.send(client(platform), prompts);
                await().atMost(Duration.ofSeconds(120)).until(() -> workers.stream().allMatch(w -> w.published() >= prompts.size()));
                assertThat(vllm.teacherFingerprint()).isEqualTo(sglang.teacherFingerprint()).isNotEqualTo(inProcess.teacherFingerprint());

                Map<String, TeacherLogits> records = logits(platform);
                for (Prompt prompt : prompts) {
                    TeacherLogits reference = records.get(inProcess.teacherFingerprint() + "/" + prompt.getId());
                    assertThat(reference.getValueKind()).isEqualTo(ValueKind.RAW_LOGITS);
                    for (TeacherWorker served : List.of(vllm, sglang)) {
                        TeacherLogits record = records.get(served.teacherFingerprint() + "/" + prompt.getId());
                        assertThat(record.getValueKind()).isEqualTo(ValueKind.LOG_PROBS);
                        assertThat(record.getTokenizerFingerprint()).isEqualTo(reference.getTokenizerFingerprint());
                        assertSameDistributions(SequenceLogits.decode(record), SequenceLogits.decode(reference), prompt.getId());
                    }
                }
            } finally {
                workers.forEach(TeacherWorker::close);
            }
        }
    }

    /** Same tokens, mask and ids; each position's distribution (with the tail) within twice the encoding's 1e-3 nats. */
    private static void assertSameDistributions(SequenceLogits served, SequenceLogits inProcess, String prompt) {
        assertThat(served.tokens()).as(prompt).isEqualTo(inProcess.tokens());
        assertThat(served.lossMask()).as(prompt).isEqualTo(inProcess.lossMask());
        assertThat(served.ids()).as(prompt).isEqualTo(inProcess.ids());
        for (int p = 0; p < inProcess.positions(); p++) {
            double kl = TopKDivergence.withTail(inProcess.values(), inProcess.logSumExp()[p], served.values(), served.logSumExp()[p], p * K, K);
            assertThat(kl).as(prompt + " position " + p).isLessThan(2e-3);
        }
    }

    @Test
    void shouldDeadLetterWhatTheServerRefusesWithItsMessage(EmbeddedPlatform platform, @TempDir Path dir) throws Exception {
        Path checkpoint = TeacherFixtures.untrainedTeacher(dir, 6);
        String tooLong = "What is " + "1+".repeat(60) + "1?";
        List<Prompt> prompts = List.of(TeacherFixtures.prompt("refused-ok-1", "What is 1+2?", "3 #### 3"),
                TeacherFixtures.prompt("refused-long", tooLong, "61 #### 61"),
                TeacherFixtures.prompt("refused-ok-2", "What is 2+2?", "4 #### 4"));
        try (TeacherServer server = ServedTeachers.start(checkpoint, 0)) {
            TeacherWorker worker = startAtEnd(settings(platform, checkpoint, "served-refused", ServedTeachers.workerSettings("vllm", server.url())), "refused");
            try {
                RequestTopic.send(client(platform), prompts);
                await().atMost(Duration.ofSeconds(60)).until(() -> worker.published() >= 2);
                List<DeadLetter> letters = deadLetters(platform, "refused-long");
                assertThat(letters).hasSize(1);
                assertThat(letters.get(0).getErrorMessage()).contains("refused the request (400)")
                        .contains("This model's maximum context length is 96 tokens");
                assertThat(worker.failure()).isNull();
                assertThat(logits(platform)).containsKeys(worker.teacherFingerprint() + "/refused-ok-1", worker.teacherFingerprint() + "/refused-ok-2");
            } finally {
                worker.close();
            }
        }
    }

    @Test
    void shouldRefuseAKAboveTheServersLimitAtStartNamingIt(EmbeddedPlatform platform, @TempDir Path dir) throws Exception {
        Path checkpoint = TeacherFixtures.untrainedTeacher(dir, 7);
        try (TeacherServer server = ServedTeachers.start(checkpoint, 0)) {
            Map<String, String> backend = new HashMap<>(ServedTeachers.workerSettings("vllm", server.url()));
            backend.put("kdstream.teacher.topk", "32");
            Settings settings = settings(platform, checkpoint, "served-k-limit", Map.of()).with(backend);
            TeacherWorker worker = new TeacherWorker(TeacherWorkerConfig.from(settings), "k-limit");
            try {
                worker.start();
                await().atMost(Duration.ofSeconds(60)).until(worker::isStopped);
                assertThat(worker.failure()).isInstanceOf(ConfigException.class)
                        .hasMessageContaining("setting 'kdstream.teacher.topk' is 32")
                        .hasMessageContaining("greater than max allowed: 20");
            } finally {
                worker.close();
            }
        }
    }

    @Test
    void shouldPauseWhileTheServerIsDownAndResumeWithNothingLost(EmbeddedPlatform platform, @TempDir Path dir) throws Exception {
        Path checkpoint = TeacherFixtures.untrainedTeacher(dir, 8);
        TeacherServer server = ServedTeachers.start(checkpoint, 0);
        int port = server.port();
        TeacherWorker worker = startAtEnd(settings(platform, checkpoint, "served-down", ServedTeachers.workerSettings("sglang", server.url())), "down");
        try {
            server.close();
            List<Prompt> prompts = prompts("down-", 4);
            RequestTopic.send(client(platform), prompts);
            await().atMost(Duration.ofSeconds(60)).until(worker::paused);
            Thread.sleep(2_000); // paused, it reads nothing more and publishes nothing
            assertThat(worker.published()).isZero();
            assertThat(worker.isStopped()).isFalse();

            server = ServedTeachers.start(checkpoint, port);
            await().atMost(Duration.ofSeconds(90)).until(() -> worker.published() >= prompts.size());
            assertThat(worker.paused()).isFalse();
            Map<String, TeacherLogits> records = logits(platform);
            prompts.forEach(prompt -> assertThat(records).containsKey(worker.teacherFingerprint() + "/" + prompt.getId()));
            for (Prompt prompt : prompts) {
                assertThat(deadLetters(platform, prompt.getId())).as("dead letters of " + prompt.getId()).isEmpty();
            }
        } finally {
            worker.close();
            server.close();
        }
    }

    private static Map<String, TeacherLogits> logits(EmbeddedPlatform platform) {
        TopicCatalogue catalogue = new TopicCatalogue(client(platform));
        return TopicSnapshot.read(platform.bootstrapServers(), TopicCatalogue.TEACHER_LOGITS.name(),
                        catalogue.teacherLogits().keySerde().deserializer(), catalogue.teacherLogits().valueSerde().deserializer(), 1, Duration.ofSeconds(30))
                .stream().filter(r -> r.value() != null) // other tests' prunes leave tombstones on the shared broker
                .collect(Collectors.toMap(ConsumerRecord::key, ConsumerRecord::value, (first, second) -> second));
    }

    private static List<DeadLetter> deadLetters(EmbeddedPlatform platform, String promptId) {
        TopicCatalogue catalogue = new TopicCatalogue(client(platform));
        return TopicSnapshot.read(platform.bootstrapServers(), TopicCatalogue.DEAD_LETTER.name(),
                        catalogue.deadLetter().keySerde().deserializer(), catalogue.deadLetter().valueSerde().deserializer(), 0, Duration.ofSeconds(5))
                .stream().filter(r -> new String(r.key(), StandardCharsets.UTF_8).equals(promptId)).map(ConsumerRecord::value).toList();
    }
}
