package io.kdstream.teacher;

import io.kdstream.platform.config.Settings;
import io.kdstream.platform.embedded.EmbeddedPlatform;
import io.kdstream.platform.kafka.TopicAdmin;
import io.kdstream.platform.kafka.TopicSnapshot;
import io.kdstream.platform.service.Service;
import io.kdstream.platform.testing.EmbeddedPlatformExtension;
import io.kdstream.schemas.avro.DeadLetter;
import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.deadletter.DeadLetters;
import io.kdstream.schemas.topics.TopicCatalogue;
import io.kdstream.teacher.model.TeacherModel;
import io.kdstream.teacher.router.CacheRouter;
import io.kdstream.teacher.router.CacheRouterConfig;
import io.kdstream.teacher.testing.HostileValues;
import io.kdstream.teacher.testing.HostileValues.Hostile;
import io.kdstream.teacher.testing.TeacherFixtures;
import io.kdstream.teacher.worker.TeacherWorker;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Hostile values on the topics the router and the teacher worker read: each lands in kd.deadletter with its reason,
 * the service keeps running, and the good record sent after them is processed. Prints a row per topic for
 * RELIABILITY.md ("hostile-input | topic | service | sent | dead-lettered | good record processed").
 */
@ExtendWith(EmbeddedPlatformExtension.class)
class HostileInputIntegrationTest {

    private static final long SEED = 19;

    @Test
    void shouldDeadLetterEveryHostileRequestAndThenComputeTheGoodOne(EmbeddedPlatform platform, @TempDir Path dir) throws Exception {
        Settings settings = settings(platform, dir, "hostile-workers");
        TeacherWorker worker = new TeacherWorker(TeacherWorkerConfig.from(settings), "hostile");
        String fingerprint = TeacherModel.fingerprintOf(TeacherWorkerConfig.from(settings));
        worker.start();
        try {
            List<Hostile> hostile = sendHostileThenGood(settings, TopicCatalogue.TEACHER_REQUESTS.name(), "hostile-worker-");
            assertEveryHostileDeadLettered(platform, settings, hostile, "hostile-worker-", TeacherWorker.SERVICE, TopicCatalogue.TEACHER_REQUESTS.name(),
                    worker, () -> keysOf(platform, TopicCatalogue.TEACHER_LOGITS.name()).contains(fingerprint + "/hostile-worker-good"));
            assertThat(worker.failure()).isNull();
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
            List<Hostile> hostile = sendHostileThenGood(settings, TopicCatalogue.PROMPTS.name(), "hostile-router-");
            assertEveryHostileDeadLettered(platform, settings, hostile, "hostile-router-", CacheRouter.SERVICE, TopicCatalogue.PROMPTS.name(),
                    router, () -> keysOf(platform, TopicCatalogue.TEACHER_REQUESTS.name()).contains("hostile-router-good"));
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

    /** Sends each hostile value keyed {@code prefix + kind}, then a good prompt keyed {@code prefix + "good"}. */
    private static List<Hostile> sendHostileThenGood(Settings settings, String topic, String prefix) throws Exception {
        Map<String, Object> client = settings.clientProperties();
        TopicAdmin.ensureTopics(client, TopicCatalogue.ALL);
        TopicCatalogue catalogue = new TopicCatalogue(client);
        Prompt good = TeacherFixtures.prompt(prefix + "good", "What is 1+2?", "3 #### 3");
        byte[] goodBytes = catalogue.prompts().valueSerde().serializer().serialize(topic, good);
        DeadLetter other = DeadLetters.ofKafkaRecord("a-producer", topic, 0, 0L, null, new byte[] {1}, new IllegalStateException("a record of another schema"));
        byte[] foreign = catalogue.deadLetter().valueSerde().serializer().serialize(TopicCatalogue.DEAD_LETTER.name(), other);
        List<Hostile> hostile = HostileValues.of(goodBytes, foreign, Prompt.getClassSchema(), SEED);
        try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(client, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (Hostile value : hostile) {
                raw.send(new ProducerRecord<>(topic, utf8(prefix + value.kind()), value.value())).get();
            }
            raw.send(new ProducerRecord<>(topic, utf8(prefix + "good"), goodBytes)).get();
        }
        return hostile;
    }

    private static void assertEveryHostileDeadLettered(EmbeddedPlatform platform, Settings settings, List<Hostile> hostile, String prefix, String service,
                                                       String topic, Service running, BooleanSupplier goodProcessed) {
        TopicCatalogue catalogue = new TopicCatalogue(settings.clientProperties());
        // the letters' fields, not the records: a failure message must not print the oversized value
        List<Letter> letters = await().atMost(Duration.ofSeconds(90)).until(() -> TopicSnapshot.read(platform.bootstrapServers(),
                        TopicCatalogue.DEAD_LETTER.name(), catalogue.deadLetter().keySerde().deserializer(), catalogue.deadLetter().valueSerde().deserializer(),
                        0, Duration.ofSeconds(5)).stream().filter(r -> r.key() != null).map(Letter::of).filter(letter -> letter.key().startsWith(prefix)).toList(),
                own -> own.size() >= hostile.size());
        await().atMost(Duration.ofSeconds(60)).until(goodProcessed::getAsBoolean);
        System.out.printf("hostile-input | %s | %s | sent %d | dead-lettered %d | good record processed | service alive %s%n",
                topic, service, hostile.size(), letters.size(), running.isAlive());
        letters.forEach(letter -> System.out.printf("hostile-input | %s | %s | %s%n", topic, letter.key(), letter.reason()));

        assertThat(running.isAlive()).as(service + " still running").isTrue();
        assertThat(letters).extracting(Letter::key).containsExactlyInAnyOrderElementsOf(hostile.stream().map(h -> prefix + h.kind()).toList());
        assertThat(letters).allSatisfy(letter -> {
            assertThat(letter.service()).startsWith(service);
            assertThat(letter.sourceTopic()).isEqualTo(topic);
            assertThat(letter.reason()).isNotBlank();
        });
    }

    private record Letter(String key, String service, String sourceTopic, String reason) {
        static Letter of(ConsumerRecord<byte[], DeadLetter> record) {
            DeadLetter letter = record.value();
            return new Letter(new String(record.key(), StandardCharsets.UTF_8), letter.getService(), letter.getSourceTopic(), letter.getErrorMessage());
        }
    }

    private static List<String> keysOf(EmbeddedPlatform platform, String topic) {
        return TopicSnapshot.read(platform.bootstrapServers(), topic, new StringDeserializer(), new ByteArrayDeserializer(), 0, Duration.ofSeconds(5))
                .stream().map(ConsumerRecord::key).toList();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
