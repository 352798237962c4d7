package io.kdstream.teacher.backend;

import io.kdstream.model.topk.TopKLogits;
import io.kdstream.schemas.avro.TeacherIdentity;
import io.kdstream.schemas.avro.ValueKind;

import java.util.List;
import java.util.OptionalInt;

/**
 * Where a teacher worker gets its top-K from: a model in this JVM, or a model server. It works on token ids, so the
 * tokenizer stays the worker's choice; the tokenizer's fingerprint goes into a served teacher's fingerprint.
 */
public interface TeacherBackend extends AutoCloseable {

    /** Model id, revision and the fingerprint the logit cache is keyed by. */
    TeacherIdentity identity();

    /** Where the teacher runs, as records name it ({@code cpu()}, {@code gpu(0)}, {@code vllm http://host:8000}). */
    String device();

    /** Token ids lie in {@code [0, vocabularySize)}. */
    int vocabularySize();

    /** The longest sequence the teacher takes, when known here; otherwise the teacher itself refuses longer ones. */
    OptionalInt contextLength();

    /**
     * {@link ValueKind#RAW_LOGITS}: the values are logits and {@link TopKLogits#logSumExp()} the full-vocabulary
     * log-sum-exp; {@link ValueKind#LOG_PROBS}: the values are log-probabilities (and the log-sum-exps 0).
     */
    ValueKind valueKind();

    /**
     * The top-{@code k} of every position that predicts a next token ({@code length - 1} positions) of each sequence,
     * in the sequences' order.
     *
     * @throws TeacherUnavailableException when the teacher cannot be reached (after retries): nothing is wrong with
     *                                     the sequences
     * @throws RuntimeException            when the teacher fails on or refuses these sequences
     *                                     ({@link TeacherRejectedException} when a server says why)
     */
    List<TopKLogits> topK(List<int[]> sequences, int k);

    /** True when the teacher answers again after {@link TeacherUnavailableException}; cheap, asked while paused. */
    default boolean available() {
        return true;
    }

    @Override
    void close();
}
