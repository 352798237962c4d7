package io.kdstream.trainer.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DistillationLossTest {

    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager("PyTorch");
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    /** Random inputs of one batch, in plain Java arrays. */
    private record Case(int batch, int positions, int vocabulary, int storedK, float[] logits, int[] targets,
                        float[] mask, float[] kdMask, int[] ids, float[] values) {

        static Case random(long seed, int batch, int positions, int vocabulary, int storedK) {
            Random random = new Random(seed);
            int rows = batch * positions;
            float[] logits = new float[rows * vocabulary];
            for (int i = 0; i < logits.length; i++) {
                logits[i] = (float) (random.nextGaussian() * 2);
            }
            int[] targets = new int[rows];
            float[] mask = new float[rows];
            float[] kdMask = new float[rows];
            int[] ids = new int[rows * storedK];
            float[] values = new float[rows * storedK];
            for (int b = 0; b < batch; b++) {
                int length = b == 0 ? positions : 1 + random.nextInt(positions); // row 0 full, others padded
                boolean hasTeacher = b != batch - 1; // the last row has no teacher logits
                for (int p = 0; p < positions; p++) {
                    int row = b * positions + p;
                    targets[row] = random.nextInt(vocabulary);
                    boolean real = p < length;
                    mask[row] = real && random.nextDouble() < 0.7 ? 1f : 0f; // zeros inside the row too
                    kdMask[row] = hasTeacher ? mask[row] : 0f;
                    // distinct ids in descending order of value
                    int[] permutation = random.ints(0, vocabulary).distinct().limit(storedK).toArray();
                    double[] sorted = random.doubles(storedK, -3, 6).sorted().toArray();
                    for (int r = 0; r < storedK; r++) {
                        ids[row * storedK + r] = permutation[r];
                        values[row * storedK + r] = (float) sorted[storedK - 1 - r];
                    }
                }
            }
            return new Case(batch, positions, vocabulary, storedK, logits, targets, mask, kdMask, ids, values);
        }
    }

    /** Independent reference in double precision, no DJL: returns {total, kd, ce}. */
    private static double[] reference(Case c, int topK, double teacherTemperature, double studentTemperature,
                                      double kdWeight, double sftWeight) {
        int k = Math.min(topK, c.storedK());
        double ceSum = 0;
        double maskSum = 0;
        double kdSum = 0;
        double kdMaskSum = 0;
        for (int row = 0; row < c.batch() * c.positions(); row++) {
            int offset = row * c.vocabulary();
            double max = Double.NEGATIVE_INFINITY;
            for (int v = 0; v < c.vocabulary(); v++) {
                max = Math.max(max, c.logits()[offset + v]);
            }
            double sum = 0;
            for (int v = 0; v < c.vocabulary(); v++) {
                sum += Math.exp(c.logits()[offset + v] - max);
            }
            double nll = -(c.logits()[offset + c.targets()[row]] - max - Math.log(sum));
            ceSum += c.mask()[row] * nll;
            maskSum += c.mask()[row];

            double[] a = new double[k];
            double[] s = new double[k];
            for (int r = 0; r < k; r++) {
                a[r] = c.values()[row * c.storedK() + r] / teacherTemperature;
                s[r] = c.logits()[offset + c.ids()[row * c.storedK() + r]] / studentTemperature;
            }
            double[] logP = logSoftmax(a);
            double[] logQ = logSoftmax(s);
            double kl = 0;
            for (int r = 0; r < k; r++) {
                kl += Math.exp(logP[r]) * (logP[r] - logQ[r]);
            }
            kdSum += c.kdMask()[row] * kl;
            kdMaskSum += c.kdMask()[row];
        }
        double ce = ceSum / Math.max(maskSum, 1);
        double kd = kdSum / Math.max(kdMaskSum, 1);
        return new double[] {kdWeight * kd + sftWeight * ce, kd, ce};
    }

    private static double[] logSoftmax(double[] x) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : x) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (double v : x) {
            sum += Math.exp(v - max);
        }
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] - max - Math.log(sum);
        }
        return out;
    }

    private static double[] djl(Case c, DistillationLoss loss, boolean withTeacher) {
        try (NDManager scope = manager.newSubManager()) {
            Shape positions = new Shape(c.batch(), c.positions());
            Shape teacher = positions.add(c.storedK());
            LossTerms terms = loss.compute(
                    scope.create(c.logits(), positions.add(c.vocabulary())),
                    scope.create(c.targets(), positions),
                    scope.create(c.mask(), positions),
                    withTeacher ? scope.create(c.ids(), teacher) : null,
                    withTeacher ? scope.create(c.values(), teacher) : null,
                    scope.create(c.kdMask(), positions));
            return new double[] {terms.total().getFloat(), terms.kd().getFloat(), terms.ce().getFloat()};
        }
    }

    @Test
    void shouldMatchPlainJavaReference() {
        long seed = 0;
        for (int vocabulary : new int[] {16, 32}) {
            for (int k : new int[] {1, 3, 8}) {
                for (int storedK : new int[] {k, 8}) {
                    double[][] temperatures = {{1, 1}, {2, 0.5}};
                    for (double[] t : temperatures) {
                        Case c = Case.random(seed++, 3, 7, vocabulary, storedK);
                        DistillationLoss loss = new DistillationLoss(0.7, 0.4, t[0], t[1], k);
                        double[] expected = reference(c, k, t[0], t[1], 0.7, 0.4);
                        double[] actual = djl(c, loss, true);
                        String label = "V=" + vocabulary + " K=" + k + " stored=" + storedK + " tau=" + t[0] + "/" + t[1];
                        assertThat(actual[0]).as("total " + label).isCloseTo(expected[0], within(1e-5));
                        assertThat(actual[1]).as("kd " + label).isCloseTo(expected[1], within(1e-5));
                        assertThat(actual[2]).as("ce " + label).isCloseTo(expected[2], within(1e-5));
                        if (k > 1) {
                            assertThat(actual[1]).as("kd " + label).isGreaterThan(1e-3);
                        }
                    }
                }
            }
        }
    }

    @Test
    void shouldGiveZeroKdForKEqualToOne() {
        Case c = Case.random(42, 2, 5, 32, 8);
        double[] values = djl(c, new DistillationLoss(1, 0.4, 1.3, 0.8, 1), true);
        assertThat(values[1]).isZero();
        assertThat(values[0]).isCloseTo(0.4 * values[2], within(1e-6));
    }

    @Test
    void shouldGiveZeroNotNanForFullyMaskedBatch() {
        Case c = Case.random(43, 2, 5, 16, 3);
        java.util.Arrays.fill(c.mask(), 0f);
        java.util.Arrays.fill(c.kdMask(), 0f);
        assertThat(djl(c, new DistillationLoss(1, 1, 1, 1, 3), true)).containsExactly(0, 0, 0);
    }

    @Test
    void shouldUseCrossEntropyOnlyWithoutTeacherLogits() {
        Case c = Case.random(44, 2, 5, 16, 3);
        double[] values = djl(c, new DistillationLoss(1, 0.5, 1, 1, 3), false);
        double[] expected = reference(c, 3, 1, 1, 1, 0.5);
        assertThat(values[1]).isZero();
        assertThat(values[2]).isCloseTo(expected[2], within(1e-5));
        assertThat(values[0]).isCloseTo(0.5 * expected[2], within(1e-5));
    }

    @Test
    void shouldHaveAnalyticGradient() {
        // d total / d s = w_sft (softmax(s) - onehot(target)) m / sum(m)  +  w_kd (q - p) / tau_s on S, m_kd / sum(m_kd)
        Case c = Case.random(45, 2, 4, 16, 5);
        double kdWeight = 0.8;
        double sftWeight = 0.3;
        double teacherTemperature = 1.5;
        double studentTemperature = 0.7;
        int k = 3;
        DistillationLoss loss = new DistillationLoss(kdWeight, sftWeight, teacherTemperature, studentTemperature, k);
        double[] gradient;
        try (NDManager scope = manager.newSubManager();
             GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            Shape positions = new Shape(c.batch(), c.positions());
            float[] logitsF = c.logits();
            double[] logitsD = new double[logitsF.length];
            for (int i = 0; i < logitsD.length; i++) {
                logitsD[i] = logitsF[i];
            }
            NDArray logits = scope.create(logitsD, positions.add(c.vocabulary()));
            logits.setRequiresGradient(true);
            LossTerms terms = loss.compute(logits, scope.create(c.targets(), positions),
                    scope.create(c.mask(), positions), scope.create(c.ids(), positions.add(c.storedK())),
                    scope.create(c.values(), positions.add(c.storedK())), scope.create(c.kdMask(), positions));
            assertThat(terms.total().getDataType()).isEqualTo(DataType.FLOAT64);
            collector.backward(terms.total());
            gradient = logits.getGradient().toDoubleArray();
        }

        double maskSum = 0;
        double kdMaskSum = 0;
        for (int row = 0; row < c.mask().length; row++) {
            maskSum += c.mask()[row];
            kdMaskSum += c.kdMask()[row];
        }
        int vocabulary = c.vocabulary();
        for (int row = 0; row < c.mask().length; row++) {
            double[] expected = new double[vocabulary];
            double[] s = new double[vocabulary];
            for (int v = 0; v < vocabulary; v++) {
                s[v] = c.logits()[row * vocabulary + v];
            }
            double[] logProbs = logSoftmax(s);
            for (int v = 0; v < vocabulary; v++) {
                expected[v] = sftWeight * c.mask()[row] / maskSum
                        * (Math.exp(logProbs[v]) - (v == c.targets()[row] ? 1 : 0));
            }
            double[] a = new double[k];
            double[] sk = new double[k];
            for (int r = 0; r < k; r++) {
                a[r] = c.values()[row * c.storedK() + r] / teacherTemperature;
                sk[r] = s[c.ids()[row * c.storedK() + r]] / studentTemperature;
            }
            double[] logP = logSoftmax(a);
            double[] logQ = logSoftmax(sk);
            for (int r = 0; r < k; r++) {
                expected[c.ids()[row * c.storedK() + r]] += kdWeight * c.kdMask()[row] / kdMaskSum
                        * (Math.exp(logQ[r]) - Math.exp(logP[r])) / studentTemperature;
            }
            for (int v = 0; v < vocabulary; v++) {
                assertThat(gradient[row * vocabulary + v]).as("row %d token %d", row, v)
                        .isCloseTo(expected[v], within(1e-6));
            }
        }
    }

    @Test
    void shouldRejectMismatchedShapes() {
        try (NDManager scope = manager.newSubManager()) {
            NDArray logits = scope.zeros(new Shape(2, 3, 8));
            NDArray targets = scope.zeros(new Shape(2, 3), DataType.INT32);
            NDArray mask = scope.ones(new Shape(2, 3));
            DistillationLoss loss = new DistillationLoss(1, 1, 1, 1, 2);
            assertThatThrownBy(() -> loss.compute(logits, scope.zeros(new Shape(2, 4), DataType.INT32), mask, null, null))
                    .hasMessageContaining("targets must have shape (2, 3)");
            assertThatThrownBy(() -> loss.compute(logits, targets, mask, scope.zeros(new Shape(2, 3, 2), DataType.INT32),
                    scope.zeros(new Shape(2, 3, 3)))).hasMessageContaining("teacher values");
            assertThatThrownBy(() -> loss.compute(logits, targets, mask, scope.zeros(new Shape(2, 3, 2)), null))
                    .hasMessageContaining("together");
        }
        assertThatThrownBy(() -> new DistillationLoss(1, 1, 0, 1, 2)).hasMessageContaining("temperatures");
    }
}
