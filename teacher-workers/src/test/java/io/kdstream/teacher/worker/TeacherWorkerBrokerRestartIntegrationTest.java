package io.kdstream.teacher.worker;

import io.kdstream.platform.config.Settings;
import io.kdstream.platform.embedded.EmbeddedKafkaBroker;
import io.kdstream.platform.embedded.EmbeddedPlatform;
import io.kdstream.platform.kafka.TopicAdmin;
import io.kdstream.platform.kafka.TopicSnapshot;
import io.kdstream.platform.testing.EmbeddedPlatformExtension;
import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.logits.LogitsKey;
import io.kdstream.schemas.topics.KafkaClients;
import io.kdstream.schemas.topics.TopicCatalogue;
import io.kdstream.teacher.TeacherBackends;
import io.kdstream.teacher.TeacherWorkerConfig;
import io.kdstream.teacher.testing.TeacherFixtures;
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
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The broker restarted on its own log directory while a worker is busy: the worker waits and goes on by itself, and
 * read_committed readers see each request's logits exactly once. Prints a row for RELIABILITY.md
 * ({@code broker-restart | ...}). Its own broker (the shared one stays up for the other tests); the shared registry.
 */
@ExtendWith(EmbeddedPlatformExtension.class)
class TeacherWorkerBrokerRestartIntegrationTest {

    private static final int REQUESTS = 120;

    @Test
    void shouldLoseAndDuplicateNothingWhenTheBrokerRestartsMidRun(EmbeddedPlatform platform, @TempDir Path dir) throws Exception {
        List<String> ids = IntStream.range(0, REQUESTS).mapToObj(i -> "restart-" + i).toList();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(Files.createDirectories(dir.resolve("kafka")), true)) {
            Settings settings = Settings.of(Map.of(
                    "bootstrap.servers", broker.bootstrapServers(),
                    "schema.registry.url", platform.schemaRegistryUrl(),
                    "kdstream.teacher.checkpoint", TeacherFixtures.untrainedTeacher(dir, 3).toString(),
                    "kdstream.teacher.group.id", "restart-workers",
                    "kdstream.teacher.topk", "4",
                    "max.poll.records", "8"));
            String teacher = TeacherBackends.checkpointFingerprint(TeacherWorkerConfig.from(settings));
            Map<String, Object> client = settings.clientProperties();
            TopicAdmin.ensureTopics(client, TopicCatalogue.ALL);
            try (KafkaProducer<String, Prompt> producer = KafkaClients.producer(client, new TopicCatalogue(client).teacherRequests(), "restart-test")) {
                for (String id : ids) {
                    producer.send(new ProducerRecord<>(TopicCatalogue.TEACHER_REQUESTS.name(), id, TeacherFixtures.prompt(id, "What is 3+4?", "7 #### 7")));
                }
                producer.flush();
            }
            Supplier<List<String>> committed = () -> TopicSnapshot.read(broker.bootstrapServers(), TopicCatalogue.TEACHER_LOGITS.name(),
                            new StringDeserializer(), new ByteArrayDeserializer(), 0, Duration.ofSeconds(5)).stream()
                    .map(ConsumerRecord::key).filter(key -> key.startsWith(teacher + "/restart-")).toList();

            TeacherWorker worker = new TeacherWorker(TeacherWorkerConfig.from(settings), "restart");
            long publishedBefore;
            long restartMillis;
            long recoveryMillis;
            try {
                worker.start();
                await().atMost(Duration.ofSeconds(60)).until(() -> worker.published() >= 20);
                publishedBefore = worker.published();
                long down = System.nanoTime();
                broker.restart();
                restartMillis = (System.nanoTime() - down) / 1_000_000;
                await().atMost(Duration.ofSeconds(120)).until(() -> worker.published() > publishedBefore || worker.isStopped());
                recoveryMillis = (System.nanoTime() - down) / 1_000_000;
                await().atMost(Duration.ofSeconds(120)).until(() -> committed.get().size() >= REQUESTS || worker.isStopped());
            } finally {
                worker.close();
            }

            List<String> keys = committed.get();
            Map<String, Long> counts = keys.stream().collect(Collectors.groupingBy(key -> key, Collectors.counting()));
            long duplicated = counts.values().stream().mapToLong(n -> n - 1).sum();
            long lost = ids.stream().filter(id -> !counts.containsKey(LogitsKey.of(teacher, id))).count();
            System.out.printf("broker-restart | worker busy, broker restarted after %d of %d | in %d | out %d | lost %d | duplicated %d"
                            + " | broker down and up %d ms | first record after %d ms | worker failure %s%n",
                    publishedBefore, REQUESTS, REQUESTS, counts.size(), lost, duplicated, restartMillis, recoveryMillis, worker.failure());

            assertThat(worker.failure()).isNull();
            assertThat(lost).as("requests without logits").isZero();
            assertThat(duplicated).as("logits records seen twice by read_committed readers").isZero();
        }
    }
}
