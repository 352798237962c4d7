package io.kdstream.trainer.cache;

import io.kdstream.model.tokenizer.CharTokenizer;
import io.kdstream.platform.embedded.EmbeddedPlatform;
import io.kdstream.platform.kafka.TopicAdmin;
import io.kdstream.platform.testing.EmbeddedPlatformExtension;
import io.kdstream.schemas.avro.Split;
import io.kdstream.schemas.avro.TeacherIdentity;
import io.kdstream.schemas.avro.TeacherLogits;
import io.kdstream.schemas.avro.ValueKind;
import io.kdstream.schemas.deadletter.DeadLetters;
import io.kdstream.schemas.logits.SequenceLogits;
import io.kdstream.schemas.logits.TopKEncoding;
import io.kdstream.schemas.logits.TopKSequence;
import io.kdstream.schemas.logits.chunks.ChunkKeys;
import io.kdstream.schemas.logits.chunks.SequenceChunker;
import io.kdstream.schemas.topics.TopicCatalogue;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Chunked sequences in the trainer's local cache: filed once their computation is complete, as the chunks' bytes,
 * and decoded to the sequence the teacher computed; what cannot fit together is dead-lettered or found when decoded.
 */
@ExtendWith(EmbeddedPlatformExtension.class)
class CacheIngestChunksIntegrationTest {

    private static final int K = 4;
    private static final int LIMIT = 1500;
    private static final String TOKENIZER = new CharTokenizer().fingerprint();
    private static final TeacherIdentity TEACHER = new TeacherIdentity("model", "1", "teacher-chunks");

    private final List<ConsumerRecord<byte[], ByteBuffer>> log = new ArrayList<>();

    @Test
    void shouldFileEachCompleteComputationAndDecodeItAsTheWholeSequence(EmbeddedPlatform platform, @TempDir Path dir) throws Exception {
        Map<String, Object> client = Map.of("bootstrap.servers", platform.bootstrapServers(),
                "schema.registry.url", platform.schemaRegistryUrl());
        TopicAdmin.ensureTopics(client, List.of(TopicCatalogue.TEACHER_LOGITS, TopicCatalogue.DEAD_LETTER));
        TopicCatalogue catalogue = new TopicCatalogue(client);
        Serializer<TeacherLogits> serializer = catalogue.teacherLogits().valueSerde().serializer();
        Sequence first = Sequence.random("chunked-a", 300, 1);
        Sequence second = Sequence.random("chunked-b", 200, 2);
        List<TeacherLogits> older = first.split(LIMIT / 2, 1); // an older computation of the first, in more chunks
        List<TeacherLogits> firstChunks = first.split(LIMIT, 2);
        List<TeacherLogits> secondChunks = second.split(LIMIT, 3);
        assertThat(older.size()).isGreaterThan(firstChunks.size());
        assertThat(firstChunks.size()).isGreaterThan(2);
        assertThat(secondChunks.size()).isGreaterThan(1);

        // compaction left the older computation's last chunk (no newer chunk has its key); then the two sequences'
        // chunks interleave, the first's in reverse order
        append(serializer, older.get(older.size() - 1));
        for (int i = 0; i < Math.max(firstChunks.size(), secondChunks.size()); i++) {
            if (i < firstChunks.size()) {
                append(serializer, firstChunks.get(firstChunks.size() - 1 - i));
            }
            if (i < secondChunks.size()) {
                append(serializer, secondChunks.get(i));
            }
        }
        // a chunk whose count contradicts its computation's, and a computation whose top-K bytes are torn
        List<TeacherLogits> contradicting = Sequence.random("chunked-c", 200, 4).split(LIMIT, 5);
        append(serializer, contradicting.get(0));
        append(serializer, TeacherLogits.newBuilder(contradicting.get(1)).setChunkCount(contradicting.size() + 1).build());
        List<TeacherLogits> torn = new ArrayList<>(Sequence.random("chunked-d", 200, 6).split(LIMIT, 7));
        torn.set(1, TeacherLogits.newBuilder(torn.get(1)).setTopkIds(ByteBuffer.wrap(new byte[] {1, 2, 3})).build());
        torn.forEach(chunk -> append(serializer, chunk));

        try (DiskLogitCache cache = DiskLogitCache.open(dir, 1 << 20, TOKENIZER);
             DeadLetters deadLetters = new DeadLetters("chunks-test", client, catalogue.deadLetter())) {
            CacheIngest ingest = new CacheIngest(cache, catalogue.teacherLogitsSummaries(), TOKENIZER, K, deadLetters);
            log.forEach(ingest::accept);

            assertThat(ingest.deadLettered()).isEqualTo(1); // the contradicting chunk
            assertThat(cache.liveCount()).isEqualTo(3);
            var deserializer = catalogue.teacherLogits().valueSerde().deserializer();
            String topic = TopicCatalogue.TEACHER_LOGITS.name();
            assertSame(cache.read(0).decode(deserializer, topic), second.expected());
            assertSame(cache.read(1).decode(deserializer, topic), first.expected());
            assertThat(cache.tokens(0)).isEqualTo(second.tokens.length);
            assertThat(cache.tokens(1)).isEqualTo(first.tokens.length);
            assertThat(cache.read(1).values()).hasSize(firstChunks.size());
            // a torn chunk is found where every record's logits are first decoded: when the trainer draws it
            assertThat(cache.tokens(2)).isEqualTo(201);
            assertThatThrownBy(() -> cache.read(2).decode(deserializer, topic))
                    .hasMessageContaining("chunked-d").hasMessageContaining("topkIds");
            assertThat(cache.nextOffsets()).containsEntry(0, (long) log.size());
        }
    }

