package io.kdstream.teacher.worker;

import io.kdstream.platform.config.Settings;
import io.kdstream.platform.embedded.EmbeddedPlatform;
import io.kdstream.platform.kafka.TopicSnapshot;
import io.kdstream.platform.testing.EmbeddedPlatformExtension;
import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.logits.LogitsKey;
import io.kdstream.schemas.topics.KafkaClients;
import io.kdstream.schemas.topics.TopicCatalogue;
import io.kdstream.teacher.TeacherBackends;
import io.kdstream.teacher.TeacherWorkerConfig;
import io.kdstream.teacher.testing.RequestTopic;
import io.kdstream.teacher.testing.TeacherFixtures;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Read-process-write exactly once: no request lost, no logit record duplicated, for read_committed readers. */
@ExtendWith(EmbeddedPlatformExtension.class)
class TeacherWorkerExactlyOnceIntegrationTest {

    @Test
    void shouldLoseAndDuplicateNothingWhenAWorkerIsKilledBetweenSendingAndCommitting(EmbeddedPlatform platform, @TempDir Path dir) throws Exception {
        List<String> ids = ids("eos-kill-", 12);
        Settings settings = settings(platform, TeacherFixtures.untrainedTeacher(dir, 11), "eos-kill");
        String teacher = TeacherBackends.checkpointFingerprint(TeacherWorkerConfig.from(settings));
        sendRequests(settings, ids);

        Process doomed = CommitPausingTeacherWorker.start(settings, dir, "eos-kill-worker");
        try {
            await().atMost(Duration.ofSeconds(90)).until(() -> uncommittedKeys(platform, teacher, ids).size() >= ids.size());
        } finally {
            doomed.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, no abort, no commit
        }
        assertThat(committedKeys(platform, teacher, ids)).as("visible to read_committed before the replacement ran").isEmpty();

        TeacherWorker replacement = new TeacherWorker(TeacherWorkerConfig.from(settings), "eos-kill-worker");
        long restarted = System.nanoTime();
        replacement.start();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> committedKeys(platform, teacher, ids).size() >= ids.size());
        } finally {
            replacement.close();
        }
        // a RELIABILITY.md figure, not an assertion: timers do not belong in tests' verdicts
        System.out.printf("worker-kill | %d requests | replacement's records all committed %d ms after its start%n", ids.size(),
                (System.nanoTime() - restarted) / 1_000_000);

        assertThat(replacement.failure()).isNull();
        assertExactlyOnce(committedKeys(platform, teacher, ids), ids, teacher);
        assertThat(uncommittedKeys(platform, teacher, ids)).as("the killed worker's records are in the log, aborted").hasSize(2 * ids.size());
    }

    @Test
    void shouldLoseAndDuplicateNothingWhileWorkersJoinAndLeave(EmbeddedPlatform platform, @TempDir Path dir) throws Exception {
        List<String> ids = ids("eos-rebalance-", 240);
        Settings settings = settings(platform, TeacherFixtures.untrainedTeacher(dir, 12), "eos-rebalance")
                .with(Map.of("max.poll.records", "8"));
        String teacher = TeacherBackends.checkpointFingerprint(TeacherWorkerConfig.from(settings));
        sendRequests(settings, ids);

        List<TeacherWorker> workers = new ArrayList<>();
        Function<String, TeacherWorker> start = name -> {
            TeacherWorker worker = new TeacherWorker(TeacherWorkerConfig.from(settings), name);
            workers.add(worker);
            worker.start();
            return worker;
        };
        try {
            TeacherWorker first = start.apply("a");
            await().atMost(Duration.ofSeconds(60)).until(() -> first.published() >= 30);
            start.apply("b");
            await().atMost(Duration.ofSeconds(60)).until(() -> total(workers) >= 90);
            first.close(); // leaves mid-stream
            start.apply("c");
            await().atMost(Duration.ofSeconds(90)).until(() -> committedKeys(platform, teacher, ids).size() >= ids.size());
        } finally {
            workers.forEach(TeacherWorker::close);
        }

        assertThat(workers).allSatisfy(worker -> assertThat(worker.failure()).isNull());
        assertExactlyOnce(committedKeys(platform, teacher, ids), ids, teacher);
    }

    private static List<String> ids(String prefix, int count) {
        return IntStream.range(0, count).mapToObj(i -> prefix + i).toList();
    }

    private static long total(List<TeacherWorker> workers) {
        return workers.stream().mapToLong(TeacherWorker::published).sum();
    }

    private static Settings settings(EmbeddedPlatform platform, Path checkpoint, String group) {
        return Settings.of(Map.of(
                "bootstrap.servers", platform.bootstrapServers(),
                "schema.registry.url", platform.schemaRegistryUrl(),
                "kdstream.teacher.checkpoint", checkpoint.toString(),
                "kdstream.teacher.group.id", group,
                "kdstream.teacher.topk", "4"));
    }

    /**
     * Sends this test's requests after committing the workers' group at the topic's end: other tests on the shared
     * platform leave requests there (hundreds, hostile ones too), and a worker that pauses a minute before each commit
     * must meet this test's requests in its first batch.
     */
    private static void sendRequests(Settings settings, List<String> ids) throws Exception {
        Map<String, Object> client = settings.clientProperties();
        RequestTopic.startGroupAtEnd(client, TeacherWorkerConfig.from(settings).groupId());
        TopicCatalogue catalogue = new TopicCatalogue(client);
        try (KafkaProducer<String, Prompt> producer = KafkaClients.producer(client, catalogue.teacherRequests(), "eos-test")) {
            for (String id : ids) {
                producer.send(new ProducerRecord<>(TopicCatalogue.TEACHER_REQUESTS.name(), id, TeacherFixtures.prompt(id, "What is 3+4?", "7 #### 7")));
            }
            producer.flush();
        }
    }

    /** This test's keys that read_committed readers see (other tests share the topics). */
    private static List<String> committedKeys(EmbeddedPlatform platform, String teacher, List<String> ids) {
        return TopicSnapshot.read(platform.bootstrapServers(), TopicCatalogue.TEACHER_LOGITS.name(), new StringDeserializer(),
                        new ByteArrayDeserializer(), 0, Duration.ofSeconds(5)).stream()
                .map(ConsumerRecord::key).filter(key -> isOurs(key, teacher, ids)).toList();
    }

    /** This test's keys in the log, committed or not (read_uncommitted). */
    private static List<String> uncommittedKeys(EmbeddedPlatform platform, String teacher, List<String> ids) {
        Map<String, Object> props = Map.of("bootstrap.servers", platform.bootstrapServers(), "isolation.level", "read_uncommitted");
        List<String> keys = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = IntStream.range(0, TopicCatalogue.TEACHER_LOGITS.partitions())
                    .mapToObj(p -> new TopicPartition(TopicCatalogue.TEACHER_LOGITS.name(), p)).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> {
                    if (record.key() != null && isOurs(record.key(), teacher, ids)) {
                        keys.add(record.key());
                    }
                });
            }
        }
        return keys;
    }

    private static boolean isOurs(String key, String teacher, List<String> ids) {
        return LogitsKey.teacherOf(key).equals(teacher) && ids.contains(LogitsKey.promptOf(key));
    }

    private static void assertExactlyOnce(List<String> committed, List<String> ids, String teacher) {
        Map<String, Long> counts = committed.stream().collect(Collectors.groupingBy(key -> key, Collectors.counting()));
        assertThat(counts.keySet()).containsExactlyInAnyOrderElementsOf(ids.stream().map(id -> LogitsKey.of(teacher, id)).toList());
        assertThat(counts.values()).as("records per key").containsOnly(1L);
    }
}
