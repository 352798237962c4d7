package io.kdstream.trainer.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** DJL's autograd gradients of the loss against central finite differences of the plain-Java reference. */
class DistillationLossGradientTest {

    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager("PyTorch");
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    private static List<ReferenceLoss.Settings> everyForm(int topK) {
        return List.of(
                new ReferenceLoss.Settings(LossVariant.RENORMALISED, KlDirection.FORWARD, 1.5, 0.7, 0.8, 0.3, topK),
                new ReferenceLoss.Settings(LossVariant.RENORMALISED, KlDirection.REVERSE, 1.5, 0.7, 0.8, 0.3, topK),
                new ReferenceLoss.Settings(LossVariant.TAIL, KlDirection.FORWARD, 1, 0.7, 0.8, 0.3, topK),
                new ReferenceLoss.Settings(LossVariant.TAIL, KlDirection.REVERSE, 1, 0.7, 0.8, 0.3, topK),
                // at student temperature 1 tail reuses the cross-entropy's log-softmax: its own path
                new ReferenceLoss.Settings(LossVariant.TAIL, KlDirection.FORWARD, 1, 1, 0.8, 0.3, topK),
                new ReferenceLoss.Settings(LossVariant.TAIL, KlDirection.REVERSE, 1, 1, 0.8, 0.3, topK));
    }

    @Test
    void shouldMatchFiniteDifferencesOfTheReference() {
        KdCase c = KdCase.random(45, 2, 4, 16, 5);
        double step = 1e-5;
        for (ReferenceLoss.Settings s : everyForm(3)) {
            double[] gradient = LossHarness.evaluate(manager, c, s, DataType.FLOAT64, true).gradient();
            double largest = 0;
            for (int i = 0; i < c.logits().length; i++) {
                double[] up = c.logits().clone();
                double[] down = c.logits().clone();
                up[i] += step;
                down[i] -= step;
                double expected = (ReferenceLoss.of(c.withLogits(up), s)[0]
                        - ReferenceLoss.of(c.withLogits(down), s)[0]) / (2 * step);
                assertThat(gradient[i]).as("%s logit %d", s, i).isCloseTo(expected, within(1e-7));
                largest = Math.max(largest, Math.abs(expected));
            }
            assertThat(largest).as("the check is not vacuous for %s", s).isGreaterThan(1e-3);
        }
    }

    @Test
    void shouldNotDependOnWhichUnweightedPositionsAreListedOrInWhatOrder() {
        KdCase c = KdCase.random(47, 3, 5, 16, 5);
        for (ReferenceLoss.Settings s : everyForm(3)) {
            LossHarness.Evaluation weighted = LossHarness.evaluate(manager, c, s, DataType.FLOAT64,
                    LossHarness.Positions.WEIGHTED);
            LossHarness.Evaluation all = LossHarness.evaluate(manager, c, s, DataType.FLOAT64,
                    LossHarness.Positions.ALL_REVERSED);
            for (int i = 0; i < 3; i++) {
                assertThat(all.values()[i]).as("term %d of %s", i, s).isCloseTo(weighted.values()[i], within(1e-12));
            }
            for (int i = 0; i < all.gradient().length; i++) {
                assertThat(all.gradient()[i]).as("%s logit %d", s, i).isCloseTo(weighted.gradient()[i], within(1e-12));
            }
        }
    }

    @Test
    void shouldGiveZeroLossAndZeroGradientsForAFullyMaskedBatch() {
        KdCase masked = KdCase.random(46, 2, 4, 16, 5).fullyMasked();
        for (ReferenceLoss.Settings s : everyForm(3)) {
            // every position listed with weight 0, padding included: the KD path runs, and must give nothing
            LossHarness.Evaluation evaluation = LossHarness.evaluate(manager, masked, s, DataType.FLOAT32,
                    LossHarness.Positions.ALL_REVERSED);
            assertThat(largestMagnitude(evaluation.values())).as("loss of %s", s).isZero();
            assertThat(largestMagnitude(evaluation.gradient())).as("gradient of %s", s).isZero();
        }
    }

    /** Largest absolute value; 0 only if every entry is 0 or -0 (and none is NaN). */
    static double largestMagnitude(double[] values) {
        double largest = 0;
        for (double value : values) {
            largest = Double.isNaN(value) ? Double.NaN : Math.max(largest, Math.abs(value));
        }
        return largest;
    }
}
