package io.kdstream.trainer.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.kdstream.model.sampled.SampledTokens;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sampled (RS-KD) loss: against the plain-Java reference in float64, against finite differences, and unbiased:
 * averaged over many seeds of the teacher's draws, its gradient approaches the full-vocabulary forward-KL gradient
 * {@code q - p} within a tolerance derived from the number of draws, where a cached top K's does not.
 */
class SampledDistillationLossTest {

    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager("PyTorch");
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    private static ReferenceLoss.Settings sampled(double studentTemperature, int draws) {
        return new ReferenceLoss.Settings(LossVariant.SAMPLED, KlDirection.FORWARD, 1, studentTemperature, 0.7, 0.4, draws);
    }

    private static KdCase sampledCase(long seed, int vocabulary, int draws, double proposalTemperature) {
        return KdCase.of(seed, 3, 7, vocabulary, draws, 2, KdCase.GAUSSIAN_TEACHER, KdCase.sampled(proposalTemperature, seed));
    }

    @Test
    void shouldMatchThePlainJavaReference() {
        long seed = 100;
        int checked = 0;
        for (int vocabulary : new int[] {16, 32}) {
            for (int draws : new int[] {4, SampledTokens.DEFAULT_DRAWS}) {
                for (double proposalTemperature : new double[] {1, 2}) {
                    for (double studentTemperature : new double[] {1, 0.5}) {
                        KdCase c = sampledCase(seed++, vocabulary, draws, proposalTemperature);
                        ReferenceLoss.Settings s = sampled(studentTemperature, draws);
                        double[] expected = ReferenceLoss.of(c, s);
                        double[] actual = LossHarness.evaluate(manager, c, s, DataType.FLOAT32, true).values();
                        String label = "V=" + vocabulary + " N=" + draws + " proposal " + proposalTemperature + " student " + studentTemperature;
                        for (int term = 0; term < 3; term++) {
                            assertThat(actual[term]).as("term %d, %s", term, label).isCloseTo(expected[term], within(1e-5));
                        }
                        assertThat(Math.abs(actual[1])).as("kd is not trivially 0: " + label).isGreaterThan(1e-3);
                        checked++;
                    }
                }
            }
        }
        assertThat(checked).isEqualTo(16);
    }

    @Test
    void shouldMatchFiniteDifferencesOfTheReference() {
        double step = 1e-5;
        for (double proposalTemperature : new double[] {1, 2}) {
            for (double studentTemperature : new double[] {1, 0.7}) {
                KdCase c = KdCase.of(45, 2, 4, 16, 6, 2, KdCase.GAUSSIAN_TEACHER, KdCase.sampled(proposalTemperature, 9));
                ReferenceLoss.Settings s = sampled(studentTemperature, 6);
                double[] gradient = LossHarness.evaluate(manager, c, s, DataType.FLOAT64, true).gradient();
                double largest = 0;
                for (int i = 0; i < c.logits().length; i++) {
                    double[] up = c.logits().clone();
                    double[] down = c.logits().clone();
                    up[i] += step;
                    down[i] -= step;
                    double expected = (ReferenceLoss.of(c.withLogits(up), s)[0] - ReferenceLoss.of(c.withLogits(down), s)[0]) / (2 * step);
                    assertThat(gradient[i]).as("proposal %s student %s logit %d", proposalTemperature, studentTemperature, i)
                            .isCloseTo(expected, within(1e-7));
                    largest = Math.max(largest, Math.abs(expected));
                }
                assertThat(largest).isGreaterThan(1e-3);
            }
        }
    }

    /**
     * One position's teacher row p and the student's logits are fixed; the draws are redrawn {@code SEEDS} times.
     * Each draw's gradient of a position's KD is a mean of N independent terms {@code a_x r_x} (x from the
     * proposal q, {@code r = p / q}, {@code a_j = q_student_v - [j = v]}), so its variance is
     * {@code (sum_j q_j a_j^2 r_j^2 - (sum_j p_j a_j)^2) / N}; the mean over the seeds is held to five of its
     * standard deviations.
     */
    @Test
    void shouldGiveTheFullVocabularyGradientInExpectation() {
        int vocabulary = 16;
        int positions = 3;
        int draws = SampledTokens.DEFAULT_DRAWS;
        int seeds = 3000;
        Random random = new Random(7);
        double[][] teacher = new double[positions][vocabulary];
        double[] logits = new double[positions * vocabulary];
        for (int p = 0; p < positions; p++) {
            for (int v = 0; v < vocabulary; v++) {
                teacher[p][v] = (float) (3 * random.nextGaussian());
                logits[p * vocabulary + v] = (float) (2 * random.nextGaussian());
            }
        }
        double[] full = fullVocabularyGradient(teacher, logits, vocabulary);
        for (double proposalTemperature : new double[] {1, 2}) {
            double[] mean = new double[full.length];
            for (int seed = 0; seed < seeds; seed++) {
                KdCase c = caseOf(teacher, logits, vocabulary, draws, KdCase.sampled(proposalTemperature, seed));
                double[] gradient = LossHarness.evaluate(manager, c, kdOnly(LossVariant.SAMPLED, draws), DataType.FLOAT64, true).gradient();
                for (int i = 0; i < mean.length; i++) {
                    mean[i] += gradient[i] / seeds;
                }
            }
            double[] tolerance = tolerance(teacher, logits, vocabulary, draws, proposalTemperature, seeds);
            for (int i = 0; i < full.length; i++) {
                assertThat(mean[i]).as("proposal %s, position %d, token %d", proposalTemperature, i / vocabulary, i % vocabulary)
                        .isCloseTo(full[i], within(tolerance[i]));
            }
        }
        // the same check fails a cached top K: its gradient is biased, and the tolerance is tight enough to see it
        double[] topKGradient = LossHarness.evaluate(manager, caseOf(teacher, logits, vocabulary, 4, KdCase.TOP_K),
                kdOnly(LossVariant.RENORMALISED, 4), DataType.FLOAT64, true).gradient();
        double[] tolerance = tolerance(teacher, logits, vocabulary, draws, 1, seeds);
        boolean outside = false;
        for (int i = 0; i < full.length; i++) {
            outside |= Math.abs(topKGradient[i] - full[i]) > tolerance[i];
        }
        assertThat(outside).as("the top-4 gradient lies outside the tolerance somewhere").isTrue();
    }

