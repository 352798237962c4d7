package io.kdstream.schemas.logits;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

/** Random teacher top-K in the shapes that stress an encoding. */
public final class TeacherDistributions {

    /** How the values of a position are spread. */
    public enum Shape {
        /** Gaussian logits, scale 3: a typical language-model position. */
        TYPICAL,
        /** Nearly equal values, scale 0.01. */
        FLAT,
        /** Values on a grid of 1/4 nat: many exact ties. */
        TIES,
        /** Scale 40: most entries far below the top. */
        SPREAD,
        /** Logits around -10000, where float32 resolves 1e-3. */
        VERY_NEGATIVE,
        /** The lower half of the entries at -1e30 or minus infinity (masked tokens). */
        MASKED
    }

    private TeacherDistributions() {
    }

    /**
     * A top-K sequence; with {@code logProbabilities} the values are log-probabilities and there is no log-sum-exp,
     * otherwise raw logits with a log-sum-exp that leaves a random mass (possibly none) to the rest of the vocabulary.
     */
    public static TopKSequence random(int k, int vocabularySize, int positions, Shape shape, boolean logProbabilities, long seed) {
        return random(k, vocabularySize, vocabularySize, positions, shape, logProbabilities, seed);
    }

    /** As above, with the ids drawn from the first {@code idsInUse} of the vocabulary only (ids that recur). */
    public static TopKSequence random(int k, int vocabularySize, int idsInUse, int positions, Shape shape, boolean logProbabilities, long seed) {
        Random random = new Random(seed);
        int[] ids = new int[positions * k];
        float[] values = new float[positions * k];
        float[] logSumExp = new float[positions];
        for (int p = 0; p < positions; p++) {
            System.arraycopy(distinctIds(k, idsInUse, random), 0, ids, p * k, k);
            float[] sorted = sortedValues(k, shape, random);
            double topKLogSumExp = logSumExp(sorted);
            double lowest = sorted[k - 1];
            // the other V - K logits are at most the lowest kept one, so they hold at most (V - K) e^lowest
            double maxRest = (vocabularySize - k) * Math.exp(lowest - topKLogSumExp);
            double rest = maxRest * Math.pow(random.nextDouble(), 3);
            logSumExp[p] = (float) (topKLogSumExp + Math.log1p(rest));
            for (int r = 0; r < k; r++) {
                values[p * k + r] = logProbabilities ? (float) (sorted[r] - (double) logSumExp[p]) : sorted[r];
            }
        }
        return new TopKSequence(k, vocabularySize, ids, values, logProbabilities ? null : logSumExp);
    }

    private static int[] distinctIds(int k, int vocabularySize, Random random) {
        int[] ids = new int[k];
        Set<Integer> taken = new HashSet<>();
        for (int r = 0; r < k; r++) {
            int id;
            do {
                id = random.nextInt(vocabularySize);
            } while (!taken.add(id));
            ids[r] = id;
        }
        return ids;
    }

    private static float[] sortedValues(int k, Shape shape, Random random) {
        float[] values = new float[k];
        for (int r = 0; r < k; r++) {
            double gaussian = random.nextGaussian();
            values[r] = (float) switch (shape) {
                case TYPICAL, MASKED -> 3 * gaussian;
                case FLAT -> 0.01 * gaussian;
                case TIES -> Math.round(4 * gaussian) / 4.0;
                case SPREAD -> 40 * gaussian;
                case VERY_NEGATIVE -> -10_000 + 3 * gaussian;
            };
        }
        Arrays.sort(values);
        for (int r = 0; r < k / 2; r++) {
            float swap = values[r];
            values[r] = values[k - 1 - r];
            values[k - 1 - r] = swap;
        }
        if (shape == Shape.MASKED) {
            int firstInfinite = (k + 1) / 2 + random.nextInt(k / 2 + 1);
            for (int r = (k + 1) / 2; r < k; r++) {
                values[r] = r < firstInfinite ? -1e30f : Float.NEGATIVE_INFINITY;
            }
        }
        return values;
    }

    private static double logSumExp(float[] values) {
        double max = values[0];
        double sum = 0;
        for (float value : values) {
            sum += Math.exp(value - max);
        }
        return max + Math.log(sum);
    }
}
