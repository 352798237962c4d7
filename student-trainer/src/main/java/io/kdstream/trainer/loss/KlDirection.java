package io.kdstream.trainer.loss;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;

/** Which way the Kullback-Leibler divergence between teacher p and student q is taken. */
public enum KlDirection {

    /** {@code KL(p || q) = sum p (log p - log q)}: mass-covering, NeMo's {@code fwd_kl}, the default. */
    FORWARD("forward") {
        @Override
        NDArray divergence(NDArray teacherLogP, NDArray studentLogQ) {
            return teacherLogP.exp().mul(teacherLogP.sub(studentLogQ)).sum(LAST_AXIS);
        }
    },

    /** {@code KL(q || p) = sum q (log q - log p)}: mode-seeking, NeMo's {@code bwd_kl}. */
    REVERSE("reverse") {
        @Override
        NDArray divergence(NDArray teacherLogP, NDArray studentLogQ) {
            return studentLogQ.exp().mul(studentLogQ.sub(teacherLogP)).sum(LAST_AXIS);
        }
    };

    private static final int[] LAST_AXIS = {-1};

    private final String configName;

    KlDirection(String configName) {
        this.configName = configName;
    }

    /**
     * The divergence of each position, summed over the last axis (the buckets).
     *
     * @param teacherLogP teacher log-probabilities, finite (see {@link TopKLogProbs})
     * @param studentLogQ student log-probabilities over the same buckets, finite
     */
    abstract NDArray divergence(NDArray teacherLogP, NDArray studentLogQ);

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
