package io.kdstream.trainer.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.kdstream.model.djl.Scalars;

/**
 * Top-K logit distillation, {@code total = w_kd * KD + w_sft * CE}, NeMo-Aligner's independent weights.
 *
 * <p>KD compares the teacher's and the student's distributions over the teacher's top-K tokens S at each position,
 * in the form of the {@link LossVariant} (renormalised over S, or exact over S plus a bucket for the rest) and the
 * direction of the {@link KlDirection} (forward by default). No {@code tau^2} factor is applied. When the teacher
 * stored more entries than the configured {@code topK}, the first {@code topK} (its largest) are used.
 *
 * <p>CE is the usual next-token cross-entropy over the full vocabulary at temperature 1. Both terms are averaged over
 * their masked positions (mask sum, at least 1, so a fully masked batch gives 0, not NaN, and zero gradients).
 *
 * <p>Every scalar here is a torch-owned 0-d array ({@link Scalars}), never {@code NDArray.mul/div(Number)}: DJL 0.36
 * frees those numbers before autograd's backward pass reads them.
 *
 * <p>Shapes: student logits (B,P,V) for P prediction positions (position p predicts token p+1), targets (B,P) int,
 * loss mask (B,P) float; the teacher's side is a {@link TeacherTopK}.
 */
public final class DistillationLoss {

    private final LossVariant variant;
    private final KlDirection direction;
    private final double kdWeight;
    private final double sftWeight;
    private final double teacherTemperature;
    private final double studentTemperature;
    private final int topK;

    public DistillationLoss(LossVariant variant, KlDirection direction, double kdWeight, double sftWeight,
                            double teacherTemperature, double studentTemperature, int topK) {
        if (variant == null || direction == null) {
            throw new IllegalArgumentException("loss variant and KL direction are required");
        }
        if (kdWeight < 0 || sftWeight < 0 || !Double.isFinite(kdWeight) || !Double.isFinite(sftWeight)) {
            throw new IllegalArgumentException("loss weights must be finite and >= 0, got kd=" + kdWeight
                    + ", sft=" + sftWeight);
        }
        if (!(teacherTemperature > 0) || !(studentTemperature > 0)
                || !Double.isFinite(teacherTemperature) || !Double.isFinite(studentTemperature)) {
            throw new IllegalArgumentException("temperatures must be finite and > 0, got teacher=" + teacherTemperature
                    + ", student=" + studentTemperature);
        }
        String problem = variant.problem(direction, teacherTemperature);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        if (topK < 1) {
            throw new IllegalArgumentException("topK must be >= 1, got " + topK);
        }
        this.variant = variant;
        this.direction = direction;
        this.kdWeight = kdWeight;
        this.sftWeight = sftWeight;
        this.teacherTemperature = teacherTemperature;
        this.studentTemperature = studentTemperature;
        this.topK = topK;
    }

    /**
     * The loss of one batch.
     *
     * @param teacher the teacher's top-K at the positions KD is trained on, or null for a batch without teacher
     *     logits (KD is then 0)
     */
    public LossTerms compute(NDArray studentLogits, NDArray targets, NDArray lossMask, TeacherTopK teacher) {
        Shape logitsShape = studentLogits.getShape();
        if (logitsShape.dimension() != 3) {
            throw new IllegalArgumentException("student logits must be (batch, positions, vocabulary), got " + logitsShape);
        }
        Shape positions = logitsShape.slice(0, 2);
        requireShape("targets", targets, positions);
        requireShape("loss mask", lossMask, positions);

        NDManager manager = studentLogits.getManager();
        DataType type = studentLogits.getDataType();
        NDArray one = Scalars.scalar(manager, 1, type);

        NDArray logProbs = studentLogits.logSoftmax(-1);
        NDArray ce = maskedMean(negativeLogLikelihood(logProbs, targets), lossMask.toType(type, false), one);
        if (teacher == null) {
            // no KD term in the graph at all: a batch without teacher logits costs what plain SFT costs
            return new LossTerms(weighted(ce, sftWeight), manager.zeros(new Shape(), type), ce);
        }
        NDArray kd = divergence(studentLogits, logProbs, teacher);
        return new LossTerms(weighted(kd, kdWeight).add(weighted(ce, sftWeight)), kd, ce);
    }

