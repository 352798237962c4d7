package io.kdstream.model.sampled;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SampledTokensTest {

    private static float[] logits(long seed, int vocabulary) {
        Random random = new Random(seed);
        float[] logits = new float[vocabulary];
        for (int v = 0; v < vocabulary; v++) {
            logits[v] = (float) (3 * random.nextGaussian());
        }
        return logits;
    }

    private static double[] probabilities(float[] logits, double temperature) {
        double max = Double.NEGATIVE_INFINITY;
        for (float logit : logits) {
            max = Math.max(max, logit / temperature);
        }
        double[] p = new double[logits.length];
        double sum = 0;
        for (int v = 0; v < logits.length; v++) {
            p[v] = Math.exp(logits[v] / temperature - max);
            sum += p[v];
        }
        for (int v = 0; v < logits.length; v++) {
            p[v] /= sum;
        }
        return p;
    }

    @Test
    void shouldDrawTheSameTokensForTheSamePromptAndPosition() {
        float[] logits = logits(1, 50);
        SampledTokens once = SampledTokens.draw(logits, 0, 50, 12, 1.5, SampledTokens.seed("prompt-a", 7));
        SampledTokens again = SampledTokens.draw(logits, 0, 50, 12, 1.5, SampledTokens.seed("prompt-a", 7));
        assertThat(again.ids()).isEqualTo(once.ids());
        assertThat(again.counts()).isEqualTo(once.counts());
        assertThat(again.logRatios()).isEqualTo(once.logRatios());
        assertThat(SampledTokens.seed("prompt-a", 8)).isNotEqualTo(SampledTokens.seed("prompt-a", 7));
        assertThat(SampledTokens.seed("prompt-b", 7)).isNotEqualTo(SampledTokens.seed("prompt-a", 7));
    }

    @Test
    void shouldKeepDistinctIdsWhoseCountsSumToTheDrawsOrderedByWeight() {
        float[] logits = logits(2, 40);
        for (double temperature : new double[] {1, 2}) {
            SampledTokens drawn = SampledTokens.draw(logits, 0, 40, 64, temperature, 3);
            assertThat(Arrays.stream(drawn.counts()).sum()).isEqualTo(64);
            assertThat(Arrays.stream(drawn.ids()).distinct().count()).isEqualTo(drawn.ids().length);
            for (int i = 1; i < drawn.ids().length; i++) {
                assertThat(drawn.logWeight(i)).isLessThanOrEqualTo(drawn.logWeight(i - 1));
            }
            double[] p = probabilities(logits, 1);
            double[] q = probabilities(logits, temperature);
            for (int i = 0; i < drawn.ids().length; i++) {
                int id = drawn.ids()[i];
                assertThat(drawn.logRatios()[i]).isCloseTo(Math.log(p[id] / q[id]), within(1e-9));
            }
        }
    }

    @Test
    void shouldEstimateEachProbabilityWithoutBias() {
        int vocabulary = 8;
        float[] logits = logits(4, vocabulary);
        double[] p = probabilities(logits, 1);
        int rounds = 20_000;
        int draws = 12;
        for (double temperature : new double[] {1, 2}) {
            double[] q = probabilities(logits, temperature);
            double[] mean = new double[vocabulary];
            for (int round = 0; round < rounds; round++) {
                SampledTokens drawn = SampledTokens.draw(logits, 0, vocabulary, draws, temperature, SampledTokens.seed("p", round));
                for (int i = 0; i < drawn.ids().length; i++) {
                    mean[drawn.ids()[i]] += Math.exp(drawn.logWeight(i)) / rounds;
                }
            }
            for (int v = 0; v < vocabulary; v++) {
                // ŵ_v is a mean of N draws of (p_v / q_v) 1{x = v}: variance (p_v^2 / q_v - p_v^2) / N
                double sd = Math.sqrt((p[v] * p[v] / q[v] - p[v] * p[v]) / draws / rounds);
                assertThat(mean[v]).as("token %d at proposal temperature %s", v, temperature).isCloseTo(p[v], within(5 * sd + 1e-12));
            }
        }
    }

    @Test
    void shouldRefuseNoDrawsAndBadTemperatures() {
        float[] logits = logits(5, 10);
        assertThatThrownBy(() -> SampledTokens.draw(logits, 0, 10, 0, 1, 1)).hasMessageContaining("at least one draw");
        assertThatThrownBy(() -> SampledTokens.draw(logits, 0, 10, 4, 0, 1)).hasMessageContaining("proposal temperature");
        float[] masked = new float[10];
        Arrays.fill(masked, Float.NEGATIVE_INFINITY);
        assertThatThrownBy(() -> SampledTokens.draw(masked, 0, 10, 4, 1, 1)).hasMessageContaining("no finite maximum");
    }
}
