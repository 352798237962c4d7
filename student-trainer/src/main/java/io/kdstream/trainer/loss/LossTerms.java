package io.kdstream.trainer.loss;

import ai.djl.ndarray.NDArray;

/**
 * The loss of one batch as 0-dimensional arrays: backpropagate {@code total}, log the parts.
 *
 * @param total {@code w_kd * kd + w_sft * ce}
 * @param kd the distillation term (0 when no teacher logits were given)
 * @param ce next-token cross-entropy over the full vocabulary
 */
public record LossTerms(NDArray total, NDArray kd, NDArray ce) {
}
