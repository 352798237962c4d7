package io.kdstream.teacher.worker;

import io.kdstream.model.tokenizer.TokenizedExample;
import io.kdstream.model.topk.TopKLogits;
import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.avro.TeacherIdentity;
import io.kdstream.schemas.avro.TeacherLogits;
import io.kdstream.schemas.avro.ValueEncoding;
import io.kdstream.schemas.avro.ValueKind;
import io.kdstream.schemas.logits.SequenceLogits;
import io.kdstream.schemas.logits.TopKCodec;

import java.time.Instant;
import java.util.Arrays;

/** Builds the TeacherLogits record of one sequence from the teacher's top-K. */
final class TeacherLogitsRecords {

    private TeacherLogitsRecords() {
    }

    static TeacherLogits build(Prompt prompt, TokenizedExample example, TopKLogits topK, TeacherIdentity teacher,
                               String tokenizerFingerprint, int vocabularySize, long computeMillis) {
        return TeacherLogits.newBuilder()
                .setPromptId(prompt.getId())
                .setDataset(prompt.getDataset())
                .setSplit(prompt.getSplit())
                .setTeacher(teacher)
                .setTokenizerFingerprint(tokenizerFingerprint)
                .setTokenIds(Arrays.stream(example.tokens()).boxed().toList())
                .setLossMask(SequenceLogits.encodeMask(example.lossMask()))
                .setK(topK.k())
                .setValueKind(ValueKind.RAW_LOGITS)
                .setTemperature(1.0f)
                .setFirstPosition(0)
                .setPositions(topK.positions())
                .setIdEncoding(TopKCodec.idEncodingFor(vocabularySize))
                .setTopkIds(TopKCodec.encodeIds(topK.ids(), TopKCodec.idEncodingFor(vocabularySize)))
                .setValueEncoding(ValueEncoding.FLOAT32_LE)
                .setTopkValues(TopKCodec.encodeFloats(topK.values(), ValueEncoding.FLOAT32_LE))
                .setLogSumExp(TopKCodec.encodeFloats(topK.logSumExp(), ValueEncoding.FLOAT32_LE))
                .setChunkIndex(0)
                .setChunkCount(1)
                .setComputeMillis(computeMillis)
                .setDevice("cpu")
                .setCreatedAt(Instant.now())
                .build();
    }
}
