package io.kdstream.teacher.backend.served;

import io.kdstream.model.topk.TopKLogits;

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
     * not among them). The arrays are the caller's scratch space: sorted here, in place. {@code list} names the reply's
     * list of positions in errors (its entry {@code position + 1}: the first token has none).
     */
    void put(int position, int[] entryIds, double[] logProbs, int count, String list) {
        if (count < k) {
            throw new IllegalStateException(list + "[" + (position + 1) + "] holds " + count + " entries, fewer than K=" + k);
        }
        for (int i = 0; i < count; i++) {
            if (Double.isNaN(logProbs[i]) || logProbs[i] > 1e-3) {
                throw new IllegalStateException(list + "[" + (position + 1) + "]: token " + entryIds[i] + " has log-probability " + logProbs[i]);
            }
        }
        // insertion sort: a position holds K or K+1 entries, nearly always in order already
        for (int i = 1; i < count; i++) {
            int id = entryIds[i];
            double value = logProbs[i];
            int j = i - 1;
            while (j >= 0 && (logProbs[j] < value || logProbs[j] == value && entryIds[j] > id)) {
                entryIds[j + 1] = entryIds[j];
                logProbs[j + 1] = logProbs[j];
                j--;
            }
            entryIds[j + 1] = id;
            logProbs[j + 1] = value;
        }
        for (int r = 0; r < k; r++) {
            ids[position * k + r] = entryIds[r];
            values[position * k + r] = (float) Math.min(0, logProbs[r]);
        }
    }

    TopKLogits build() {
        return new TopKLogits(positions, k, ids, values, new float[positions]);
    }
}