    private static NDArray negativeLogLikelihood(NDArray logProbs, NDArray targets) {
        NDArray targetIndex = targets.toType(DataType.INT64, false).expandDims(-1);
        return logProbs.gather(targetIndex, -1).squeeze(-1).neg();
    }

    /**
     * KD, the sum over the teacher's positions weighted by their shares. The student's values of the top-K entries
     * come in one {@code take} from the (B,P,V) logits; {@code logProbs} is the CE's log-softmax, reused by the tail form at
     * tau_s = 1.
     */
    private NDArray divergence(NDArray logits, NDArray logProbs, TeacherTopK teacher) {
        Shape logitsShape = logits.getShape();
        long k = validate(teacher, logitsShape);
        DataType type = logits.getDataType();
        NDArray index = firstEntries(teacher.logitIndex(), k);
        NDArray values = firstEntries(teacher.values(), k).toType(type, false);
        TopKLogProbs buckets = switch (variant) {
            case RENORMALISED -> TopKLogProbs.renormalised(logits.take(index), values, teacherTemperature,
                    studentTemperature);
            case TAIL, SAMPLED -> TopKLogProbs.tail((studentTemperature == 1 ? logProbs
                            : logits.div(Scalars.scalarLike(logits, studentTemperature)).logSoftmax(-1)).take(index),
                    values, teacher.logSumExp().toType(type, false), variant.hasTailBucket() && k != logitsShape.get(2));
        };
        return buckets.weightedDivergence(direction, teacher.shares());
    }

    /** Checks the teacher's shapes against the logits; returns the K used, at most {@code topK}. */
    private long validate(TeacherTopK teacher, Shape logitsShape) {
        Shape indexShape = teacher.logitIndex() == null ? null : teacher.logitIndex().getShape();
        if (indexShape == null || indexShape.dimension() != 2 || teacher.logitIndex().getDataType() != DataType.INT64) {
            throw new IllegalArgumentException("the teacher's logit index must be (M, K) int64, got " + indexShape
                    + (indexShape == null ? "" : " " + teacher.logitIndex().getDataType()));
        }
        Shape positions = indexShape.slice(0, 1);
        requireShape("teacher values", teacher.values(), indexShape);
        if (teacher.shares() == null) {
            throw new IllegalArgumentException("the teacher's position shares are required");
        }
        if (teacher.shares().each() != null) {
            requireShape("teacher shares", teacher.shares().each(), positions.add(1));
        }
        if (variant.usesLogSumExp()) {
            if (teacher.logSumExp() == null) {
                throw new IllegalArgumentException("the " + variant + " loss needs the teacher's log-sum-exp, and none was given"
                        + " (records that carry log-probabilities have none; use the renormalised loss for them)");
            }
            requireShape("teacher log-sum-exp", teacher.logSumExp(), positions);
        }
        long k = Math.min(topK, indexShape.get(1));
        if (k > logitsShape.get(2)) {
            throw new IllegalArgumentException("the teacher gives " + k + " entries a position, more than the student's"
                    + " vocabulary of " + logitsShape.get(2));
        }
        return k;
    }

    /** The first {@code k} entries of each position: the list is in descending order, so the teacher's top k. */
    private static NDArray firstEntries(NDArray entries, long k) {
        return entries.getShape().get(1) == k ? entries : entries.get(":, :{}", k);
    }

    /** Sum of {@code values * mask} over the mask sum, with the denominator at least 1 (0, not NaN, if all masked). */
    private static NDArray maskedMean(NDArray values, NDArray mask, NDArray one) {
        return values.mul(mask).sum().div(mask.sum().maximum(one));
    }

    /** {@code term * weight}; at weight 1 no op at all (it would not change a bit). */
    private static NDArray weighted(NDArray term, double weight) {
        return weight == 1 ? term : term.mul(Scalars.scalarLike(term, weight));
    }

    private static void requireShape(String name, NDArray array, Shape expected) {
        if (array == null || !array.getShape().equals(expected)) {
            throw new IllegalArgumentException(name + " must have shape " + expected + ", got "
                    + (array == null ? "null" : array.getShape()));
        }
    }

    public LossVariant variant() {
        return variant;
    }

    public KlDirection direction() {
        return direction;
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
