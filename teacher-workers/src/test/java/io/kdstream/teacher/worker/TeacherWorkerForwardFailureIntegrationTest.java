package io.kdstream.teacher.worker;

import io.kdstream.model.tokenizer.CharTokenizer;
import io.kdstream.platform.config.Settings;
import io.kdstream.platform.embedded.EmbeddedPlatform;
import io.kdstream.platform.kafka.TopicSnapshot;
import io.kdstream.platform.testing.EmbeddedPlatformExtension;
import io.kdstream.schemas.avro.DeadLetter;
import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.avro.TeacherLogits;
import io.kdstream.schemas.topics.TopicCatalogue;
import io.kdstream.teacher.TeacherBackends;
import io.kdstream.teacher.TeacherWorkerConfig;
import io.kdstream.teacher.backend.TeacherBackend;
import io.kdstream.teacher.testing.FailingTeacher;
import io.kdstream.teacher.testing.RequestTopic;
import io.kdstream.teacher.testing.TeacherFixtures;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A forward pass that fails (here a teacher that fails on purpose, {@link FailingTeacher}): the batch is scored again one sequence at a time; a sequence
 * that fails alone while the teacher still scores a probe sequence is dead-lettered and the others are published, however
 * many fail in a row; when the probe fails too (a broken device) the worker stops with its transaction aborted, so
 * nothing of that batch is lost or half-published.
 * Each worker's group starts at the end of the request topic, so only its own requests are scored.
 */
@ExtendWith(EmbeddedPlatformExtension.class)
class TeacherWorkerForwardFailureIntegrationTest {

    @Test
    void shouldDeadLetterTheSequenceThatFailsAloneAndPublishTheRest(EmbeddedPlatform platform, @TempDir Path dir) throws Exception {
        Settings settings = settings(platform, dir, "kdstream-teacher-forward-failure");
        TeacherWorker worker = startedAtEnd(settings, List.of("fwd-ok-1", "fwd-poison", "fwd-ok-2"), failingOn(List.of("fwd-poison")));
        TopicCatalogue catalogue = new TopicCatalogue(settings.clientProperties());
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> worker.published() >= 2);
            List<ConsumerRecord<byte[], DeadLetter>> letters = TopicSnapshot.read(platform.bootstrapServers(), TopicCatalogue.DEAD_LETTER.name(),
                            catalogue.deadLetter().keySerde().deserializer(), catalogue.deadLetter().valueSerde().deserializer(), 1, Duration.ofSeconds(30))
                    .stream().filter(r -> new String(r.key(), StandardCharsets.UTF_8).equals("fwd-poison")).toList();
            assertThat(letters).hasSize(1);
            assertThat(letters.get(0).value().getErrorMessage()).contains("fault injection: the forward pass fails on prompt fwd-poison");

