package io.kdstream.trainer.training;

/**
 * What one optimiser step did.
 *
 * @param step the number of steps completed, this one included (1 for the first)
 * @param totalLoss {@code w_kd * kd + w_sft * ce}, before the update
 * @param kdLoss the distillation term (0 when the batch had no teacher logits)
 * @param ceLoss the next-token cross-entropy over the loss-masked positions
 * @param tokens number of loss-masked target positions in the batch
 * @param millis wall time of the step: batching, forward, backward, clipping and update
 */
public record StepMetrics(long step, double totalLoss, double kdLoss, double ceLoss, long tokens, long millis) {
}
