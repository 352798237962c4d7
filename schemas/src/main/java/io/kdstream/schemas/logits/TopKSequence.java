package io.kdstream.schemas.logits;

/**
 * A teacher's top-K over a sequence's positions, as the encoders take it: entry (p, r) at {@code p * k + r}, values
 * descending within a position.
 *
 * @param k              entries a position
 * @param vocabularySize ids lie in {@code [0, vocabularySize)}
 * @param ids            {@code positions * k} token ids
 * @param values         {@code positions * k} logits (divided by the temperature) or log-probabilities
 * @param logSumExp      the full-vocabulary log-sum-exp of each position's logits, or null when the values are
 *                       log-probabilities
 */
public record TopKSequence(int k, int vocabularySize, int[] ids, float[] values, float[] logSumExp) {

    public TopKSequence {
        if (k < 1 || vocabularySize < 1) {
            throw new IllegalArgumentException("need k >= 1 and a vocabulary, got k=" + k + ", vocabulary size " + vocabularySize);
        }
        if (ids.length != values.length || ids.length % k != 0) {
            throw new IllegalArgumentException(ids.length + " ids and " + values.length + " values are not whole positions of " + k);
        }
        if (logSumExp != null && logSumExp.length != ids.length / k) {
            throw new IllegalArgumentException(logSumExp.length + " log-sum-exps for " + ids.length / k + " positions");
        }
    }

    public int positions() {
        return ids.length / k;
    }
}
