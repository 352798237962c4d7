package io.kdstream.trainer.training;

import io.kdstream.model.tokenizer.TokenizedExample;
import io.kdstream.model.topk.TopKLogits;
import java.util.Arrays;

/**
 * One training sequence with its loss mask and, optionally, the teacher's top-K logits.
 *
 * <p>Position convention (as everywhere in kdstream): position {@code p} predicts token {@code p + 1}, so a sequence
 * of {@code n} tokens has {@code n - 1} positions, {@code lossMask} has {@code n - 1} entries, and the teacher arrays
 * hold {@code (n - 1) * teacherK} entries, position-major, each position's entries in descending order of value.
 *
 * @param tokens token ids
 * @param lossMask one weight per position (1 = trained on)
 * @param teacherIds teacher top-K token ids, {@code (n - 1) * teacherK}, or null
 * @param teacherValues teacher top-K raw logits, {@code (n - 1) * teacherK}, or null
 * @param teacherLogSumExp the teacher's full-vocabulary log-sum-exp, one a position; null when there are no teacher
 *     logits or the record carried none (log-probabilities), which only the tail and sampled losses need
 * @param teacherK entries per position, 0 when there are no teacher logits
 */
public record TrainingExample(int[] tokens, float[] lossMask, int[] teacherIds, float[] teacherValues,
                              float[] teacherLogSumExp, int teacherK) {

    public TrainingExample {
        if (tokens == null || tokens.length < 2) {
            throw new IllegalArgumentException("a training example needs at least 2 tokens");
        }
        int positions = tokens.length - 1;
        if (lossMask == null || lossMask.length != positions) {
            throw new IllegalArgumentException("lossMask must have tokens.length - 1 = " + positions
                    + " entries (position p predicts token p+1), got " + (lossMask == null ? "null" : lossMask.length));
        }
        if (teacherK < 0) {
            throw new IllegalArgumentException("teacherK must be >= 0, got " + teacherK);
        }
        if (teacherK == 0) {
            if (teacherIds != null || teacherValues != null || teacherLogSumExp != null) {
                throw new IllegalArgumentException("teacher arrays given with teacherK = 0");
            }
        } else {
            if (teacherLogSumExp != null && teacherLogSumExp.length != positions) {
                throw new IllegalArgumentException("teacherLogSumExp must have tokens.length - 1 = " + positions
                        + " entries, got " + teacherLogSumExp.length);
            }
            long expected = (long) positions * teacherK;
            if (teacherIds == null || teacherValues == null
                    || teacherIds.length != expected || teacherValues.length != expected) {
                throw new IllegalArgumentException("teacher ids and values must have (tokens.length - 1) * teacherK = "
                        + expected + " entries, got " + (teacherIds == null ? "null" : teacherIds.length) + " and "
                        + (teacherValues == null ? "null" : teacherValues.length));
            }
        }
    }

    /** An example trained on its tokens only (SFT). */
    public static TrainingExample withoutTeacher(TokenizedExample example) {
        return new TrainingExample(example.tokens(), example.lossMask(), null, null, null, 0);
    }

    /**
     * An example with the teacher's top-K. The teacher may have scored one more position than there are targets
     * (the last token's logits, which predict past the end): only the first {@code tokens.length - 1} are kept.
     */
    public static TrainingExample withTeacher(TokenizedExample example, TopKLogits teacher) {
        int positions = example.tokens().length - 1;
        if (teacher.positions() < positions) {
            throw new IllegalArgumentException("teacher logits cover " + teacher.positions() + " positions, the example has "
                    + positions);
        }
        TopKLogits used = teacher.positions() == positions ? teacher : teacher.head(positions);
        return new TrainingExample(example.tokens(), example.lossMask(), used.ids(), used.values(), used.logSumExp(),
                used.k());
    }

    /** Number of prediction positions, {@code tokens.length - 1}. */
    public int positions() {
        return tokens.length - 1;
    }

    public boolean hasTeacher() {
        return teacherK > 0;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TrainingExample that && teacherK == that.teacherK
                && Arrays.equals(tokens, that.tokens) && Arrays.equals(lossMask, that.lossMask)
                && Arrays.equals(teacherIds, that.teacherIds) && Arrays.equals(teacherValues, that.teacherValues)
                && Arrays.equals(teacherLogSumExp, that.teacherLogSumExp);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(tokens) * 31 + Arrays.hashCode(lossMask) * 17 + Arrays.hashCode(teacherIds) + teacherK;
    }

    @Override
    public String toString() {
        return "TrainingExample[tokens=" + tokens.length + ", teacherK=" + teacherK + "]";
    }
}
