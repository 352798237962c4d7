package io.kdstream.trainer.service;

import io.kdstream.model.tokenizer.CharTokenizer;
import io.kdstream.model.tokenizer.TokenizedExample;
import io.kdstream.schemas.avro.IdEncoding;
import io.kdstream.schemas.avro.Split;
import io.kdstream.schemas.avro.TeacherIdentity;
import io.kdstream.schemas.avro.TeacherLogits;
import io.kdstream.schemas.avro.ValueEncoding;
import io.kdstream.schemas.avro.ValueKind;
import io.kdstream.schemas.logits.LogitsKey;
import io.kdstream.schemas.logits.SequenceLogits;
import io.kdstream.schemas.logits.TopKCodec;
import io.kdstream.schemas.topics.KafkaClients;
import io.kdstream.schemas.topics.TopicCatalogue;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Logit records as teacher workers write them, with random top-K values, for the trainer's tests. */
final class TeacherRecords {

    static final int K = 4;

    private TeacherRecords() {
    }

    /** A logit record with random top-k values (descending) for a small example. */
    static TeacherLogits record(String promptId, String teacher, String tokenizerFingerprint, Split split, Random random, int k) {
        TokenizedExample example = new CharTokenizer().encodeExample("What is " + promptId + "?", "42 #### 42");
        int positions = example.tokens().length - 1;
        int[] ids = new int[positions * k];
        float[] values = new float[positions * k];
        float[] logSumExp = new float[positions];
        for (int p = 0; p < positions; p++) {
            float value = 5f;
            for (int r = 0; r < k; r++) {
                ids[p * k + r] = 5 + r;
                value -= random.nextFloat();
                values[p * k + r] = value;
            }
            logSumExp[p] = 6f;
        }
        return TeacherLogits.newBuilder()
                .setPromptId(promptId).setDataset("math").setSplit(split)
                .setTeacher(new TeacherIdentity("t", "1", teacher))
                .setTokenizerFingerprint(tokenizerFingerprint)
                .setTokenIds(Arrays.stream(example.tokens()).boxed().toList())
                .setLossMask(SequenceLogits.encodeMask(example.lossMask()))
                .setK(k).setPositions(positions).setValueKind(ValueKind.RAW_LOGITS)
                .setIdEncoding(IdEncoding.UINT16_LE).setTopkIds(TopKCodec.encodeIds(ids, IdEncoding.UINT16_LE))
                .setValueEncoding(ValueEncoding.FLOAT32_LE).setTopkValues(TopKCodec.encodeFloats(values, ValueEncoding.FLOAT32_LE))
                .setLogSumExp(TopKCodec.encodeFloats(logSumExp, ValueEncoding.FLOAT32_LE))
                .setCreatedAt(Instant.now())
                .build();
    }

    /** Sends the records under their cache keys and waits for each. */
    static void produce(Map<String, Object> client, TopicCatalogue catalogue, List<TeacherLogits> records) throws Exception {
        try (KafkaProducer<String, TeacherLogits> producer = KafkaClients.producer(client, catalogue.teacherLogits(), "test")) {
            for (TeacherLogits logits : records) {
                String key = LogitsKey.of(logits.getTeacher().getFingerprint(), logits.getPromptId());
                producer.send(new ProducerRecord<>(TopicCatalogue.TEACHER_LOGITS.name(), key, logits)).get();
            }
        }
    }

    /** Sends one record under its cache key to {@code partition} and waits for it. */
    static void produce(Map<String, Object> client, TopicCatalogue catalogue, int partition, TeacherLogits logits) throws Exception {
        try (KafkaProducer<String, TeacherLogits> producer = KafkaClients.producer(client, catalogue.teacherLogits(), "test")) {
            String key = LogitsKey.of(logits.getTeacher().getFingerprint(), logits.getPromptId());
            producer.send(new ProducerRecord<>(TopicCatalogue.TEACHER_LOGITS.name(), partition, key, logits)).get();
        }
    }

    /** Sends bytes as they are (a record no teacher worker would write) under the record's cache key, and waits for it. */
    static void produceRaw(Map<String, Object> client, TeacherLogits keyedAs, byte[] value) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(client, new StringSerializer(), new ByteArraySerializer())) {
            String key = LogitsKey.of(keyedAs.getTeacher().getFingerprint(), keyedAs.getPromptId());
            producer.send(new ProducerRecord<>(TopicCatalogue.TEACHER_LOGITS.name(), key, value)).get();
        }
    }

    /** Deletes a prompt's cache entry, as {@code kdstream cache prune} does. */
    static void delete(Map<String, Object> client, TopicCatalogue catalogue, String teacher, String promptId) throws Exception {
        try (KafkaProducer<String, TeacherLogits> producer = KafkaClients.producer(client, catalogue.teacherLogits(), "test")) {
            producer.send(new ProducerRecord<>(TopicCatalogue.TEACHER_LOGITS.name(), LogitsKey.of(teacher, promptId), null)).get();
        }
    }
}
