package io.kdstream.teacher;

import io.kdstream.platform.config.Settings;
import io.kdstream.platform.embedded.EmbeddedPlatform;
import io.kdstream.platform.kafka.TopicSnapshot;
import io.kdstream.platform.testing.EmbeddedPlatformExtension;
import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.testing.HostileInput;
import io.kdstream.schemas.topics.TopicCatalogue;
import io.kdstream.teacher.router.CacheRouter;
import io.kdstream.teacher.router.CacheRouterConfig;
import io.kdstream.teacher.testing.TeacherFixtures;
import io.kdstream.teacher.worker.TeacherWorker;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Hostile values on the topics the router and the teacher worker read ({@link HostileInput}). */
@ExtendWith(EmbeddedPlatformExtension.class)
class HostileInputIntegrationTest {

    @Test
    void shouldDeadLetterEveryHostileRequestAndThenComputeTheGoodOne(EmbeddedPlatform platform, @TempDir Path dir) throws Exception {
        Settings settings = settings(platform, dir, "hostile-workers");
        TeacherWorker worker = new TeacherWorker(TeacherWorkerConfig.from(settings), "hostile");
        String fingerprint = TeacherBackends.checkpointFingerprint(TeacherWorkerConfig.from(settings));
        worker.start();
        try {
            HostileInput sent = send(settings, TopicCatalogue.TEACHER_REQUESTS.name(), "hostile-worker-");
            sent.assertDeadLetteredAndGoodProcessed(TeacherWorker.SERVICE, () -> worker.isAlive() && worker.failure() == null,
                    () -> keysOf(platform, TopicCatalogue.TEACHER_LOGITS.name()).contains(fingerprint + "/hostile-worker-good"));
        } finally {
            worker.close();
        }
    }

    @Test
    void shouldDeadLetterEveryHostilePromptAndThenRouteTheGoodOne(EmbeddedPlatform platform, @TempDir Path dir) throws Exception {
        Settings settings = settings(platform, dir, "hostile-router-workers");
        CacheRouter router = new CacheRouter(CacheRouterConfig.from(settings.with(Map.of("kdstream.router.teacher.fingerprint", "teacher-hostile"))));
        router.start();
        try {
            HostileInput sent = send(settings, TopicCatalogue.PROMPTS.name(), "hostile-router-");
            sent.assertDeadLetteredAndGoodProcessed(CacheRouter.SERVICE, router::isAlive,
                    () -> keysOf(platform, TopicCatalogue.TEACHER_REQUESTS.name()).contains("hostile-router-good"));
        } finally {
            router.close();
        }
    }

    private static Settings settings(EmbeddedPlatform platform, Path dir, String group) throws Exception {
        return Settings.of(Map.of(
                "bootstrap.servers", platform.bootstrapServers(),
                "schema.registry.url", platform.schemaRegistryUrl(),
                "state.dir", dir.resolve("state").toString(),
                "kdstream.teacher.checkpoint", TeacherFixtures.untrainedTeacher(dir, 1).toString(),
                "kdstream.teacher.group.id", group,
                "kdstream.teacher.topk", "4"));
    }

    private static HostileInput send(Settings settings, String topic, String prefix) throws Exception {
        Map<String, Object> client = settings.clientProperties();
        Prompt good = TeacherFixtures.prompt(prefix + "good", "What is 1+2?", "3 #### 3");
        byte[] goodBytes = new TopicCatalogue(client).prompts().valueSerde().serializer().serialize(topic, good);
        return HostileInput.send(client, topic, prefix, goodBytes, Prompt.getClassSchema());
    }

    private static List<String> keysOf(EmbeddedPlatform platform, String topic) {
        return TopicSnapshot.read(platform.bootstrapServers(), topic, new StringDeserializer(), new ByteArrayDeserializer(), 0, Duration.ofSeconds(5))
                .stream().map(ConsumerRecord::key).toList();
    }
}
