package io.kdstream.teacher.router;

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
import io.kdstream.teacher.worker.TeacherWorker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Sending the same SDG data twice costs no teacher compute the second time; a new teacher asks for everything again. */
@ExtendWith(EmbeddedPlatformExtension.class)
class CacheRouterIntegrationTest {

    private static final List<String> IDS = IntStream.range(0, 5).mapToObj(i -> "router-it-" + i).toList();

    @Test
    void shouldRequestEachPromptOncePerTeacher(EmbeddedPlatform platform, @TempDir Path dir) throws Exception {
        Path checkpoint = TeacherFixtures.untrainedTeacher(dir, 2);
        Settings settings = Settings.of(Map.of(
                "bootstrap.servers", platform.bootstrapServers(),
                "schema.registry.url", platform.schemaRegistryUrl(),
                "state.dir", dir.resolve("state").toString(),
                "kdstream.teacher.checkpoint", checkpoint.toString(),
                "kdstream.teacher.group.id", "router-it-workers"));
        String teacher = TeacherBackends.checkpointFingerprint(TeacherWorkerConfig.from(settings));
        Map<String, Object> client = settings.clientProperties();
        TopicAdmin.ensureTopics(client, TopicCatalogue.ALL);
        TopicCatalogue catalogue = new TopicCatalogue(client);

        CacheRouter router = new CacheRouter(CacheRouterConfig.from(settings.with(Map.of("kdstream.router.teacher.fingerprint", teacher))));
        TeacherWorker worker = new TeacherWorker(TeacherWorkerConfig.from(settings), "router-it");
        router.start();
        worker.start();
        try {
            sendPrompts(client, catalogue);
            await().atMost(Duration.ofSeconds(60)).until(() -> cachedPrompts(platform, teacher).containsAll(IDS));
            assertThat(requestsFor(platform)).isEqualTo(IDS.size());

            sendPrompts(client, catalogue);
            awaitCaughtUp(client, "kdstream-router-" + teacher);
            assertThat(requestsFor(platform)).as("requests after sending the same prompts again").isEqualTo(IDS.size());
        } finally {
            worker.close();
            router.close();
        }

        CacheRouter newTeacher = new CacheRouter(CacheRouterConfig.from(settings.with(Map.of(
                "kdstream.router.teacher.fingerprint", "teacher-new", "state.dir", dir.resolve("state-new").toString()))));
        newTeacher.start();
        try {
            awaitCaughtUp(client, "kdstream-router-teacher-new");
            assertThat(requestsFor(platform)).as("requests once a new teacher routes the same prompts").isEqualTo(2 * IDS.size());
        } finally {
            newTeacher.close();
        }
    }

    private static void sendPrompts(Map<String, Object> client, TopicCatalogue catalogue) throws Exception {
        try (KafkaProducer<String, Prompt> producer = KafkaClients.producer(client, catalogue.prompts(), "router-it")) {
            for (String id : IDS) {
                producer.send(new ProducerRecord<>(TopicCatalogue.PROMPTS.name(), id, TeacherFixtures.prompt(id, "What is 2+2?", "4 #### 4"))).get();
            }
        }
    }

    private static Set<String> cachedPrompts(EmbeddedPlatform platform, String teacher) {
        return TopicSnapshot.read(platform.bootstrapServers(), TopicCatalogue.TEACHER_LOGITS.name(), new StringDeserializer(),
                        new ByteArrayDeserializer(), 0, Duration.ofSeconds(5)).stream()
                .map(r -> r.key()).filter(key -> LogitsKey.teacherOf(key).equals(teacher))
                .map(LogitsKey::promptOf).collect(Collectors.toSet());
    }

    private static long requestsFor(EmbeddedPlatform platform) {
        return TopicSnapshot.read(platform.bootstrapServers(), TopicCatalogue.TEACHER_REQUESTS.name(), new StringDeserializer(),
                new ByteArrayDeserializer(), 0, Duration.ofSeconds(5)).stream().filter(r -> IDS.contains(r.key())).count();
    }

    /** Waits until the Streams application has committed its position at the end of kd.prompts. */
    private static void awaitCaughtUp(Map<String, Object> client, String applicationId) {
        try (Admin admin = Admin.create(client)) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(applicationId)
                        .partitionsToOffsetAndMetadata().get();
                Map<TopicPartition, OffsetSpec> latest = IntStream.range(0, TopicCatalogue.PROMPTS.partitions())
                        .mapToObj(p -> new TopicPartition(TopicCatalogue.PROMPTS.name(), p))
                        .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
                var ends = admin.listOffsets(latest).all().get();
                return ends.entrySet().stream().allMatch(end -> {
                    OffsetAndMetadata position = committed.get(end.getKey());
                    return end.getValue().offset() == 0 || (position != null && position.offset() >= end.getValue().offset());
                });
            });
        }
    }
}
