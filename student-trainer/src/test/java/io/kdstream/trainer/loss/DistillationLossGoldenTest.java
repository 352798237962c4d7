package io.kdstream.trainer.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The DJL loss in float32 against the plain-Java double reference, over every variant, direction and shape. */
class DistillationLossGoldenTest {

    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager("PyTorch");
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    @Test
    void shouldMatchThePlainJavaReferenceForEveryVariantDirectionAndShape() {
        long seed = 0;
        int checked = 0;
        for (LossVariant variant : List.of(LossVariant.RENORMALISED, LossVariant.TAIL)) { // sampled: SampledDistillationLossTest
            // tail trains at the cached teacher temperature; its student temperature still varies
            double[][] temperatures = variant == LossVariant.TAIL ? new double[][] {{1, 1}, {1, 0.5}}
                    : new double[][] {{1, 1}, {2, 0.5}};
            for (KlDirection direction : KlDirection.values()) {
                for (int vocabulary : new int[] {16, 32}) {
                    for (int k : new int[] {1, 3, 8}) {
                        Set<Integer> storedKs = new LinkedHashSet<>(java.util.List.of(k, 8));
                        for (int storedK : storedKs) {
                            for (double[] t : temperatures) {
                                KdCase c = KdCase.random(seed++, 3, 7, vocabulary, storedK);
                                ReferenceLoss.Settings s = new ReferenceLoss.Settings(variant, direction, t[0], t[1],
                                        0.7, 0.4, k);
                                double[] expected = ReferenceLoss.of(c, s);
                                double[] actual = LossHarness.evaluate(manager, c, s, DataType.FLOAT32, true).values();
                                String label = s + " V=" + vocabulary + " stored K=" + storedK;
                                assertThat(actual[0]).as("total " + label).isCloseTo(expected[0], within(1e-5));
                                assertThat(actual[1]).as("kd " + label).isCloseTo(expected[1], within(1e-5));
                                assertThat(actual[2]).as("ce " + label).isCloseTo(expected[2], within(1e-5));
                                if (variant == LossVariant.TAIL || k > 1) {
                                    assertThat(actual[1]).as("kd is not trivially 0: " + label).isGreaterThan(1e-3);
                                }
                                checked++;
                            }
                        }
                    }
                }
            }
        }
        assertThat(checked).isEqualTo(80);
    }

    @Test
    void shouldGiveZeroRenormalisedKdForKEqualToOne() {
        KdCase c = KdCase.random(42, 2, 5, 32, 8);
        for (KlDirection direction : KlDirection.values()) {
            ReferenceLoss.Settings s = new ReferenceLoss.Settings(LossVariant.RENORMALISED, direction, 1.3, 0.8,
                    1, 0.4, 1);
            double[] values = LossHarness.evaluate(manager, c, s, DataType.FLOAT32, true).values();
            assertThat(values[1]).as("%s", direction).isZero();
            assertThat(values[0]).isCloseTo(0.4 * values[2], within(1e-6));
        }
    }

    @Test
    void shouldUseCrossEntropyOnlyWithoutTeacherLogits() {
        KdCase c = KdCase.random(44, 2, 5, 16, 3);
        for (LossVariant variant : LossVariant.values()) {
            ReferenceLoss.Settings s = new ReferenceLoss.Settings(variant, KlDirection.FORWARD, 1, 1, 1, 0.5, 3);
            double[] values = LossHarness.evaluate(manager, c, s, DataType.FLOAT32, false).values();
            double[] expected = ReferenceLoss.of(c, s);
            assertThat(values[1]).isZero();
            assertThat(values[2]).isCloseTo(expected[2], within(1e-5));
            assertThat(values[0]).isCloseTo(0.5 * expected[2], within(1e-5));
        }
    }

    @Test
    void shouldRejectMismatchedShapesAndAMissingLogSumExp() {
        try (NDManager scope = manager.newSubManager()) {
            NDArray logits = scope.zeros(new Shape(2, 3, 8));
            NDArray targets = scope.zeros(new Shape(2, 3), DataType.INT32);
            NDArray mask = scope.ones(new Shape(2, 3));
            NDArray index = scope.create(new long[] {0, 1, 32, 33, 40, 41}, new Shape(3, 2));
            NDArray values = scope.zeros(new Shape(3, 2));
            PositionShares weights = PositionShares.common(1.0 / 3);
            DistillationLoss renormalised = new DistillationLoss(LossVariant.RENORMALISED, KlDirection.FORWARD,
                    1, 1, 1, 1, 2);
            DistillationLoss tail = new DistillationLoss(LossVariant.TAIL, KlDirection.FORWARD, 1, 1, 1, 1, 2);
            assertThatThrownBy(() -> renormalised.compute(logits, scope.zeros(new Shape(2, 4), DataType.INT32), mask,
                    null)).hasMessageContaining("targets must have shape (2, 3)");
            assertThatThrownBy(() -> renormalised.compute(logits, targets, mask,
                    new TeacherTopK(index, scope.zeros(new Shape(3, 3)), null, weights)))
                    .hasMessageContaining("teacher values");
            assertThatThrownBy(() -> renormalised.compute(logits, targets, mask,
                    new TeacherTopK(index.toType(DataType.INT32, false), values, null, weights)))
                    .hasMessageContaining("logit index must be (M, K) int64");
            assertThatThrownBy(() -> renormalised.compute(logits, targets, mask,
                    new TeacherTopK(index, values, null, PositionShares.each(scope.ones(new Shape(3))))))
                    .hasMessageContaining("teacher shares must have shape (3, 1)");
            assertThatThrownBy(() -> tail.compute(logits, targets, mask,
                    new TeacherTopK(index, values, null, weights)))
                    .hasMessageContaining("tail loss needs the teacher's log-sum-exp");
            assertThat(renormalised.compute(logits, targets, mask, new TeacherTopK(index, values, null, weights))
                    .kd().getFloat()).isZero();
        }
    }

    @Test
    void shouldRefuseTailAtAnotherTeacherTemperature() {
        assertThatThrownBy(() -> new DistillationLoss(LossVariant.TAIL, KlDirection.REVERSE, 1, 1, 2, 1, 8))
                .hasMessageContaining("teacher temperature at 1, got 2.0")
                .hasMessageContaining("cached log-sum-exp");
        assertThatThrownBy(() -> new DistillationLoss(LossVariant.RENORMALISED, KlDirection.FORWARD, 1, 1, 0, 1, 2))
                .hasMessageContaining("temperatures");
        assertThat(new DistillationLoss(LossVariant.TAIL, KlDirection.REVERSE, 1, 1, 1, 3, 8).variant())
                .isEqualTo(LossVariant.TAIL);
    }
}
