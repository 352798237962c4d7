package io.kdstream.teacher.cache;

import io.kdstream.platform.config.Settings;
import io.kdstream.platform.embedded.EmbeddedKafkaBroker;
import io.kdstream.platform.embedded.EmbeddedPlatform;
import io.kdstream.platform.kafka.TopicAdmin;
import io.kdstream.platform.testing.EmbeddedPlatformExtension;
import io.kdstream.schemas.avro.IdEncoding;
import io.kdstream.schemas.avro.Split;
import io.kdstream.schemas.avro.TeacherIdentity;
import io.kdstream.schemas.avro.TeacherLogits;
import io.kdstream.schemas.avro.ValueEncoding;
import io.kdstream.schemas.avro.ValueKind;
import io.kdstream.schemas.logits.LogitsKey;
import io.kdstream.schemas.logits.TopKCodec;
import io.kdstream.schemas.topics.KafkaClients;
import io.kdstream.schemas.topics.TopicCatalogue;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(EmbeddedPlatformExtension.class)
class LogitCacheOperationsIntegrationTest {

    private static final int POSITIONS = 5;
    private static final int K = 4;

    private static TeacherLogits logits(String teacher, String prompt) {
        return TeacherLogits.newBuilder()
                .setPromptId(prompt).setSplit(Split.TRAIN).setTeacher(new TeacherIdentity("m", "1", teacher))
                .setTokenizerFingerprint("char-v1:test").setTokenIds(List.of(1, 5, 6, 7, 8, 2))
                .setLossMask(ByteBuffer.wrap(new byte[POSITIONS])).setK(K).setPositions(POSITIONS).setValueKind(ValueKind.RAW_LOGITS)
                .setIdEncoding(IdEncoding.UINT16_LE).setTopkIds(TopKCodec.encodeIds(new int[POSITIONS * K], IdEncoding.UINT16_LE))
                .setValueEncoding(ValueEncoding.FLOAT32_LE).setTopkValues(TopKCodec.encodeFloats(new float[POSITIONS * K], ValueEncoding.FLOAT32_LE))
                .setCreatedAt(Instant.now()).build();
    }

    @Test
    void shouldReportEachTeachersShareAndPruneOneTeacher(EmbeddedPlatform platform) throws Exception {
        Map<String, Object> client = Settings.of(Map.of("bootstrap.servers", platform.bootstrapServers(),
                "schema.registry.url", platform.schemaRegistryUrl())).clientProperties();
        TopicAdmin.ensureTopics(client, TopicCatalogue.ALL);
        TopicCatalogue catalogue = new TopicCatalogue(client);
        try (KafkaProducer<String, TeacherLogits> producer = KafkaClients.producer(client, catalogue.teacherLogits(), "cache-ops-test")) {
            for (String teacher : List.of("cache-ops-old", "cache-ops-new")) {
                for (String prompt : List.of("a", "b", "c")) {
                    producer.send(new ProducerRecord<>(TopicCatalogue.TEACHER_LOGITS.name(), LogitsKey.of(teacher, prompt), logits(teacher, prompt))).get();
                }
            }
            // a re-computed record replaces the older one: still three records for the new teacher
            producer.send(new ProducerRecord<>(TopicCatalogue.TEACHER_LOGITS.name(), LogitsKey.of("cache-ops-new", "a"), logits("cache-ops-new", "a"))).get();
        }

        Map<String, LogitCacheStats.TeacherShare> before = byTeacher(platform, catalogue);
        assertThat(before.get("cache-ops-old").records()).isEqualTo(3);
        assertThat(before.get("cache-ops-new").records()).isEqualTo(3);
        assertThat(before.get("cache-ops-new").tokens()).isEqualTo(3L * POSITIONS);
        assertThat(before.get("cache-ops-new").bytesPerTopKEntry()).isEqualTo(6.0); // UINT16 id + FLOAT32 value
        assertThat(before.get("cache-ops-new").bytesPerToken()).isGreaterThan(K * 6.0);

        int pruned = LogitCachePruner.prune(client, "cache-ops-old", Duration.ofSeconds(30));

        assertThat(pruned).isEqualTo(3);
        Map<String, LogitCacheStats.TeacherShare> after = byTeacher(platform, catalogue);
        assertThat(after).doesNotContainKey("cache-ops-old");
        assertThat(after.get("cache-ops-new").records()).isEqualTo(3);
        assertThat(LogitCachePruner.prune(client, "cache-ops-old", Duration.ofSeconds(30))).as("pruning again finds nothing live").isZero();
    }

    @Test
    void shouldCountAndNameTheRecordsItCannotReadAndSumTheRest(EmbeddedPlatform platform) throws Exception {
        // a broker of its own: other tests of this JVM read the shared logit topic with the Avro deserializer
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            Map<String, Object> client = Settings.of(Map.of("bootstrap.servers", broker.bootstrapServers(),
                    "schema.registry.url", platform.schemaRegistryUrl())).clientProperties();
            TopicAdmin.ensureTopics(client, List.of(TopicCatalogue.TEACHER_LOGITS));
            TopicCatalogue catalogue = new TopicCatalogue(client);
            try (KafkaProducer<String, TeacherLogits> producer = KafkaClients.producer(client, catalogue.teacherLogits(), "cache-stats-test")) {
                for (String prompt : List.of("a", "b", "c")) {
                    producer.send(new ProducerRecord<>(TopicCatalogue.TEACHER_LOGITS.name(), LogitsKey.of("t", prompt), logits("t", prompt))).get();
                }
            }
            // a value that is no logit record (a magic byte of 'h', from a producer without the Avro serializer) under a
            // key of its own, and another that replaces a good record
            try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(client, new StringSerializer(), new ByteArraySerializer())) {
                raw.send(new ProducerRecord<>(TopicCatalogue.TEACHER_LOGITS.name(), LogitsKey.of("t", "bad"),
                        "hello".getBytes(StandardCharsets.UTF_8))).get();
                raw.send(new ProducerRecord<>(TopicCatalogue.TEACHER_LOGITS.name(), LogitsKey.of("t", "c"), new byte[] {0, 0, 0})).get();
            }

            LogitCacheStats.Snapshot snapshot = LogitCacheStats.read(client, catalogue, Duration.ofSeconds(30));

            assertThat(snapshot.unreadable()).extracting(LogitCacheStats.UnreadableRecord::key)
                    .containsExactly(LogitsKey.of("t", "bad"), LogitsKey.of("t", "c"));
            assertThat(snapshot.unreadable().get(0).reason()).contains("magic byte is 104");
            assertThat(snapshot.unreadable().get(0).offset()).isNotNegative();
            // c's latest record is the bad one, as compaction will keep it
            assertThat(snapshot.shares()).singleElement().satisfies(share -> assertThat(share.records()).isEqualTo(2));
        }
    }

    private static Map<String, LogitCacheStats.TeacherShare> byTeacher(EmbeddedPlatform platform, TopicCatalogue catalogue) {
        return LogitCacheStats.read(Map.of("bootstrap.servers", platform.bootstrapServers()), catalogue, Duration.ofSeconds(30)).shares().stream()
                .collect(java.util.stream.Collectors.toMap(LogitCacheStats.TeacherShare::teacher, share -> share));
    }
}
