package io.kdstream.teacher.worker;

import io.kdstream.model.tokenizer.TokenizedExample;
import io.kdstream.model.topk.TopKLogits;
import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.avro.TeacherIdentity;
import io.kdstream.schemas.avro.TeacherLogits;
import io.kdstream.schemas.avro.ValueKind;
import io.kdstream.schemas.logits.EncodablePositions;
import io.kdstream.schemas.logits.TopKEncoding;
import io.kdstream.schemas.logits.TopKSequence;
import io.kdstream.schemas.logits.chunks.SequenceChunker;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Builds the TeacherLogits records of one sequence from the teacher's top-K or RS-KD draws: one record, or chunks
 * when the sequence would not fit the logit cache's record limit. Key and partition each with
 * {@link io.kdstream.schemas.logits.chunks.ChunkKeys}.
 */
final class TeacherLogitsRecords {

    private TeacherLogitsRecords() {
    }

    /** {@code valueKind} says what the decoded values are; log-probabilities carry no log-sum-exp. */
    static List<TeacherLogits> build(Prompt prompt, TokenizedExample example, EncodablePositions entries, ValueKind valueKind,
                                     TeacherIdentity teacher, String tokenizerFingerprint, long computeMillis, String device,
                                     SequenceChunker chunker) {
        TeacherLogits.Builder header = TeacherLogits.newBuilder()
                .setPromptId(prompt.getId())
                .setDataset(prompt.getDataset())
                .setSplit(prompt.getSplit())
                .setTeacher(teacher)
                .setTokenizerFingerprint(tokenizerFingerprint)
                .setK(entries.k())
                .setValueKind(valueKind)
                .setTemperature(1.0f)
                // chunks of this computation are combined with each other only, never with an earlier one's
                .setComputationId(ThreadLocalRandom.current().nextLong())
                .setComputeMillis(computeMillis)
                .setDevice(device)
                .setCreatedAt(Instant.now());
        return chunker.split(header, example.tokens(), example.lossMask(), entries);
    }

    /** A sequence's top-K in {@code encoding}; {@code valueKind} says whether its log-sum-exps mean anything. */
    static EncodablePositions topK(TopKLogits topK, ValueKind valueKind, int vocabularySize, TopKEncoding encoding) {
        return encoding.of(new TopKSequence(topK.k(), vocabularySize, topK.ids(), topK.values(),
                valueKind == ValueKind.RAW_LOGITS ? topK.logSumExp() : null));
    }
}
