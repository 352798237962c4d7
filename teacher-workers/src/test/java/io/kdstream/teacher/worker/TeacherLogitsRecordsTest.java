package io.kdstream.teacher.worker;

import io.kdstream.model.tokenizer.TokenizedExample;
import io.kdstream.model.topk.TopKLogits;
import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.avro.Split;
import io.kdstream.schemas.avro.TeacherIdentity;
import io.kdstream.schemas.avro.TeacherLogits;
import io.kdstream.schemas.avro.ValueKind;
import io.kdstream.schemas.logits.SequenceLogits;
import io.kdstream.schemas.logits.TopKEncoding;
import io.kdstream.schemas.logits.chunks.ChunkAssembler;
import io.kdstream.schemas.logits.chunks.SequenceChunker;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class TeacherLogitsRecordsTest {

    private static final int VOCABULARY = 100;
    private static final int K = 16;
    private static final int POSITIONS = 200;

    private static TopKLogits descendingTopK() {
        int[] ids = new int[POSITIONS * K];
        float[] values = new float[POSITIONS * K];
        float[] logSumExp = new float[POSITIONS];
        for (int p = 0; p < POSITIONS; p++) {
            for (int r = 0; r < K; r++) {
                ids[p * K + r] = (p + 3 * r) % VOCABULARY;
                values[p * K + r] = 4f - 0.37f * r - 0.01f * p;
            }
            logSumExp[p] = 7f;
        }
        return new TopKLogits(POSITIONS, K, ids, values, logSumExp);
    }

    private static List<TeacherLogits> build(TopKEncoding encoding, int maxRecordBytes) {
        Prompt prompt = Prompt.newBuilder().setId("p1").setDataset("math").setSplit(Split.TRAIN).setPrompt("q").setResponse("a")
                .setSource("test").setCreatedAt(Instant.EPOCH).build();
        TokenizedExample example = new TokenizedExample(new int[POSITIONS + 1], new float[POSITIONS]);
        return TeacherLogitsRecords.build(prompt, example, TeacherLogitsRecords.topK(descendingTopK(), ValueKind.RAW_LOGITS, VOCABULARY, encoding),
                ValueKind.RAW_LOGITS, new TeacherIdentity("m", "1", "f"), "tok", 12, "cpu()", new SequenceChunker(maxRecordBytes));
    }

    @Test
    void shouldWriteOneRecordWhenTheSequenceFitsAndChunksOfOneComputationWhenItDoesNot() {
        assertThat(build(TopKEncoding.FLOAT32, 1 << 20)).hasSize(1);
        List<TeacherLogits> chunks = build(TopKEncoding.FLOAT32, 8192);

        assertThat(chunks).hasSizeGreaterThan(2).extracting(TeacherLogits::getComputationId).containsOnly(chunks.get(0).getComputationId());
        ChunkAssembler assembler = new ChunkAssembler();
        List<SequenceLogits> assembled = chunks.stream().map(assembler::accept).flatMap(Optional::stream).toList();
        assertThat(assembled).hasSize(1);
        TopKLogits original = descendingTopK();
        assertThat(assembled.get(0).ids()).isEqualTo(original.ids());
        assertThat(assembled.get(0).values()).isEqualTo(original.values());
        assertThat(assembled.get(0).logSumExp()).isEqualTo(original.logSumExp());
    }

    @Test
    void shouldPackWhenAskedToAndKeepTheIds() {
        TeacherLogits packed = build(TopKEncoding.PACKED, 1 << 20).get(0);

        assertThat(packed.getTopkIds().remaining() + packed.getTopkValues().remaining()).isLessThanOrEqualTo(2 * POSITIONS * K);
        assertThat(packed.getLogSumExp()).isNull();
        assertThat(SequenceLogits.decode(packed).ids()).isEqualTo(descendingTopK().ids());
    }
}
