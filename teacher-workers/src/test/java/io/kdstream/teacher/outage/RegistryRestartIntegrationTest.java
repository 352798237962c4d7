package io.kdstream.teacher.outage;

import io.kdstream.platform.config.KdstreamHome;
import io.kdstream.platform.config.Settings;
import io.kdstream.platform.embedded.EmbeddedKafkaBroker;
import io.kdstream.platform.embedded.EmbeddedSchemaRegistry;
import io.kdstream.platform.kafka.TopicAdmin;
import io.kdstream.platform.kafka.TopicSnapshot;
import io.kdstream.platform.kafka.TopicSpec;
import io.kdstream.platform.observability.Observability;
import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.registry.SchemaRegistryClient;
import io.kdstream.schemas.testing.EvolvedSchemas;
import io.kdstream.schemas.topics.KafkaClients;
import io.kdstream.schemas.topics.Topic;
import io.kdstream.schemas.logits.LogitsKey;
import io.kdstream.schemas.topics.TopicCatalogue;
import io.kdstream.teacher.TeacherBackends;
import io.kdstream.teacher.TeacherWorkerConfig;
import io.kdstream.teacher.router.CacheRouter;
import io.kdstream.teacher.router.CacheRouterConfig;
import io.kdstream.teacher.testing.TeacherFixtures;
import io.kdstream.teacher.worker.TeacherWorker;
import io.micrometer.core.instrument.Counter;
import org.apache.avro.Schema;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import static io.kdstream.schemas.testing.OutageProbes.deadLetterKeys;
import static io.kdstream.schemas.testing.OutageProbes.rawProducer;
import static io.kdstream.schemas.testing.OutageProbes.counted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The schema registry stopped and restarted (same port, same H2 files) while the cache router and a teacher worker
 * run: prompts and requests written with a schema id neither has met (a compatible new version of Prompt, registered
 * before the outage) arrive while it is down. Both wait, read them again when it answers and route and score every
 * one; nothing is dead-lettered, lost or duplicated, and the waits are counted. Prints a row for RELIABILITY.md
 * ({@code registry-restart | ...}). Its own broker and registry: the shared ones stay up for the other tests.
 */
class RegistryRestartIntegrationTest {

    private static final int WARM_UP = 10;
    private static final int DURING_OUTAGE = 30;

