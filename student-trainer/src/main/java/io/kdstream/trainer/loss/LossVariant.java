package io.kdstream.trainer.loss;

import java.util.Arrays;

/** How the teacher's top-K and the student's logits become two distributions to compare. */
public enum LossVariant {

    /**
     * NeMo-Aligner: both distributions are renormalised over the teacher's K entries, {@code p = softmax(a / tau_t)}
     * and {@code q = softmax(s[S] / tau_s)}. The stored log-sum-exp is not used. With K = 1 the KD term is 0.
     */
    RENORMALISED("renormalised"),

    /**
     * ModelOpt, Megatron-LM, DistillKit: {@code p_k = exp(a_k - LSE_teacher)} from the cached full-vocabulary
     * log-sum-exp, {@code q} from the student's full-vocabulary softmax at {@code tau_s}, and one more bucket on each
     * side for the mass outside the top-K. The cached log-sum-exp is at the temperature the teacher ran with, so the
     * teacher temperature must be 1 (the cached distribution as it is).
     */
    TAIL("tail"),

    /**
     * RS-KD (Anshumann et al., "Sparse Logit Sampling", ACL 2025, arXiv:2503.16870): the teacher's entries are tokens
     * sampled from a proposal, with {@code values - LSE_teacher = log ŵ_i}, their importance-weighted frequencies
     * ({@code SampledTokens}), which estimate the teacher's probabilities without bias. KD is
     * {@code sum_i ŵ_i (log ŵ_i - log q_i)} with {@code q} the student's full-vocabulary softmax at {@code tau_s} and
     * no bucket for the rest: its gradient {@code (sum ŵ) q - ŵ} equals forward KL's over the whole vocabulary,
     * {@code q - p}, in expectation over the draws. Forward KL only (reverse KL is not linear in the teacher's
     * probabilities), and teacher temperature 1 (the draws are of the distribution the teacher ran with).
     */
    SAMPLED("sampled");

    private final String configName;

    LossVariant(String configName) {
        this.configName = configName;
    }

    /** The name used in settings, checkpoint metadata and events. */
    public String configName() {
        return configName;
    }

    /** Reads a {@link #configName()}, ignoring case. */
    public static LossVariant parse(String name) {
        for (LossVariant variant : values()) {
            if (variant.configName.equalsIgnoreCase(name.trim())) {
                return variant;
            }
        }
        throw new IllegalArgumentException("unknown loss variant '" + name + "'; expected one of "
                + Arrays.stream(values()).map(LossVariant::configName).toList());
    }

    @Override
    public String toString() {
        return configName;
    }
}
