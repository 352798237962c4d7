package io.kdstream.trainer.training;

import io.kdstream.model.tokenizer.CharTokenizer;
import java.util.Arrays;
import java.util.List;

/**
 * A list of examples as right-padded flat arrays, ready to become (B,P) and (B,P,K) tensors.
 *
 * <p>Row b's input is {@code tokens[0 .. n-2]}, its targets {@code tokens[1 .. n-1]} (position p predicts token
 * p + 1). Padding positions have input and target PAD and mask 0. Teacher entries are cut to the batch's K, the
 * smaller of the training K and the smallest stored K; rows without teacher logits get zeros and a KD mask of 0.
 * The teacher's log-sum-exp is copied only when the loss needs it ({@code teacherLogSumExp} is null otherwise).
 */
record PaddedBatch(int rows, int positions, int[] inputs, int[] targets, float[] lossMask, int teacherK,
                   int[] teacherIds, float[] teacherValues, float[] teacherLogSumExp, float[] kdMask,
                   long maskedTokens) {

    static PaddedBatch of(List<TrainingExample> examples, int trainingTopK, int contextLength, int vocabularySize,
                          boolean needsLogSumExp) {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("a training batch needs at least one example");
        }
        int rows = examples.size();
        int positions = 0;
        int teacherK = Integer.MAX_VALUE;
        for (int row = 0; row < rows; row++) {
            TrainingExample example = examples.get(row);
            validate(example, row, contextLength, vocabularySize, needsLogSumExp);
            positions = Math.max(positions, example.positions());
            if (example.hasTeacher()) {
                teacherK = Math.min(teacherK, example.teacherK());
            }
        }
        teacherK = teacherK == Integer.MAX_VALUE ? 0 : Math.min(teacherK, trainingTopK);

        int[] inputs = new int[rows * positions];
        int[] targets = new int[rows * positions];
        Arrays.fill(inputs, CharTokenizer.PAD);
        Arrays.fill(targets, CharTokenizer.PAD);
        float[] lossMask = new float[rows * positions];
        int[] teacherIds = teacherK == 0 ? null : new int[rows * positions * teacherK];
        float[] teacherValues = teacherK == 0 ? null : new float[rows * positions * teacherK];
        float[] teacherLogSumExp = teacherK == 0 || !needsLogSumExp ? null : new float[rows * positions];
        float[] kdMask = teacherK == 0 ? null : new float[rows * positions];
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
            if (teacherK > 0 && example.hasTeacher()) {
                System.arraycopy(example.lossMask(), 0, kdMask, base, n);
                if (teacherLogSumExp != null) {
                    System.arraycopy(example.teacherLogSumExp(), 0, teacherLogSumExp, base, n);
                }
                for (int p = 0; p < n; p++) {
                    // the stored list is descending, so its first teacherK entries are the top teacherK
                    System.arraycopy(example.teacherIds(), p * example.teacherK(),
                            teacherIds, (base + p) * teacherK, teacherK);
                    System.arraycopy(example.teacherValues(), p * example.teacherK(),
                            teacherValues, (base + p) * teacherK, teacherK);
                }
            }
        }
        return new PaddedBatch(rows, positions, inputs, targets, lossMask, teacherK, teacherIds, teacherValues,
                teacherLogSumExp, kdMask, maskedTokens);
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
                    + " which the tail loss needs (a record of log-probabilities?); use the renormalised loss for it");
        }
        if (example.hasTeacher()) {
            int[] ids = example.teacherIds();
            for (int i = 0; i < ids.length; i++) {
                if (ids[i] < 0 || ids[i] >= vocabularySize) {
                    throw new IllegalArgumentException("example " + row + " has teacher token id " + ids[i]
                            + " at position " + (i / example.teacherK()) + ", outside the student's vocabulary [0, "
                            + vocabularySize + ")");
                }
            }
        }
    }
}