    @Test
    void shouldWaitForTheRegistryAndThenProcessEveryRecordOfAnUncachedSchemaId(@TempDir Path dir) throws Exception {
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(KdstreamHome.path(), Files.createDirectories(dir.resolve("registry")));
             EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(Files.createDirectories(dir.resolve("kafka")), true)) {
            Settings settings = Settings.of(Map.of(
                    "bootstrap.servers", broker.bootstrapServers(),
                    "schema.registry.url", registry.url(),
                    "kdstream.teacher.checkpoint", TeacherFixtures.untrainedTeacher(dir, 5).toString(),
                    "kdstream.teacher.group.id", "registry-outage-workers",
                    "kdstream.teacher.topk", "4",
                    "max.poll.records", "8",
                    "state.dir", dir.resolve("state").toString()));
            String teacher = TeacherBackends.checkpointFingerprint(TeacherWorkerConfig.from(settings));
            Map<String, Object> client = settings.clientProperties();
            TopicAdmin.ensureTopics(client, TopicCatalogue.ALL);
            TopicCatalogue catalogue = new TopicCatalogue(client);

            // before the outage: what both services see, so the current schema ids are cached; a bad record each, so
            // that dead-lettering needs no registry either (else a good record's dead letter would fail, hiding the fault)
            List<String> ids = new ArrayList<>();
            try (KafkaProducer<String, Prompt> producer = KafkaClients.producer(client, catalogue.prompts(), "registry-outage-test");
                 KafkaProducer<byte[], byte[]> raw = rawProducer(broker.bootstrapServers())) {
                for (int i = 0; i < WARM_UP; i++) {
                    ids.add(send(producer, TopicCatalogue.PROMPTS, "warm-prompt-" + i));
                    ids.add(send(producer, TopicCatalogue.TEACHER_REQUESTS, "warm-request-" + i));
                }
                raw.send(new ProducerRecord<>(TopicCatalogue.PROMPTS.name(), utf8("bad-prompt"), utf8("not avro")));
                raw.send(new ProducerRecord<>(TopicCatalogue.TEACHER_REQUESTS.name(), utf8("bad-request"), utf8("not avro")));
                producer.flush();
                raw.flush();
            }
            // a compatible new version of Prompt, registered now: neither service has met its id
            Schema evolved = EvolvedSchemas.withOptionalField(Prompt.getClassSchema());
            SchemaRegistryClient registryClient = new SchemaRegistryClient(registry.url());
            int promptsId = registryClient.register(TopicCatalogue.PROMPTS.name() + "-value", evolved);
            int requestsId = registryClient.register(TopicCatalogue.TEACHER_REQUESTS.name() + "-value", evolved);
            Map<String, byte[]> newPrompts = new HashMap<>();
            Map<String, byte[]> newRequests = new HashMap<>();
            for (int i = 0; i < DURING_OUTAGE; i++) {
                newPrompts.put("outage-prompt-" + i, EvolvedSchemas.encodedUnder(promptsId, encoded(catalogue.prompts(), "outage-prompt-" + i)));
                newRequests.put("outage-request-" + i, EvolvedSchemas.encodedUnder(requestsId, encoded(catalogue.teacherRequests(), "outage-request-" + i)));
            }
            ids.addAll(newPrompts.keySet());
            ids.addAll(newRequests.keySet());

            Supplier<List<String>> committed = () -> TopicSnapshot.read(broker.bootstrapServers(), TopicCatalogue.TEACHER_LOGITS.name(),
                            new StringDeserializer(), new ByteArrayDeserializer(), 0, Duration.ofSeconds(5)).stream()
                    .map(ConsumerRecord::key).filter(key -> key.startsWith(teacher + "/")).toList();
            CacheRouter router = new CacheRouter(CacheRouterConfig.from(settings.with(Map.of("kdstream.router.teacher.fingerprint", teacher))));
            TeacherWorker worker = new TeacherWorker(TeacherWorkerConfig.from(settings), "registry-outage");
            long downMillis;
            long recoveryMillis;
            try {
                router.start();
                worker.start();
                await().atMost(Duration.ofSeconds(120)).until(() -> (committed.get().size() >= 2 * WARM_UP && deadLetterKeys(broker.bootstrapServers()).size() >= 2)
                        || worker.isStopped());

                long down = System.nanoTime();
                registry.stop();
                try (KafkaProducer<byte[], byte[]> raw = rawProducer(broker.bootstrapServers())) {
                    newPrompts.forEach((id, value) -> raw.send(new ProducerRecord<>(TopicCatalogue.PROMPTS.name(), utf8(id), value)));
                    newRequests.forEach((id, value) -> raw.send(new ProducerRecord<>(TopicCatalogue.TEACHER_REQUESTS.name(), utf8(id), value)));
                    raw.flush();
                }
                // both services have met the new id and found the registry away
                await().atMost(Duration.ofSeconds(90)).until(() -> (counted("kdstream.registry.outages", router.name()) >= 1 && counted("kdstream.registry.outages", worker.name()) >= 1) || worker.isStopped());
                registry.restart();
                downMillis = (System.nanoTime() - down) / 1_000_000;
                long up = System.nanoTime();
                await().atMost(Duration.ofSeconds(180)).until(() -> committed.get().size() >= ids.size() || worker.isStopped() || !router.isAlive());
                recoveryMillis = (System.nanoTime() - up) / 1_000_000;
            } finally {
                worker.close();
                router.close();
            }

            List<String> keys = committed.get();
            Map<String, Long> counts = keys.stream().collect(Collectors.groupingBy(key -> key, Collectors.counting()));
            long duplicated = counts.values().stream().mapToLong(n -> n - 1).sum();
            long lost = ids.stream().filter(id -> !counts.containsKey(LogitsKey.of(teacher, id))).count();
            List<String> letters = deadLetterKeys(broker.bootstrapServers());
            assertThat(letters).as("the two bad records").contains("bad-prompt", "bad-request");
            long deadLettered = letters.stream().filter(key -> !key.startsWith("bad-")).count();
            System.out.printf("registry-restart | router and worker busy; registry stopped, %d prompts and %d requests of a schema id"
                            + " neither had cached sent, registry restarted | in %d | out %d | lost %d | duplicated %d | good records dead-lettered %d"
                            + " | registry down %d ms | all logits %d ms after it answered | waits: router %.0f (records put back %.0f),"
                            + " worker %.0f (records put back %.0f) | worker failure %s%n",
                    DURING_OUTAGE, DURING_OUTAGE, ids.size(), counts.size(), lost, duplicated, deadLettered, downMillis, recoveryMillis,
                    counted("kdstream.registry.outages", router.name()), deferred(router.name()), counted("kdstream.registry.outages", worker.name()), deferred(worker.name()), worker.failure());

            assertThat(worker.failure()).isNull();
            assertThat(lost).as("prompts and requests without logits").isZero();
            assertThat(duplicated).as("logits records seen twice by read_committed readers").isZero();
            assertThat(deadLettered).as("good records dead-lettered").isZero();
            assertThat(deferred(worker.name())).as("requests the worker put back while the registry was away").isPositive();
        }
    }

    private static String send(KafkaProducer<String, Prompt> producer, TopicSpec topic, String id) {
        producer.send(new ProducerRecord<>(topic.name(), id, TeacherFixtures.prompt(id, "What is 2+5?", "7 #### 7")));
        return id;
    }

    private static byte[] encoded(Topic<String, Prompt> topic, String id) {
        return topic.valueSerde().serializer().serialize(topic.name(), TeacherFixtures.prompt(id, "What is 2+5?", "7 #### 7"));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static double deferred(String service) {
        Counter counter = Observability.registry().find("kdstream.registry.deferred").tag("service", service).counter();
        return counter == null ? 0 : counter.count();
    }
}
