package io.kdstream.trainer.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Inputs at the edges: K = V, ties, -inf and huge values, logits of +-1e4. Float32, as in training. */
class DistillationLossEdgeCaseTest {

    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager("PyTorch");
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    private static List<ReferenceLoss.Settings> everyForm(int topK, double studentTemperature) {
        List<ReferenceLoss.Settings> forms = new ArrayList<>();
        for (LossVariant variant : LossVariant.values()) {
            for (KlDirection direction : KlDirection.values()) {
                // the sampled form is forward only; its values, log-weights, meet the same extremes
                if (variant != LossVariant.SAMPLED || direction == KlDirection.FORWARD) {
                    forms.add(new ReferenceLoss.Settings(variant, direction, 1, studentTemperature, 0.7, 0.4, topK));
                }
            }
        }
        return forms;
    }

    private static void assertMatchesReference(KdCase c, ReferenceLoss.Settings s, double tolerance) {
        LossHarness.Evaluation evaluation = LossHarness.evaluate(manager, c, s, DataType.FLOAT32, true);
        double[] expected = ReferenceLoss.of(c, s);
        for (int i = 0; i < 3; i++) {
            assertThat(evaluation.values()[i]).as("term %d of %s", i, s).isCloseTo(expected[i], within(tolerance));
        }
        assertFinite(evaluation, s);
    }

    private static void assertFinite(LossHarness.Evaluation evaluation, ReferenceLoss.Settings s) {
        assertThat(Arrays.stream(evaluation.values()).allMatch(Double::isFinite)).as("finite loss of %s", s).isTrue();
        assertThat(Arrays.stream(evaluation.gradient()).allMatch(Double::isFinite)).as("finite gradient of %s", s)
                .isTrue();
    }

    @Test
    void shouldAgreeAcrossVariantsWhenKIsTheWholeVocabulary() {
        KdCase c = KdCase.random(7, 3, 6, 16, 16);
        for (double studentTemperature : new double[] {1, 0.7}) {
            for (KlDirection direction : KlDirection.values()) {
                ReferenceLoss.Settings renormalised = new ReferenceLoss.Settings(LossVariant.RENORMALISED, direction,
                        1, studentTemperature, 0.7, 0.4, 16);
                ReferenceLoss.Settings tail = new ReferenceLoss.Settings(LossVariant.TAIL, direction,
                        1, studentTemperature, 0.7, 0.4, 16);
                LossHarness.Evaluation a = LossHarness.evaluate(manager, c, renormalised, DataType.FLOAT32, true);
                LossHarness.Evaluation b = LossHarness.evaluate(manager, c, tail, DataType.FLOAT32, true);
                assertThat(a.values()[1]).as("%s", direction).isGreaterThan(1e-2)
                        .isCloseTo(b.values()[1], within(1e-5));
                for (int i = 0; i < a.gradient().length; i++) {
                    assertThat(a.gradient()[i]).as("%s logit %d", direction, i)
                            .isCloseTo(b.gradient()[i], within(1e-6));
                }
                assertMatchesReference(c, renormalised, 1e-5);
                assertMatchesReference(c, tail, 1e-5);
            }
        }
    }

    @Test
    void shouldMatchTheReferenceWithTiedTeacherValues() {
        // few distinct values, so ties fill the top-K and straddle its boundary
        KdCase c = KdCase.of(8, 3, 6, 16, 8, 2, (random, vocabulary) -> {
            double[] row = new double[vocabulary];
            for (int v = 0; v < vocabulary; v++) {
                row[v] = random.nextInt(3);
            }
            return row;
        });
        for (ReferenceLoss.Settings s : everyForm(5, 0.8)) {
            assertMatchesReference(c, s, 1e-5);
        }
    }

    @Test
    void shouldStayFiniteAndExactWithVeryNegativeOrInfiniteTeacherValues() {
        // 5 ordinary logits, 4 at -1e30, the rest -inf: the top 12 hold both kinds of extreme
        KdCase c = KdCase.of(9, 3, 6, 16, 12, 2, (random, vocabulary) -> {
            double[] row = new double[vocabulary];
            for (int v = 0; v < vocabulary; v++) {
                row[v] = v < 5 ? 3 * random.nextGaussian() : v < 9 ? -1e30 : Double.NEGATIVE_INFINITY;
            }
            return row;
        });
        assertThat(c.values()).contains(Float.NEGATIVE_INFINITY, -1e30f);
        for (int k : new int[] {8, 12}) {
            for (ReferenceLoss.Settings s : everyForm(k, 1)) {
                assertMatchesReference(c, s, 1e-5);
            }
        }
    }

    @Test
    void shouldStayFiniteWithLogitsOfTenThousand() {
        KdCase c = KdCase.of(10, 3, 6, 32, 8, 1, (random, vocabulary) -> {
            double[] row = new double[vocabulary];
            for (int v = 0; v < vocabulary; v++) {
                row[v] = (float) (1e4 * (2 * random.nextDouble() - 1));
            }
            return row;
        });
        double[] huge = new double[c.logits().length];
        Random random = new Random(11);
        for (int i = 0; i < huge.length; i++) {
            huge[i] = (float) (1e4 * (2 * random.nextDouble() - 1));
        }
        KdCase extreme = c.withLogits(huge);
        for (ReferenceLoss.Settings s : everyForm(8, 1)) {
            LossHarness.Evaluation evaluation = LossHarness.evaluate(manager, extreme, s, DataType.FLOAT32, true);
            assertFinite(evaluation, s);
            double[] expected = ReferenceLoss.of(extreme, s);
            for (int i = 0; i < 3; i++) {
                // float32 resolves 1e4 to about 1e-3: agreement is relative here
                assertThat(evaluation.values()[i]).as("term %d of %s", i, s)
                        .isCloseTo(expected[i], within(1e-5 * Math.max(1, Math.abs(expected[i]))));
            }
        }
    }
}
