package io.kdstream.trainer.loss;

import ai.djl.ndarray.NDArray;

/**
 * The teacher's side of a batch, at the M positions KD is trained on, in any order. Positions outside KD (padding,
 * prompt tokens, rows without teacher logits) are left out rather than masked, so KD's work follows the trained
 * positions, not the padded (B,P) grid.
 *
 * @param positions (M) int32 or int64: flat indices {@code b * P + p} into the student's (B,P) positions
 * @param ids (M,K) int32 or int64: top-K token ids, each position's entries in descending order of value
 * @param values (M,K): top-K raw logits, already divided by the temperature the teacher ran with
 * @param logSumExp (M): the teacher's full-vocabulary log-sum-exp at that temperature; needed by
 *     {@link LossVariant#TAIL} only, may be null otherwise
 * @param weights (M): each position's loss-mask weight; KD is {@code sum(w * KL) / max(sum(w), 1)}
 */
public record TeacherTopK(NDArray positions, NDArray ids, NDArray values, NDArray logSumExp, NDArray weights) {
}
