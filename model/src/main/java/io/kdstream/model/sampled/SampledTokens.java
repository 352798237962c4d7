package io.kdstream.model.sampled;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * RS-KD's teacher side at one position (Random Sampling Knowledge Distillation: Anshumann et al., "Sparse Logit
 * Sampling: Accelerating Knowledge Distillation in LLMs", ACL 2025, arXiv:2503.16870): instead of the top K, N tokens
 * drawn with replacement from a proposal {@code q ∝ p^(1/τ)} (the teacher's distribution p at proposal temperature
 * τ; at τ = 1, q = p), kept as the distinct ids with their counts c. Each id's importance-weighted frequency
 * {@code ŵ_i = (c_i / N) · p_i / q_i} is an unbiased estimate of p_i ({@code E[c_i] = N q_i}), so a loss linear in
 * the teacher's probabilities, such as forward KL's gradient, is unbiased in expectation over the draws, where a
 * cached top K is biased towards the head. At τ = 1 the weights are the counts over N and need nothing else stored.
 *
 * <p>Entries are ordered by weight, descending (ties by ascending id), as the cache's descending-value contract asks.
 *
 * @param ids        the distinct sampled ids
 * @param counts     how often each was drawn; they sum to {@code draws}
 * @param logRatios  {@code log p_i - log q_i} of each id: 0 at τ = 1
 * @param draws      N
 */
public record SampledTokens(int[] ids, int[] counts, double[] logRatios, int draws) {

    /**
     * The paper reports RS-KD on par with full-vocabulary KD at about 12 sampled tokens a position (ANCHORS.md,
     * "Papers"): the default number of draws.
     */
    public static final int DEFAULT_DRAWS = 12;

    /** {@code log ŵ_i = log(c_i / N) + log p_i - log q_i}: the log-probability estimate the loss trains on. */
    public double logWeight(int entry) {
        return Math.log((double) counts[entry] / draws) + logRatios[entry];
    }

    /**
     * Draws {@code draws} tokens at the position whose logits (divided by the teacher's temperature) are
     * {@code logits[from .. from + vocabularySize)}; {@code seed} makes the draws reproducible (see {@link #seed}).
     */
    public static SampledTokens draw(float[] logits, int from, int vocabularySize, int draws, double proposalTemperature, long seed) {
        if (draws < 1) {
            throw new IllegalArgumentException("need at least one draw, got " + draws);
        }
        if (!(proposalTemperature > 0) || !Double.isFinite(proposalTemperature)) {
            throw new IllegalArgumentException("the proposal temperature must be finite and > 0, got " + proposalTemperature);
        }
        double max = Double.NEGATIVE_INFINITY;
        for (int v = 0; v < vocabularySize; v++) {
            max = Math.max(max, logits[from + v]);
        }
        if (!Double.isFinite(max)) {
            throw new IllegalArgumentException("logits at offset " + from + " have no finite maximum (" + max + ")");
        }
        // cumulative proposal mass, unnormalised, and both log-normalisers
        double[] cumulative = new double[vocabularySize];
        double teacherSum = 0;
        double proposalSum = 0;
        for (int v = 0; v < vocabularySize; v++) {
            double shifted = logits[from + v] - max;
            teacherSum += Math.exp(shifted);
            proposalSum += Math.exp(shifted / proposalTemperature);
            cumulative[v] = proposalSum;
        }
        double logTeacherNorm = Math.log(teacherSum);
        double logProposalNorm = Math.log(proposalSum);
        SplittableRandom random = new SplittableRandom(seed);
        int[] drawn = new int[draws];
        for (int d = 0; d < draws; d++) {
            drawn[d] = firstAbove(cumulative, random.nextDouble() * proposalSum);
        }
        Arrays.sort(drawn);
        int distinct = 0;
        int[] ids = new int[draws];
        int[] counts = new int[draws];
        for (int d = 0; d < draws; d++) {
            if (distinct == 0 || ids[distinct - 1] != drawn[d]) {
                ids[distinct++] = drawn[d];
            }
            counts[distinct - 1]++;
        }
        double[] logRatios = new double[distinct];
        for (int i = 0; i < distinct; i++) {
            double shifted = logits[from + ids[i]] - max;
            logRatios[i] = (shifted - logTeacherNorm) - (shifted / proposalTemperature - logProposalNorm);
        }
        return ordered(Arrays.copyOf(ids, distinct), Arrays.copyOf(counts, distinct), logRatios, draws);
    }

    /**
     * The seed of a position's draws, from the prompt id and the position, so a replay of a prompt writes the same
     * bytes: FNV-1a over the id's UTF-8 bytes, then the position, mixed by SplitMix64's finaliser.
     */
    public static long seed(String promptId, int position) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : promptId.getBytes(StandardCharsets.UTF_8)) {
            hash = (hash ^ (b & 0xff)) * 0x100000001b3L;
        }
        long z = hash + 0x9e3779b97f4a7c15L * (position + 1L);
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** The first index whose cumulative mass exceeds {@code target} (a token of zero mass is never chosen). */
    private static int firstAbove(double[] cumulative, double target) {
        int low = 0;
        int high = cumulative.length - 1;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (cumulative[middle] > target) {
                high = middle;
            } else {
                low = middle + 1;
            }
        }
        return low;
    }

    private static SampledTokens ordered(int[] ids, int[] counts, double[] logRatios, int draws) {
        SampledTokens unordered = new SampledTokens(ids, counts, logRatios, draws);
        Integer[] order = new Integer[ids.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> {
            int byWeight = Double.compare(unordered.logWeight(b), unordered.logWeight(a));
            return byWeight != 0 ? byWeight : Integer.compare(ids[a], ids[b]);
        });
        int[] sortedIds = new int[ids.length];
        int[] sortedCounts = new int[ids.length];
        double[] sortedRatios = new double[ids.length];
        for (int i = 0; i < order.length; i++) {
            sortedIds[i] = ids[order[i]];
            sortedCounts[i] = counts[order[i]];
            sortedRatios[i] = logRatios[order[i]];
        }
        return new SampledTokens(sortedIds, sortedCounts, sortedRatios, draws);
    }
}
