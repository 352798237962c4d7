package io.kdstream.trainer.loss;

import ai.djl.ndarray.NDArray;

/**
 * The teacher's side of a batch, at the M positions KD is trained on, in any order. Positions outside KD (padding,
 * prompt tokens, rows without teacher logits) are left out rather than masked, so KD's work follows the trained
 * positions, not the padded (B,P) grid.
 *
 * @param logitIndex (M,K) int64: where each top-K entry's student logit is in the (B,P,V) logits, linearised as
 *     {@code (b * P + p) * V + id}; each position's entries in descending order of teacher value. One index picks
 *     the positions and the tokens at once, so the loss needs no index arithmetic of its own.
 * @param values (M,K): top-K raw logits, already divided by the temperature the teacher ran with
 * @param logSumExp (M): the teacher's full-vocabulary log-sum-exp at that temperature; needed by
 *     {@link LossVariant#TAIL} only, may be null otherwise
 * @param shares each position's share of KD; KD is {@code sum(share * KL)}, the mean over the positions weighted by
 *     their loss mask
 */
public record TeacherTopK(NDArray logitIndex, NDArray values, NDArray logSumExp, PositionShares shares) {

    /** The linearised index of token {@code id} at flat position {@code position = b * P + p}. */
    public static long logitIndex(int position, int id, int vocabularySize) {
        return (long) position * vocabularySize + id;
    }
}
