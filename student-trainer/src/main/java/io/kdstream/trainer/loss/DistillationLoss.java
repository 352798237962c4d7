package io.kdstream.trainer.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.kdstream.model.djl.Scalars;

/**
 * NeMo-Aligner's top-K logit distillation loss, {@code total = w_kd * KD + w_sft * CE}.
 *
 * <p>KD is the {@code renormalised} forward KL over the teacher's top-K tokens S at each position: with teacher raw
 * logits a and student logits s, {@code p = softmax(a / tau_t)} and {@code q = softmax(s[S] / tau_s)}, both over the K
 * entries only, and {@code KD = sum_S p (log p - log q)}. No {@code tau^2} factor is applied. With K = 1 both
 * distributions are a single entry of probability 1, so KD is identically 0.
 *
 * <p>CE is the usual next-token cross-entropy over the full vocabulary at temperature 1. Both terms are averaged over
 * the loss-masked positions (mask sum, at least 1, so a fully masked batch gives 0, not NaN).
 *
 * <p>Every scalar here is a torch-owned 0-d array ({@link Scalars}), never {@code NDArray.mul/div(Number)}: DJL 0.36
 * frees those numbers before autograd's backward pass reads them.
 *
 * <p>Shapes: student logits (B,P,V) for P prediction positions (position p predicts token p+1), targets (B,P) int,
 * masks (B,P) float, teacher ids (B,P,K) int32/int64 and values (B,P,K) float, in descending order of value. When
 * the stored K is larger than the configured {@code topK}, the first {@code topK} entries are used.
 */
public final class DistillationLoss {

    /** The loss variant, as recorded in checkpoint metadata. */
    public static final String VARIANT = "renormalised";

    private final double kdWeight;
    private final double sftWeight;
    private final double teacherTemperature;
    private final double studentTemperature;
    private final int topK;

    public DistillationLoss(double kdWeight, double sftWeight, double teacherTemperature, double studentTemperature,
                            int topK) {
        if (kdWeight < 0 || sftWeight < 0 || !Double.isFinite(kdWeight) || !Double.isFinite(sftWeight)) {
            throw new IllegalArgumentException("loss weights must be finite and >= 0, got kd=" + kdWeight
                    + ", sft=" + sftWeight);
        }
        if (!(teacherTemperature > 0) || !(studentTemperature > 0)) {
            throw new IllegalArgumentException("temperatures must be > 0, got teacher=" + teacherTemperature
                    + ", student=" + studentTemperature);
        }
        if (topK < 1) {
            throw new IllegalArgumentException("topK must be >= 1, got " + topK);
        }
        this.kdWeight = kdWeight;
        this.sftWeight = sftWeight;
        this.teacherTemperature = teacherTemperature;
        this.studentTemperature = studentTemperature;
        this.topK = topK;
    }

    /** KD over the same positions as CE. Teacher ids and values may both be null (then KD is 0). */
    public LossTerms compute(NDArray studentLogits, NDArray targets, NDArray lossMask, NDArray teacherIds,
                             NDArray teacherValues) {
        return compute(studentLogits, targets, lossMask, teacherIds, teacherValues, lossMask);
    }

    /**
     * KD over the positions of {@code kdMask}, CE over those of {@code lossMask}: in a batch that mixes examples with
     * and without teacher logits, {@code kdMask} is the loss mask of the rows that have them and 0 elsewhere.
     */
    public LossTerms compute(NDArray studentLogits, NDArray targets, NDArray lossMask, NDArray teacherIds,
                             NDArray teacherValues, NDArray kdMask) {
        Shape logitsShape = studentLogits.getShape();
        if (logitsShape.dimension() != 3) {
            throw new IllegalArgumentException("student logits must be (batch, positions, vocabulary), got " + logitsShape);
        }
        Shape positions = logitsShape.slice(0, 2);
        requireShape("targets", targets, positions);
        requireShape("loss mask", lossMask, positions);
        if ((teacherIds == null) != (teacherValues == null)) {
            throw new IllegalArgumentException("teacher ids and values must be given together");
        }

        NDManager manager = studentLogits.getManager();
        DataType type = studentLogits.getDataType();
        NDArray one = Scalars.scalar(manager, 1, type);

        NDArray ce = crossEntropy(studentLogits, targets, lossMask.toType(type, false), one);
        NDArray kd;
        if (teacherIds == null) {
            kd = manager.zeros(new Shape(), type);
        } else {
            requireShape("kd mask", kdMask, positions);
            kd = renormalisedForwardKl(studentLogits, teacherIds, teacherValues, kdMask.toType(type, false), one);
        }
        NDArray total = kd.mul(Scalars.scalar(manager, kdWeight, type))
                .add(ce.mul(Scalars.scalar(manager, sftWeight, type)));
        return new LossTerms(total, kd, ce);
    }

    private static NDArray crossEntropy(NDArray logits, NDArray targets, NDArray mask, NDArray one) {
        NDArray targetIndex = targets.toType(DataType.INT64, false).expandDims(-1);
        NDArray negativeLogLikelihood = logits.logSoftmax(-1).gather(targetIndex, -1).squeeze(-1).neg();
        return maskedMean(negativeLogLikelihood, mask, one);
    }

    private NDArray renormalisedForwardKl(NDArray logits, NDArray teacherIds, NDArray teacherValues, NDArray mask,
                                          NDArray one) {
        Shape idShape = teacherIds.getShape();
        if (idShape.dimension() != 3 || !idShape.slice(0, 2).equals(logits.getShape().slice(0, 2))) {
            throw new IllegalArgumentException("teacher ids must be (batch, positions, K) matching the logits, got "
                    + idShape + " for logits " + logits.getShape());
        }
        requireShape("teacher values", teacherValues, idShape);
        long k = Math.min(topK, idShape.get(2));
        NDManager manager = logits.getManager();
        DataType type = logits.getDataType();

        // the list is in descending order, so its first k entries are the teacher's top k
        NDArray ids = teacherIds.get("..., :{}", k).toType(DataType.INT64, false);
        NDArray values = teacherValues.get("..., :{}", k).toType(type, false);

        NDArray teacherLogProbs = values.div(Scalars.scalar(manager, teacherTemperature, type)).logSoftmax(-1);
        NDArray studentLogProbs = logits.gather(ids, -1)
                .div(Scalars.scalar(manager, studentTemperature, type)).logSoftmax(-1);
        NDArray perPosition = teacherLogProbs.exp().mul(teacherLogProbs.sub(studentLogProbs)).sum(new int[] {-1});
        return maskedMean(perPosition, mask, one);
    }

    /** Sum of {@code values * mask} over the mask sum, with the denominator at least 1 (0, not NaN, if all masked). */
    private static NDArray maskedMean(NDArray values, NDArray mask, NDArray one) {
        return values.mul(mask).sum().div(mask.sum().maximum(one));
    }

    private static void requireShape(String name, NDArray array, Shape expected) {
        if (array == null || !array.getShape().equals(expected)) {
            throw new IllegalArgumentException(name + " must have shape " + expected + ", got "
                    + (array == null ? "null" : array.getShape()));
        }
    }

    public double kdWeight() {
        return kdWeight;
    }

    public double sftWeight() {
        return sftWeight;
    }

    public int topK() {
        return topK;
    }
}