    @Test
    void shouldRefuseReverseKlAndAnotherTeacherTemperature() {
        assertThatThrownBy(() -> new DistillationLoss(LossVariant.SAMPLED, KlDirection.REVERSE, 1, 0.4, 1, 1, 12))
                .hasMessageContaining("forward KL only");
        assertThatThrownBy(() -> new DistillationLoss(LossVariant.SAMPLED, KlDirection.FORWARD, 1, 0.4, 2, 1, 12))
                .hasMessageContaining("the sampled loss needs the teacher temperature at 1");
        assertThat(LossVariant.parse("sampled")).isEqualTo(LossVariant.SAMPLED);
    }

    private static ReferenceLoss.Settings kdOnly(LossVariant variant, int topK) {
        return new ReferenceLoss.Settings(variant, KlDirection.FORWARD, 1, 1, 1, 0, topK);
    }

    /** KD's gradient over the whole vocabulary, the mean over the positions of {@code q - p}. */
    private static double[] fullVocabularyGradient(double[][] teacher, double[] logits, int vocabulary) {
        int positions = teacher.length;
        double[] gradient = new double[logits.length];
        for (int p = 0; p < positions; p++) {
            double[] q = softmax(Arrays.copyOfRange(logits, p * vocabulary, (p + 1) * vocabulary), 1);
            double[] t = softmax(teacher[p], 1);
            for (int v = 0; v < vocabulary; v++) {
                gradient[p * vocabulary + v] = (q[v] - t[v]) / positions;
            }
        }
        return gradient;
    }

    private static double[] tolerance(double[][] teacher, double[] logits, int vocabulary, int draws, double proposalTemperature, int seeds) {
        int positions = teacher.length;
        double[] tolerance = new double[logits.length];
        for (int p = 0; p < positions; p++) {
            double[] student = softmax(Arrays.copyOfRange(logits, p * vocabulary, (p + 1) * vocabulary), 1);
            double[] t = softmax(teacher[p], 1);
            double[] q = softmax(teacher[p], proposalTemperature);
            for (int v = 0; v < vocabulary; v++) {
                double second = 0;
                double first = 0;
                for (int j = 0; j < vocabulary; j++) {
                    double a = student[v] - (j == v ? 1 : 0);
                    double r = t[j] / q[j];
                    second += q[j] * a * a * r * r;
                    first += t[j] * a;
                }
                double variance = (second - first * first) / draws;
                tolerance[p * vocabulary + v] = 5 * Math.sqrt(variance / seeds) / positions + 1e-12;
            }
        }
        return tolerance;
    }

    /** A batch of one row, every position trained on, with these teacher rows' entries and these student logits. */
    private static KdCase caseOf(double[][] teacher, double[] logits, int vocabulary, int k, KdCase.TeacherEntries entries) {
        int positions = teacher.length;
        int[] ids = new int[positions * k];
        float[] values = new float[positions * k];
        float[] logSumExp = new float[positions];
        for (int p = 0; p < positions; p++) {
            entries.store(teacher[p], k, p, ids, values, logSumExp);
        }
        float[] ones = new float[positions];
        Arrays.fill(ones, 1f);
        return new KdCase(1, positions, vocabulary, k, logits, new int[positions], ones, ones, ids, values, logSumExp);
    }

    private static double[] softmax(double[] x, double temperature) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : x) {
            max = Math.max(max, v / temperature);
        }
        double[] out = new double[x.length];
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            out[i] = Math.exp(x[i] / temperature - max);
            sum += out[i];
        }
        for (int i = 0; i < x.length; i++) {
            out[i] /= sum;
        }
        return out;
    }
}
