package io.kdstream.schemas.logits.chunks;

import io.kdstream.schemas.avro.TeacherIdentity;
import io.kdstream.schemas.avro.TeacherLogits;
import io.kdstream.schemas.avro.ValueKind;
import io.kdstream.schemas.logits.SequenceLogits;
import io.kdstream.schemas.logits.TeacherDistributions;
import io.kdstream.schemas.logits.TopKEncoding;
import io.kdstream.schemas.logits.TopKSequence;

import java.time.Instant;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Sequences for the chunking tests: a random teacher output with its tokens and mask, split under a limit. */
record LogitChunks(String promptId, int[] tokens, float[] lossMask, TopKSequence topK) {

    static final TeacherIdentity TEACHER = new TeacherIdentity("model", "1", "teacher-f");

    static LogitChunks random(String promptId, int k, int vocabularySize, int positions, long seed) {
        Random random = new Random(seed);
        int[] tokens = random.ints(positions + 1, 0, vocabularySize).toArray();
        float[] mask = new float[positions];
        for (int p = 0; p < positions; p++) {
            mask[p] = random.nextBoolean() ? 1f : 0f;
        }
        return new LogitChunks(promptId, tokens, mask,
                TeacherDistributions.random(k, vocabularySize, positions, TeacherDistributions.Shape.TYPICAL, false, seed));
    }

    TeacherLogits.Builder header(long computationId) {
        return TeacherLogits.newBuilder().setPromptId(promptId).setTeacher(TEACHER).setTokenizerFingerprint("tok")
                .setK(topK.k()).setValueKind(ValueKind.RAW_LOGITS).setComputationId(computationId).setCreatedAt(Instant.EPOCH);
    }

    List<TeacherLogits> split(TopKEncoding encoding, int maxRecordBytes, long computationId) {
        return new SequenceChunker(encoding, maxRecordBytes).split(header(computationId), tokens, lossMask, topK);
    }

    /** What a reader should get back: the sequence decoded from one unchunked record of the same encoding. */
    SequenceLogits expected(TopKEncoding encoding) {
        List<TeacherLogits> whole = split(encoding, Integer.MAX_VALUE, 0);
        assertThat(whole).hasSize(1);
        return SequenceLogits.decode(whole.get(0));
    }

    static void assertSameSequence(SequenceLogits actual, SequenceLogits expected) {
        assertThat(actual.promptId()).isEqualTo(expected.promptId());
        assertThat(actual.tokens()).isEqualTo(expected.tokens());
        assertThat(actual.lossMask()).isEqualTo(expected.lossMask());
        assertThat(actual.k()).isEqualTo(expected.k());
        assertThat(actual.ids()).isEqualTo(expected.ids());
        assertThat(actual.values()).isEqualTo(expected.values());
        assertThat(actual.logSumExp()).isEqualTo(expected.logSumExp());
    }
}
