package io.kdstream.model.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TokenChoiceTest {

    /** Two rows of logits; the test reads the second, at offset 5. */
    private static final float[] LOGITS = {9, 9, 9, 9, 9, 1.0f, 2.0f, 0.5f, 2.0f, -1.0f};

    private static double[] frequencies(Sampling sampling, int draws) {
        SplittableRandom random = new SplittableRandom(sampling.seed());
        double[] counts = new double[5];
        for (int i = 0; i < draws; i++) {
            counts[TokenChoice.sample(LOGITS, 5, 5, sampling, random)] += 1.0 / draws;
        }
        return counts;
    }

    /** softmax(logits / temperature) over the given tokens, 0 elsewhere. */
    private static double[] expected(double temperature, int... kept) {
        double[] p = new double[5];
        double total = 0;
        for (int v : kept) {
            p[v] = Math.exp(LOGITS[5 + v] / temperature);
            total += p[v];
        }
        for (int v : kept) {
            p[v] /= total;
        }
        return p;
    }

    @Test
    void shouldDrawInProportionToTheTemperedSoftmax() {
        double[][] cases = {
            frequencies(new Sampling(1.0, 0, 1), 40_000), expected(1.0, 0, 1, 2, 3, 4),
            frequencies(new Sampling(0.5, 0, 2), 40_000), expected(0.5, 0, 1, 2, 3, 4),
            frequencies(new Sampling(2.0, 3, 3), 40_000), expected(2.0, 1, 3, 0), // top 3: the tie at 2.0 and then 1.0
        };
        for (int c = 0; c < cases.length; c += 2) {
            for (int v = 0; v < 5; v++) {
                assertThat(cases[c][v]).as("case %d token %d", c / 2, v).isCloseTo(cases[c + 1][v], within(0.01));
            }
        }
    }

    @Test
    void shouldBeGreedyWithTopKOneAndBreakTiesTowardsTheLowerId() {
        assertThat(TokenChoice.greedy(LOGITS, 5, 5)).isEqualTo(1);
        SplittableRandom random = new SplittableRandom(4);
        for (int i = 0; i < 100; i++) {
            assertThat(TokenChoice.sample(LOGITS, 5, 5, new Sampling(3.0, 1, 4), random)).isEqualTo(1);
        }
    }

    @Test
    void shouldRefuseMeaninglessSettings() {
        assertThatThrownBy(() -> new Sampling(0, 0, 1)).hasMessageContaining("temperature must be finite and > 0");
        assertThatThrownBy(() -> new Sampling(1, -1, 1)).hasMessageContaining("top-k must be >= 0");
    }
}
