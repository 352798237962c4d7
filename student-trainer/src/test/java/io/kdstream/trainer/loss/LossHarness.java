package io.kdstream.trainer.loss;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Runs {@link DistillationLoss} on a {@link KdCase} and brings the results back as Java numbers. */
final class LossHarness {

    /** {total, kd, ce} and the gradient of total with respect to the student logits. */
    record Evaluation(double[] values, double[] gradient) {
    }

    private LossHarness() {
    }

    static DistillationLoss loss(ReferenceLoss.Settings s) {
        return new DistillationLoss(s.variant(), s.direction(), s.kdWeight(), s.sftWeight(), s.teacherTemperature(),
                s.studentTemperature(), s.topK());
    }

    /**
     * @param type FLOAT32 as in training, or FLOAT64 for gradient checks
     * @param withTeacher false to call the loss without teacher logits
     */
    static Evaluation evaluate(NDManager manager, KdCase c, ReferenceLoss.Settings s, DataType type,
                               boolean withTeacher) {
        return evaluate(manager, c, s, type, withTeacher ? Positions.WEIGHTED : Positions.NONE);
    }

    /** Which of a case's positions the teacher's side lists. */
    enum Positions {
        /** none: a batch without teacher logits */
        NONE,
        /** those with a KD weight, as the trainer's batches list them */
        WEIGHTED,
        /** every position, weight 0 or not, in reverse order: the loss must not depend on the listing */
        ALL_REVERSED
    }

    static Evaluation evaluate(NDManager manager, KdCase c, ReferenceLoss.Settings s, DataType type,
                               Positions listed) {
        try (NDManager scope = manager.newSubManager();
             GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            Shape positions = new Shape(c.batch(), c.positions());
            NDArray logits = type == DataType.FLOAT64
                    ? scope.create(c.logits(), positions.add(c.vocabulary()))
                    : scope.create(c.logitsAsFloats(), positions.add(c.vocabulary()));
            logits.setRequiresGradient(true);
            LossTerms terms = loss(s).compute(logits, scope.create(c.targets(), positions),
                    scope.create(c.mask(), positions), listed == Positions.NONE ? null : teacher(scope, c, listed));
            double[] values = {
                terms.total().toType(DataType.FLOAT64, false).getDouble(),
                terms.kd().toType(DataType.FLOAT64, false).getDouble(),
                terms.ce().toType(DataType.FLOAT64, false).getDouble()
            };
            collector.backward(terms.total());
            return new Evaluation(values, logits.getGradient().toType(DataType.FLOAT64, false).toDoubleArray());
        }
    }

    private static TeacherTopK teacher(NDManager scope, KdCase c, Positions listed) {
        List<Integer> rows = new ArrayList<>();
        for (int row = 0; row < c.kdMask().length; row++) {
            if (listed == Positions.ALL_REVERSED || c.kdMask()[row] != 0) {
                rows.add(row);
            }
        }
        if (listed == Positions.ALL_REVERSED) {
            Collections.reverse(rows);
        }
        int k = c.storedK();
        long[] index = new long[rows.size() * k];
        float[] values = new float[rows.size() * k];
        float[] logSumExp = new float[rows.size()];
        float[] weights = new float[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            int row = rows.get(i);
            for (int r = 0; r < k; r++) {
                index[i * k + r] = TeacherTopK.logitIndex(row, c.ids()[row * k + r], c.vocabulary());
            }
            System.arraycopy(c.values(), row * k, values, i * k, k);
            logSumExp[i] = c.logSumExp()[row];
            weights[i] = c.kdMask()[row];
        }
        Shape listedShape = new Shape(rows.size());
        return new TeacherTopK(scope.create(index, listedShape.add(k)), scope.create(values, listedShape.add(k)),
                scope.create(logSumExp, listedShape),
                PositionShares.of(weights, shares -> scope.create(shares, listedShape.add(1))));
    }
}
