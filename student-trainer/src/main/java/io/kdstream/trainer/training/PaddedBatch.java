package io.kdstream.trainer.training;

import io.kdstream.model.tokenizer.CharTokenizer;
import io.kdstream.trainer.loss.TeacherTopK;
import java.util.Arrays;
import java.util.List;

/**
 * A list of examples as right-padded flat arrays, ready to become (B,P) tensors, and the teacher's top-K at the
 * positions KD trains on.
 *
 * <p>Row b's input is {@code tokens[0 .. n-2]}, its targets {@code tokens[1 .. n-1]} (position p predicts token
 * p + 1). Padding positions have input and target PAD and mask 0.
 *
 * @param teacher the teacher's entries at the loss-masked positions of the rows that have teacher logits, or null
 *     when there is no such position
 */
record PaddedBatch(int rows, int positions, int[] inputs, int[] targets, float[] lossMask, long maskedTokens,
                   TeacherPositions teacher) {

    /**
     * The teacher's top-K at M positions, compacted: positions outside KD are not copied at all. Entries are cut to
     * the batch's K, the smaller of the training K and the smallest stored K, and their ids are checked against the
     * vocabulary as they are copied (entries never used are not looked at). The log-sum-exp is copied only when the
     * loss needs it (null otherwise).
     *
     * @param logitIndex where each entry's student logit is, M * k (see {@link TeacherTopK#logitIndex()})
     * @param values top-K logits, M * k
     * @param logSumExp full-vocabulary log-sum-exp, M, or null
     * @param weights loss-mask weights, M
     */
    record TeacherPositions(int k, long[] logitIndex, float[] values, float[] logSumExp, float[] weights) {

        int count() {
            return weights.length;
        }
    }

    static PaddedBatch of(List<TrainingExample> examples, int trainingTopK, int contextLength, int vocabularySize,
                          boolean needsLogSumExp) {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("a training batch needs at least one example");
        }
        int rows = examples.size();
        int positions = 0;
        for (int row = 0; row < rows; row++) {
            TrainingExample example = examples.get(row);
            validate(example, row, contextLength, vocabularySize, needsLogSumExp);
            positions = Math.max(positions, example.positions());
        }

        int[] inputs = new int[rows * positions];
        int[] targets = new int[rows * positions];
        Arrays.fill(inputs, CharTokenizer.PAD);
        Arrays.fill(targets, CharTokenizer.PAD);
        float[] lossMask = new float[rows * positions];
        long maskedTokens = 0;
        for (int row = 0; row < rows; row++) {
            TrainingExample example = examples.get(row);
            int n = example.positions();
            int base = row * positions;
            System.arraycopy(example.tokens(), 0, inputs, base, n);
            System.arraycopy(example.tokens(), 1, targets, base, n);
            System.arraycopy(example.lossMask(), 0, lossMask, base, n);
            for (float m : example.lossMask()) {
                if (m != 0f) {
                    maskedTokens++;
                }
            }
        }
        return new PaddedBatch(rows, positions, inputs, targets, lossMask, maskedTokens,
                teacherPositions(examples, positions, trainingTopK, vocabularySize, needsLogSumExp));
    }

    private static TeacherPositions teacherPositions(List<TrainingExample> examples, int positions, int trainingTopK,
                                                     int vocabularySize, boolean needsLogSumExp) {
        int k = Integer.MAX_VALUE;
        int count = 0;
        for (TrainingExample example : examples) {
            if (example.hasTeacher()) {
                k = Math.min(k, example.teacherK());
                for (float m : example.lossMask()) {
                    count += m != 0f ? 1 : 0;
                }
            }
        }
        if (count == 0) {
            return null;
        }
        k = Math.min(k, trainingTopK);
        TeacherPositions teacher = new TeacherPositions(k, new long[count * k], new float[count * k],
                needsLogSumExp ? new float[count] : null, new float[count]);
        int next = 0;
        for (int row = 0; row < examples.size(); row++) {
            TrainingExample example = examples.get(row);
            if (!example.hasTeacher()) {
                continue;
            }
            // arrays in locals: the launcher's C1 JIT does not hoist them out of the loop (this loop is most of what
            // batching a KD step costs)
            float[] mask = example.lossMask();
            int[] ids = example.teacherIds();
            int stored = example.teacherK();
            long[] index = teacher.logitIndex();
            for (int p = 0; p < example.positions(); p++) {
                if (mask[p] == 0f) {
                    continue;
                }
                teacher.weights()[next] = mask[p];
                long position = TeacherTopK.logitIndex(row * positions + p, 0, vocabularySize);
                // the stored list is descending, so its first k entries are the top k
                for (int r = 0, from = p * stored, to = next * k; r < k; r++) {
                    int id = ids[from + r];
                    if (id < 0 || id >= vocabularySize) {
                        throw new IllegalArgumentException("example " + row + " has teacher token id " + id
                                + " at position " + p + ", outside the student's vocabulary [0, " + vocabularySize
                                + ")");
                    }
                    index[to + r] = position + id;
                }
                System.arraycopy(example.teacherValues(), p * stored, teacher.values(), next * k, k);
                if (needsLogSumExp) {
                    teacher.logSumExp()[next] = example.teacherLogSumExp()[p];
                }
                next++;
            }
        }
        return teacher;
    }

    private static void validate(TrainingExample example, int row, int contextLength, int vocabularySize,
                                 boolean needsLogSumExp) {
        if (example.positions() > contextLength) {
            throw new IllegalArgumentException("example " + row + " has " + example.tokens().length
                    + " tokens; the student's context of " + contextLength + " fits at most " + (contextLength + 1)
                    + " (position p predicts token p+1)");
        }
        int[] tokens = example.tokens();
        for (int p = 0; p < tokens.length; p++) {
            if (tokens[p] < 0 || tokens[p] >= vocabularySize) {
                throw new IllegalArgumentException("example " + row + " has token id " + tokens[p] + " at position " + p
                        + ", outside the student's vocabulary [0, " + vocabularySize + ")");
            }
        }
        if (example.hasTeacher() && needsLogSumExp && example.teacherLogSumExp() == null) {
            throw new IllegalArgumentException("example " + row + " has teacher logits without the teacher's log-sum-exp,"
                    + " which the tail and sampled losses need (a record of log-probabilities?); use the renormalised loss for it");
        }
    }
}
