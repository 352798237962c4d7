package io.kdstream.teacher.worker;

import io.kdstream.model.sampled.SampledTokens;
import io.kdstream.model.tokenizer.TokenizedExample;
import io.kdstream.model.topk.TopKLogits;
import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.avro.TeacherIdentity;
import io.kdstream.schemas.avro.TeacherLogits;
import io.kdstream.schemas.avro.ValueKind;
import io.kdstream.schemas.logits.EncodablePositions;
import io.kdstream.schemas.logits.SampledSequence;
import io.kdstream.schemas.logits.TopKEncoding;
import io.kdstream.schemas.logits.TopKSequence;
import io.kdstream.schemas.logits.chunks.SequenceChunker;
import io.kdstream.teacher.backend.SampledProposal;

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

    /**
     * A sequence's RS-KD draws, {@code positions.get(p)} at position p, with as many slots a position as the most
     * distinct tokens any position drew; log p/q is kept only for a proposal other than the teacher's distribution.
     * They decode as log-probability estimates ({@link ValueKind#LOG_PROBS}).
     */
    static EncodablePositions sampled(List<SampledTokens> positions, int vocabularySize, SampledProposal proposal) {
        int slots = Math.max(1, positions.stream().mapToInt(drawn -> drawn.ids().length).max().orElse(1));
        int[] ids = new int[positions.size() * slots];
        int[] counts = new int[ids.length];
        float[] logRatios = proposal.temperature() == 1 ? null : new float[ids.length];
        for (int p = 0; p < positions.size(); p++) {
            SampledTokens drawn = positions.get(p);
            System.arraycopy(drawn.ids(), 0, ids, p * slots, drawn.ids().length);
            System.arraycopy(drawn.counts(), 0, counts, p * slots, drawn.counts().length);
            for (int i = 0; logRatios != null && i < drawn.ids().length; i++) {
                logRatios[p * slots + i] = (float) drawn.logRatios()[i];
            }
        }
        return new SampledSequence(slots, vocabularySize, ids, counts, logRatios, proposal.draws());
    }
}
