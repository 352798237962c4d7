package io.kdstream.schemas.logits;

/**
 * RS-KD's sampled tokens over a sequence's positions, as {@link SampledCounts} encodes them: entry (p, r) at
 * {@code p * k + r}, k slots a position (at least the most distinct tokens any position drew), unused slots with
 * count 0.
 *
 * @param k              slots a position
 * @param vocabularySize ids lie in {@code [0, vocabularySize)}
 * @param ids            {@code positions * k} token ids
 * @param counts         how often each was drawn; every position's sum to {@code draws}
 * @param logRatios      {@code log p - log q} of each entry, or null for a proposal equal to the teacher's distribution
 * @param draws          N, the draws a position
 */
public record SampledSequence(int k, int vocabularySize, int[] ids, int[] counts, float[] logRatios, int draws)
        implements EncodablePositions {

    public SampledSequence {
        if (k < 1 || k > draws) {
            throw new IllegalArgumentException("need 1 <= k <= draws, got k=" + k + " and " + draws + " draws");
        }
        if (ids.length != counts.length || ids.length % k != 0 || (logRatios != null && logRatios.length != ids.length)) {
            throw new IllegalArgumentException(ids.length + " ids, " + counts.length + " counts and "
                    + (logRatios == null ? "no" : logRatios.length) + " log ratios are not whole positions of " + k);
        }
        for (int p = 0; p < ids.length / k; p++) {
            long sum = 0;
            for (int r = 0; r < k; r++) {
                sum += counts[p * k + r];
            }
            if (sum != draws) {
                throw new IllegalArgumentException("position " + p + " has " + sum + " draws, not " + draws);
            }
        }
    }

    @Override
    public int positions() {
        return ids.length / k;
    }

    @Override
    public EncodedTopK encode(int firstPosition, int positions) {
        return SampledCounts.encode(k, vocabularySize, ids, counts, logRatios, firstPosition, positions);
    }

    @Override
    public long bytes(int positions) {
        return SampledCounts.maxBytes(k, vocabularySize, draws, logRatios != null, positions);
    }
}
