package io.kdstream.teacher.backend.served;

import io.kdstream.model.topk.TopKLogits;

import java.util.Arrays;

/**
 * Collects a served reply's per-position entries into {@link TopKLogits}: each position's k largest log-probabilities
 * in descending order, equal values by ascending id (the order the in-process teacher keeps), log-sum-exps 0.
 */
final class PromptLogProbs {

    private final int k;
    private final int[] ids;
    private final float[] values;
    private final int positions;

    PromptLogProbs(int positions, int k) {
        this.positions = positions;
        this.k = k;
        this.ids = new int[positions * k];
        this.values = new float[positions * k];
    }

    /**
     * Position {@code position}'s entries; more than k are cut to the k largest (vLLM adds the actual token when it is
     * not among them).
     */
    void put(int position, int[] entryIds, double[] logProbs, int count, String where) {
        if (count < k) {
            throw new IllegalStateException(where + " holds " + count + " entries, fewer than K=" + k);
        }
        Integer[] order = new Integer[count];
        for (int i = 0; i < count; i++) {
            if (Double.isNaN(logProbs[i]) || logProbs[i] > 1e-3) {
                throw new IllegalStateException(where + ": token " + entryIds[i] + " has log-probability " + logProbs[i]);
            }
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> logProbs[a] != logProbs[b] ? Double.compare(logProbs[b], logProbs[a]) : Integer.compare(entryIds[a], entryIds[b]));
        for (int r = 0; r < k; r++) {
            ids[position * k + r] = entryIds[order[r]];
            values[position * k + r] = (float) Math.min(0, logProbs[order[r]]);
        }
    }

    TopKLogits build() {
        return new TopKLogits(positions, k, ids, values, new float[positions]);
    }
}