    private void append(Serializer<TeacherLogits> serializer, TeacherLogits record) {
        byte[] value = serializer.serialize(TopicCatalogue.TEACHER_LOGITS.name(), record);
        log.add(new ConsumerRecord<>(TopicCatalogue.TEACHER_LOGITS.name(), 0, log.size(),
                ChunkKeys.keyOf(record).getBytes(StandardCharsets.UTF_8), ByteBuffer.wrap(value)));
    }

    private static void assertSame(SequenceLogits actual, SequenceLogits expected) {
        assertThat(actual.promptId()).isEqualTo(expected.promptId());
        assertThat(actual.tokens()).isEqualTo(expected.tokens());
        assertThat(actual.lossMask()).isEqualTo(expected.lossMask());
        assertThat(actual.ids()).isEqualTo(expected.ids());
        assertThat(actual.values()).isEqualTo(expected.values());
        assertThat(actual.logSumExp()).isEqualTo(expected.logSumExp());
    }

    /** A teacher's random top-K over a random token sequence of the student's vocabulary. */
    private record Sequence(String promptId, int[] tokens, float[] lossMask, TopKSequence topK) {

        static Sequence random(String promptId, int positions, long seed) {
            Random random = new Random(seed);
            int vocabulary = new CharTokenizer().vocabularySize();
            int[] tokens = random.ints(positions + 1, 1, vocabulary).toArray();
            float[] mask = new float[positions];
            int[] ids = new int[positions * K];
            float[] values = new float[positions * K];
            float[] logSumExp = new float[positions];
            for (int p = 0; p < positions; p++) {
                mask[p] = p >= positions / 3 ? 1f : 0f;
                float value = 8f;
                for (int r = 0; r < K; r++) {
                    ids[p * K + r] = (p + r * 7) % vocabulary;
                    value -= 0.1f + random.nextFloat();
                    values[p * K + r] = value;
                }
                logSumExp[p] = 9f;
            }
            return new Sequence(promptId, tokens, mask, new TopKSequence(K, vocabulary, ids, values, logSumExp));
        }

        List<TeacherLogits> split(int maxRecordBytes, long computationId) {
            TeacherLogits.Builder header = TeacherLogits.newBuilder().setPromptId(promptId).setDataset("math")
                    .setSplit(Split.TRAIN).setTeacher(TEACHER).setTokenizerFingerprint(TOKENIZER).setK(K)
                    .setValueKind(ValueKind.RAW_LOGITS).setComputationId(computationId).setCreatedAt(Instant.EPOCH);
            return new SequenceChunker(TopKEncoding.PACKED, maxRecordBytes).split(header, tokens, lossMask, topK);
        }

        SequenceLogits expected() {
            return SequenceLogits.decode(split(Integer.MAX_VALUE, 0).get(0));
        }
    }
}
