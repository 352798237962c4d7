package io.kdstream.trainer.loss;

import ai.djl.ndarray.NDArray;

/**
 * The teacher's side of a batch, as tensors.
 *
 * @param ids top-K token ids (B,P,K), int32 or int64, each position's entries in descending order of value
 * @param values top-K raw logits (B,P,K), already divided by the temperature the teacher ran with
 * @param logSumExp the teacher's full-vocabulary log-sum-exp (B,P) at that temperature; needed by
 *     {@link LossVariant#TAIL} only, may be null otherwise
 * @param mask which positions KD is averaged over (B,P): the loss mask of the rows that have teacher logits, 0
 *     elsewhere (a batch may mix rows with and without them)
 */
public record TeacherTopK(NDArray ids, NDArray values, NDArray logSumExp, NDArray mask) {
}
