package io.kdstream.trainer.loss;

import ai.djl.ndarray.NDArray;
import io.kdstream.model.djl.Scalars;

/**
 * Teacher and student log-probabilities over the same buckets at M positions: the teacher's K entries (M,K),
 * and for {@link LossVariant#TAIL} one more bucket (M,1) for the mass outside them.
 *
 * <p>Every log-probability is finite, so {@code p (log p - log q)} never meets {@code 0 * -inf}:
 * <ul>
 *   <li>teacher top-K log-probabilities are at least {@link #LOG_FLOOR}: a -inf teacher value counts as a probability
 *       of {@code FLT_MIN}. In forward KL such an entry contributes about 1e-36; in reverse KL it costs 87.3 nats per
 *       unit of student mass (the exact value is infinite).
 *   <li>a tail bucket's mass is {@code 1 - sum} of the K probabilities, which float32 resolves only to about 1e-7
 *       (the cached values and log-sum-exp are float32 too), so on both sides it counts as at least
 *       {@link #OUTSIDE_FLOOR}. Below that the bucket's result would be rounding noise; at it, a teacher with nothing
 *       outside its top-K costs the student 13.8 nats per unit of mass it puts there in reverse KL, a bucket below
 *       the floor on both sides contributes 0, and a student bucket below it passes no gradient.
 * </ul>
 *
 * @param teacher teacher log-probabilities of the top-K entries
 * @param student student log-probabilities of the same entries
 * @param teacherOutside teacher log-probability of the tokens outside the top-K, or null when there is no such bucket
 * @param studentOutside student log-probability of the tokens outside the top-K, or null
 */
record TopKLogProbs(NDArray teacher, NDArray student, NDArray teacherOutside, NDArray studentOutside) {

    /** {@code ln(FLT_MIN)}: the smallest normal float32 probability, in log space. */
    static final double LOG_FLOOR = Math.log(Float.MIN_NORMAL);

    /** The least probability of a tail bucket: above the float32 rounding noise of {@code 1 - sum p}. */
    static final double OUTSIDE_FLOOR = 1e-6;

    /** The divergence over all buckets, summed over the positions with their shares. */
    NDArray weightedDivergence(KlDirection direction, PositionShares shares) {
        NDArray topK = direction.weightedDivergence(teacher, student, shares);
        return teacherOutside == null ? topK
                : topK.add(direction.weightedDivergence(teacherOutside, studentOutside, shares));
    }

    /**
     * NeMo-Aligner's form: softmax over the K entries on both sides.
     *
     * @param studentLogits the student's logits of the teacher's top-K entries (M,K)
     * @param teacherValues the teacher's logits of those entries (M,K)
     */
    static TopKLogProbs renormalised(NDArray studentLogits, NDArray teacherValues, double teacherTemperature,
                                     double studentTemperature) {
        NDArray teacherLogP = floored(scaled(teacherValues, teacherTemperature).logSoftmax(-1));
        NDArray studentLogQ = scaled(studentLogits, studentTemperature).logSoftmax(-1);
        return new TopKLogProbs(teacherLogP, studentLogQ, null, null);
    }

    /**
     * ModelOpt's form: the teacher's exact top-K probabilities from its log-sum-exp, the student's from its
     * full-vocabulary log-softmax, and the rest of each distribution as one bucket.
     *
     * @param studentLogProbs the student's full-vocabulary log-probabilities of the top-K entries (M,K)
     * @param teacherValues the teacher's logits of those entries (M,K)
     * @param teacherLogSumExp the teacher's full-vocabulary log-sum-exp (M)
     * @param outsideBucket whether to add the bucket of the rest: not when the K entries are the whole vocabulary
     *     (nothing lies outside them), nor for {@link LossVariant#SAMPLED} entries, whose weights estimate the
     *     teacher's probabilities one by one
     */
    static TopKLogProbs tail(NDArray studentLogProbs, NDArray teacherValues, NDArray teacherLogSumExp,
                             boolean outsideBucket) {
        NDArray teacherLogP = floored(teacherValues.sub(teacherLogSumExp.expandDims(-1)));
        if (!outsideBucket) {
            return new TopKLogProbs(teacherLogP, studentLogProbs, null, null);
        }
        return new TopKLogProbs(teacherLogP, studentLogProbs, outside(teacherLogP), outside(studentLogProbs));
    }

    /** {@code log(1 - sum exp(logP))} over the last axis, kept as (M,1), with the mass at least the floor. */
    private static NDArray outside(NDArray logP) {
        NDArray inside = logP.exp().sum(new int[] {-1}, true);
        return Scalars.scalarLike(logP, 1).sub(inside).maximum(Scalars.scalarLike(logP, OUTSIDE_FLOOR)).log();
    }

    private static NDArray floored(NDArray logP) {
        return logP.maximum(Scalars.scalarLike(logP, LOG_FLOOR));
    }

    /** {@code x / temperature}; at temperature 1 no op at all (it would not change a bit). */
    private static NDArray scaled(NDArray x, double temperature) {
        return temperature == 1 ? x : x.div(Scalars.scalarLike(x, temperature));
    }
}
