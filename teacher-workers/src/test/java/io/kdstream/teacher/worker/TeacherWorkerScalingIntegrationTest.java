package io.kdstream.teacher.worker;

import io.kdstream.platform.config.Settings;
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

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Workers scaled 1 → 4 → 1 while requests stream in: read_committed readers see each request's logits exactly once.
 * Prints a row for RELIABILITY.md ({@code elastic-workers | ...}) with the longest gap between consecutive logits
 * records after each scaling step (until the next): an upper bound on what the rebalance cost, as the requests arrive
 * in bursts 200 ms apart (measured, not asserted).
 */
@ExtendWith(EmbeddedPlatformExtension.class)
class TeacherWorkerScalingIntegrationTest {

    private static final int REQUESTS = 300;

    @Test
    void shouldLoseAndDuplicateNothingWhileScalingOneToFourToOne(EmbeddedPlatform platform, @TempDir Path dir) throws Exception {
        List<String> ids = IntStream.range(0, REQUESTS).mapToObj(i -> "scale-" + i).toList();
        Settings settings = Settings.of(Map.of(
                "bootstrap.servers", platform.bootstrapServers(),
                "schema.registry.url", platform.schemaRegistryUrl(),
                "kdstream.teacher.checkpoint", TeacherFixtures.untrainedTeacher(dir, 21).toString(),
                "kdstream.teacher.group.id", "scale-workers",
                "kdstream.teacher.topk", "4",
                "max.poll.records", "8"));
        String teacher = TeacherBackends.checkpointFingerprint(TeacherWorkerConfig.from(settings));
        Map<String, Object> client = settings.clientProperties();
        TopicAdmin.ensureTopics(client, TopicCatalogue.ALL);
        CompletableFuture<Void> streaming = CompletableFuture.runAsync(() -> stream(client, ids));

        List<TeacherWorker> workers = new ArrayList<>();
        long scaledUp;
        long scaledDown;
        try {
            workers.add(started(settings, "scale-0"));
            await().atMost(Duration.ofSeconds(60)).until(() -> total(workers) >= 40);
            scaledUp = System.currentTimeMillis();
            for (int i = 1; i < 4; i++) {
                workers.add(started(settings, "scale-" + i));
            }
            await().atMost(Duration.ofSeconds(90)).until(() -> total(workers) >= 160);
            scaledDown = System.currentTimeMillis();
            workers.subList(1, 4).forEach(TeacherWorker::close);
            streaming.get();
            await().atMost(Duration.ofSeconds(120)).until(() -> committed(platform, teacher).size() >= REQUESTS);
        } finally {
            workers.forEach(TeacherWorker::close);
        }

        List<ConsumerRecord<String, byte[]>> records = committed(platform, teacher);
        Map<String, Long> counts = records.stream().collect(Collectors.groupingBy(ConsumerRecord::key, Collectors.counting()));
        long duplicated = counts.values().stream().mapToLong(n -> n - 1).sum();
        long lost = ids.stream().filter(id -> !counts.containsKey(LogitsKey.of(teacher, id))).count();
        List<Long> times = records.stream().map(ConsumerRecord::timestamp).sorted().toList();
        System.out.printf("elastic-workers | 1 -> 4 -> 1 while %d requests stream in | in %d | out %d | lost %d | duplicated %d"
                        + " | longest gap after scaling up %d ms, after scaling down %d ms | failures %s%n",
                REQUESTS, REQUESTS, counts.size(), lost, duplicated, longestGap(times, scaledUp, scaledDown), longestGap(times, scaledDown, scaledDown + 15_000),
                workers.stream().map(TeacherWorker::failure).filter(f -> f != null).toList());

        assertThat(workers).allSatisfy(worker -> assertThat(worker.failure()).isNull());
        assertThat(lost).as("requests without logits").isZero();
        assertThat(duplicated).as("logits records seen twice by read_committed readers").isZero();
    }

    private static TeacherWorker started(Settings settings, String instance) {
        TeacherWorker worker = new TeacherWorker(TeacherWorkerConfig.from(settings), instance);
        worker.start();
        return worker;
    }

    /** Sends the requests about 50 a second, as SDG data arrives. */
    private static void stream(Map<String, Object> client, List<String> ids) {
        try (KafkaProducer<String, Prompt> producer = KafkaClients.producer(client, new TopicCatalogue(client).teacherRequests(), "scale-test")) {
            for (int i = 0; i < ids.size(); i++) {
                String id = ids.get(i);
                producer.send(new ProducerRecord<>(TopicCatalogue.TEACHER_REQUESTS.name(), id, TeacherFixtures.prompt(id, "What is 3+4?", "7 #### 7")));
                if (i % 10 == 9) {
                    producer.flush();
                    Thread.sleep(200);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long total(List<TeacherWorker> workers) {
        return workers.stream().mapToLong(TeacherWorker::published).sum();
    }

    /** The longest gap between consecutive record times from {@code from} (the gap across it included) to {@code to}. */
    private static long longestGap(List<Long> times, long from, long to) {
        long longest = 0;
        for (int i = 1; i < times.size(); i++) {
            if (times.get(i) >= from && times.get(i - 1) <= to) {
                longest = Math.max(longest, times.get(i) - times.get(i - 1));
            }
        }
        return longest;
    }

    private static List<ConsumerRecord<String, byte[]>> committed(EmbeddedPlatform platform, String teacher) {
        return TopicSnapshot.read(platform.bootstrapServers(), TopicCatalogue.TEACHER_LOGITS.name(), new StringDeserializer(),
                        new ByteArrayDeserializer(), 0, Duration.ofSeconds(5)).stream()
                .filter(r -> r.key() != null && r.key().startsWith(teacher + "/scale-")).toList();
    }
}
