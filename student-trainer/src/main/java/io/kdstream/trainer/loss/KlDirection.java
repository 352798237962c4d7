package io.kdstream.trainer.loss;

import ai.djl.ndarray.NDArray;
import io.kdstream.platform.config.ConfigNamed;

/** Which way the Kullback-Leibler divergence between teacher p and student q is taken. */
public enum KlDirection implements ConfigNamed {

    /** {@code KL(p || q) = sum p (log p - log q)}: mass-covering, NeMo's {@code fwd_kl}, the default. */
    FORWARD("forward") {
        @Override
        NDArray weightedDivergence(NDArray teacherLogP, NDArray studentLogQ, PositionShares shares) {
            // sum w p log p - sum w p log q: the first sum and the weights w p are the teacher's, which needs no
            // gradient, so the student's side is one dot product to differentiate (a third of the backward work of
            // the difference form at K=64)
            NDArray weightedP = shares.weigh(teacherLogP.exp());
            return shares.total(dot(weightedP, teacherLogP).sub(dot(weightedP, studentLogQ)));
        }
    },

    /** {@code KL(q || p) = sum q (log q - log p)}: mode-seeking, NeMo's {@code bwd_kl}. */
    REVERSE("reverse") {
        @Override
        NDArray weightedDivergence(NDArray teacherLogP, NDArray studentLogQ, PositionShares shares) {
            return shares.total(dot(shares.weigh(studentLogQ.exp()), studentLogQ.sub(teacherLogP)));
        }
    };

    private final String configName;

    KlDirection(String configName) {
        this.configName = configName;
    }

    /**
     * The divergence summed over the buckets (last axis) and over the positions, each position weighted.
     *
     * @param teacherLogP teacher log-probabilities (M,N), finite (see {@link TopKLogProbs})
     * @param studentLogQ student log-probabilities over the same buckets (M,N), finite
     * @param shares each position's weight
     * @return a scalar
     */
    abstract NDArray weightedDivergence(NDArray teacherLogP, NDArray studentLogQ, PositionShares shares);

    /** The sum of the element-wise product, as one op (a multiply and a sum are two, each with its backward). */
    private static NDArray dot(NDArray a, NDArray b) {
        return a.reshape(-1).dot(b.reshape(-1));
    }

    @Override
    public String configName() {
        return configName;
    }

    /** Reads a {@link #configName()}, ignoring case. */
    public static KlDirection parse(String name) {
        return ConfigNamed.parse(KlDirection.class, "KL direction", name);
    }

    @Override
    public String toString() {
        return configName;
    }
}