            List<String> published = TopicSnapshot.read(platform.bootstrapServers(), TopicCatalogue.TEACHER_LOGITS.name(),
                            catalogue.teacherLogits().keySerde().deserializer(), catalogue.teacherLogits().valueSerde().deserializer(), 2, Duration.ofSeconds(30))
                    .stream().map(ConsumerRecord::key).filter(key -> key.startsWith(worker.teacherFingerprint() + "/fwd-")).toList();
            assertThat(published).containsExactlyInAnyOrder(worker.teacherFingerprint() + "/fwd-ok-1", worker.teacherFingerprint() + "/fwd-ok-2");
            assertThat(worker.failure()).isNull();
        } finally {
            worker.close();
        }
    }

    @Test
    void shouldGoOnPastRequestsThatFailInARowWhileTheDeviceWorks(EmbeddedPlatform platform, @TempDir Path dir) throws Exception {
        // a worker that stopped here would meet the same requests after every restart: a crash loop
        List<String> failing = List.of("row-1", "row-2", "row-3", "row-4");
        Settings settings = settings(platform, dir, "kdstream-teacher-forward-row");
        TeacherWorker worker = startedAtEnd(settings, List.of("row-1", "row-2", "row-3", "row-4", "row-ok"), failingOn(failing));
        TopicCatalogue catalogue = new TopicCatalogue(settings.clientProperties());
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> worker.published() >= 1);
            List<String> letters = TopicSnapshot.read(platform.bootstrapServers(), TopicCatalogue.DEAD_LETTER.name(),
                            catalogue.deadLetter().keySerde().deserializer(), catalogue.deadLetter().valueSerde().deserializer(), 4, Duration.ofSeconds(30))
                    .stream().map(r -> new String(r.key(), StandardCharsets.UTF_8)).filter(failing::contains).toList();
            assertThat(letters).containsExactlyInAnyOrderElementsOf(failing);
            assertThat(worker.failure()).isNull();
            assertThat(worker.isStopped()).isFalse();
        } finally {
            worker.close();
        }
    }

    @Test
    void shouldStopWithTheTransactionAbortedWhenTheDeviceFails(EmbeddedPlatform platform, @TempDir Path dir) throws Exception {
        List<String> requests = List.of("device-1", "device-2");
        Settings settings = settings(platform, dir, "kdstream-teacher-forward-device");
        // the first call is the worker's start-up check; the device breaks after it
        TeacherWorker worker = startedAtEnd(settings, requests, teacher -> FailingTeacher.brokenAfter(teacher, 1));
        TopicCatalogue catalogue = new TopicCatalogue(settings.clientProperties());
        try {
            await().atMost(Duration.ofSeconds(60)).until(worker::isStopped);

            assertThat(worker.failure()).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("failed on prompt device-1 and on the probe sequence too")
                    .hasMessageContaining("the device rather than the input is at fault");
            assertThat(worker.published()).isZero();
            // nothing was dead-lettered: a read_committed reader sees no letter of these requests
            List<String> letters = TopicSnapshot.read(platform.bootstrapServers(), TopicCatalogue.DEAD_LETTER.name(),
                            catalogue.deadLetter().keySerde().deserializer(), catalogue.deadLetter().valueSerde().deserializer(), 0, Duration.ofSeconds(10))
                    .stream().map(r -> new String(r.key(), StandardCharsets.UTF_8)).filter(requests::contains).toList();
            assertThat(letters).isEmpty();
        } finally {
            worker.close();
        }
    }

    private static Settings settings(EmbeddedPlatform platform, Path dir, String group) throws Exception {
        return Settings.of(Map.of(
                "bootstrap.servers", platform.bootstrapServers(),
                "schema.registry.url", platform.schemaRegistryUrl(),
                "kdstream.teacher.checkpoint", TeacherFixtures.untrainedTeacher(dir, 3).toString(),
                "kdstream.teacher.topk", "4",
                "kdstream.teacher.group.id", group));
    }

    /** Each prompt's own text, so that the teacher can fail on one prompt's tokens and not on another's. */
    private static Prompt prompt(String id) {
        return TeacherFixtures.prompt(id, "What is 1+2? (" + id + ")", "3 #### 3");
    }

    private static UnaryOperator<TeacherBackend> failingOn(List<String> promptIds) {
        CharTokenizer tokenizer = new CharTokenizer();
        Map<String, int[]> tokens = promptIds.stream().collect(Collectors.toMap(id -> id,
                id -> tokenizer.encodeExample(prompt(id).getPrompt(), prompt(id).getResponse()).tokens()));
        return teacher -> FailingTeacher.failingOn(teacher, tokens);
    }

    /**
     * Points the worker's group at the request topic's current end, sends the prompts, and starts a worker whose real
     * teacher {@code failing} wraps.
     */
    private static TeacherWorker startedAtEnd(Settings settings, List<String> promptIds, UnaryOperator<TeacherBackend> failing) throws Exception {
        Map<String, Object> client = settings.clientProperties();
        TeacherWorkerConfig config = TeacherWorkerConfig.from(settings);
        RequestTopic.startGroupAtEnd(client, config.groupId());
        RequestTopic.send(client, promptIds.stream().map(TeacherWorkerForwardFailureIntegrationTest::prompt).toList());
        TeacherWorker worker = new TeacherWorker(config, "forward-failure", (c, tokenizer) -> failing.apply(TeacherBackends.open(c, tokenizer)));
        worker.start();
        return worker;
    }
}
