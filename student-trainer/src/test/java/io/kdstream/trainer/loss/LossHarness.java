package io.kdstream.trainer.loss;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

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
        try (NDManager scope = manager.newSubManager();
             GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            Shape positions = new Shape(c.batch(), c.positions());
            Shape teacherShape = positions.add(c.storedK());
            NDArray logits = type == DataType.FLOAT64
                    ? scope.create(c.logits(), positions.add(c.vocabulary()))
                    : scope.create(c.logitsAsFloats(), positions.add(c.vocabulary()));
            logits.setRequiresGradient(true);
            TeacherTopK teacher = withTeacher
                    ? new TeacherTopK(scope.create(c.ids(), teacherShape), scope.create(c.values(), teacherShape),
                            scope.create(c.logSumExp(), positions), scope.create(c.kdMask(), positions))
                    : null;
            LossTerms terms = loss(s).compute(logits, scope.create(c.targets(), positions),
                    scope.create(c.mask(), positions), teacher);
            double[] values = {
                terms.total().toType(DataType.FLOAT64, false).getDouble(),
                terms.kd().toType(DataType.FLOAT64, false).getDouble(),
                terms.ce().toType(DataType.FLOAT64, false).getDouble()
            };
            collector.backward(terms.total());
            return new Evaluation(values, logits.getGradient().toType(DataType.FLOAT64, false).toDoubleArray());
        }
    }
}
