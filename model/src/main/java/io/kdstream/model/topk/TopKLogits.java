package io.kdstream.model.topk;

import java.util.Arrays;

/**
 * The teacher's top-K raw logits of one sequence, position by position, as plain Java arrays.
 *
 * <p>Entry {@code (p, r)} lives at index {@code p * k + r}; at each position the entries are in <b>descending order of
 * value</b>, and equal values are ordered by ascending token id. {@code logSumExp[p]} is the log-sum-exp of the full
 * vocabulary's logits at position {@code p}, so {@code values[p*k+r] - logSumExp[p]} is the exact log-probability of
 * that token (temperature 1). Positions follow the model's convention: position {@code p} scores token {@code p + 1}.
 *
 * @param positions number of positions
 * @param k entries per position
 * @param ids token ids, {@code positions * k}
 * @param values raw logits, {@code positions * k}
 * @param logSumExp full-vocabulary log-sum-exp per position, {@code positions}
 */
public record TopKLogits(int positions, int k, int[] ids, float[] values, float[] logSumExp) {

    public TopKLogits {
        if (positions < 0 || k < 1) {
            throw new IllegalArgumentException("need positions >= 0 and k >= 1, got positions=" + positions + ", k=" + k);
        }
        long entries = (long) positions * k;
        if (ids == null || values == null || logSumExp == null) {
            throw new IllegalArgumentException("ids, values and logSumExp are required");
        }
        if (ids.length != entries || values.length != entries || logSumExp.length != positions) {
            throw new IllegalArgumentException("expected " + entries + " ids and values and " + positions
                    + " log-sum-exps, got " + ids.length + ", " + values.length + " and " + logSumExp.length);
        }
    }

    /** Token id of the entry ranked {@code rank} (0 = largest) at {@code position}. */
    public int id(int position, int rank) {
        return ids[index(position, rank)];
    }

    /** Raw logit of the entry ranked {@code rank} at {@code position}. */
    public float value(int position, int rank) {
        return values[index(position, rank)];
    }

    /** Log-probability (temperature 1) of the entry ranked {@code rank} at {@code position}. */
    public double logProbability(int position, int rank) {
        return (double) values[index(position, rank)] - logSumExp[position];
    }

    /** The first {@code count} positions, e.g. to drop the last position, which scores a token after the sequence. */
    public TopKLogits head(int count) {
        if (count < 0 || count > positions) {
            throw new IllegalArgumentException("cannot take " + count + " of " + positions + " positions");
        }
        return new TopKLogits(count, k, Arrays.copyOf(ids, count * k), Arrays.copyOf(values, count * k),
                Arrays.copyOf(logSumExp, count));
    }

    private int index(int position, int rank) {
        if (position < 0 || position >= positions || rank < 0 || rank >= k) {
            throw new IndexOutOfBoundsException("entry (" + position + ", " + rank + ") outside " + positions + " x " + k);
        }
        return position * k + rank;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TopKLogits that && positions == that.positions && k == that.k
                && Arrays.equals(ids, that.ids) && Arrays.equals(values, that.values)
                && Arrays.equals(logSumExp, that.logSumExp);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(ids) + Arrays.hashCode(values)) + Arrays.hashCode(logSumExp);
    }

    @Override
    public String toString() {
        return "TopKLogits[positions=" + positions + ", k=" + k + "]";
    }
}
