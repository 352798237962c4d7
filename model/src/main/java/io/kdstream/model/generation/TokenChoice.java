package io.kdstream.model.generation;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Picks a token from one row of next-token logits: greedily, or by sampling. Plain Java; rows are short. */
final class TokenChoice {

    private TokenChoice() {
    }

    /** The most likely token; ties go to the lowest id. */
    static int greedy(float[] logits, int offset, int vocabulary) {
        int best = 0;
        for (int v = 1; v < vocabulary; v++) {
            if (logits[offset + v] > logits[offset + best]) {
                best = v;
            }
        }
        return best;
    }

    /**
     * A token drawn from {@code softmax(logits / temperature)} over the {@code topK} largest logits (ties at the
     * boundary keep the lower ids, as {@link #greedy} does); {@code topK} 0 or at least the vocabulary keeps all.
     */
    static int sample(float[] logits, int offset, int vocabulary, Sampling sampling, SplittableRandom random) {
        int kept = sampling.topK() == 0 ? vocabulary : Math.min(sampling.topK(), vocabulary);
        Integer[] order = new Integer[vocabulary];
        for (int v = 0; v < vocabulary; v++) {
            order[v] = v;
        }
        // a stable sort: equal logits stay in ascending id order
        Arrays.sort(order, (a, b) -> Float.compare(logits[offset + b], logits[offset + a]));
        double max = logits[offset + order[0]];
        double[] cumulative = new double[kept];
        double total = 0;
        for (int r = 0; r < kept; r++) {
            total += Math.exp((logits[offset + order[r]] - max) / sampling.temperature());
            cumulative[r] = total;
        }
        double draw = random.nextDouble() * total;
        for (int r = 0; r < kept; r++) {
            if (draw < cumulative[r]) {
                return order[r];
            }
        }
        return order[kept - 1]; // draw rounded up to the total: the top edge of the last interval
    }
}
