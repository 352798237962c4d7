package io.kdstream.trainer.loss;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;

/** Which way the Kullback-Leibler divergence between teacher p and student q is taken. */
public enum KlDirection {

    /** {@code KL(p || q) = sum p (log p - log q)}: mass-covering, NeMo's {@code fwd_kl}, the default. */
    FORWARD("forward") {
        @Override
        NDArray weightedDivergence(NDArray teacherLogP, NDArray studentLogQ, NDArray weights) {
            // sum w p log p - sum w p log q: the first sum and the weights w p are the teacher's, which needs no
            // gradient, so the student's side is one product and one sum to differentiate (a third of the backward
            // work of the difference form at K=64)
            NDArray weightedP = teacherLogP.exp().mul(weights);
            return weightedP.mul(teacherLogP).sum().sub(weightedP.mul(studentLogQ).sum());
        }
    },

    /** {@code KL(q || p) = sum q (log q - log p)}: mode-seeking, NeMo's {@code bwd_kl}. */
    REVERSE("reverse") {
        @Override
        NDArray weightedDivergence(NDArray teacherLogP, NDArray studentLogQ, NDArray weights) {
            return studentLogQ.exp().mul(studentLogQ.sub(teacherLogP)).mul(weights).sum();
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
     * @param weights each position's weight (M,1)
     * @return a scalar
     */
    abstract NDArray weightedDivergence(NDArray teacherLogP, NDArray studentLogQ, NDArray weights);

    /** The name used in settings, checkpoint metadata and events. */
    public String configName() {
        return configName;
    }

    /** Reads a {@link #configName()}, ignoring case. */
    public static KlDirection parse(String name) {
        for (KlDirection direction : values()) {
            if (direction.configName.equalsIgnoreCase(name.trim())) {
                return direction;
            }
        }
        throw new IllegalArgumentException("unknown KL direction '" + name + "'; expected one of "
                + Arrays.stream(values()).map(KlDirection::configName).toList());
    }

    @Override
    public String toString() {
        return configName;
    }
}
