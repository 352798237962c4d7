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

    /**
     * Whether the teacher's probabilities come from the cached full-vocabulary log-sum-exp (or sampled weights), not
     * from renormalising the K entries: such records must carry it.
     */
    public boolean usesLogSumExp() {
        return this != RENORMALISED;
    }

    /** Whether the mass outside the K entries is one more bucket on each side (the sampled variant has none). */
    public boolean hasTailBucket() {
        return this == TAIL;
    }

    /**
     * Why this variant cannot train in {@code direction} at {@code teacherTemperature}, or null when it can: the one
     * place these rules live, checked by the training config and the loss alike.
     */
    public String problem(KlDirection direction, double teacherTemperature) {
        if (usesLogSumExp() && teacherTemperature != 1) {
            return "the " + this + " loss needs the teacher temperature at 1, got " + teacherTemperature + ": its"
                    + " probabilities come from the cached log-sum-exp (or sampled weights), which are only known at the"
                    + " temperature the teacher ran with (the cached values are already divided by it); re-run the teacher"
                    + " at the wanted temperature instead";
        }
        if (this == SAMPLED && direction != KlDirection.FORWARD) {
            return "the sampled (RS-KD) loss trains in forward KL only: its weights estimate the teacher's probabilities"
                    + " without bias, and only forward KL is linear in them";
        }
        return null;
    }

    /**
     * The most teacher entries a position trains on. RS-KD's estimate is unbiased only over all of a position's draws,
     * so the sampled variant takes every stored entry; the others take the first {@code topK}.
     */
    public int teacherEntryLimit(int topK) {
        return this == SAMPLED ? Integer.MAX_VALUE : topK;
    }

    /** The fewest entries a position of a usable record holds: K for top-K variants, one draw for the sampled one. */
    public int minimumStoredEntries(int topK) {
        return this == SAMPLED ? 1 : topK;
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
