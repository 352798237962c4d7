package io.kdstream.model.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Scalars for differentiated code.
 *
 * <p>Why this exists: in DJL 0.36 {@code NDArray.mul/div/pow/maximum/minimum(Number)} wrap the Java number in memory
 * that is freed right after the op, while autograd keeps a reference for the backward pass. If the JVM collects
 * garbage between forward and backward, gradients are computed from freed memory (non-reproducible runs, then NaN
 * losses). A 0-dimensional tensor created by the manager is owned by torch and lives until its manager closes, so
 * every scalar in code that is differentiated must come from here (or an equivalent {@code manager.full}).
 */
public final class Scalars {

    private Scalars() {
    }

    /** A 0-dimensional tensor holding {@code value}, owned by {@code manager}. */
    public static NDArray scalar(NDManager manager, double value, DataType dataType) {
        return manager.full(new Shape(), (float) value, dataType);
    }

    /** A 0-dimensional tensor of the same data type, owned by the same manager as {@code like}. */
    public static NDArray scalarLike(NDArray like, double value) {
        return scalar(like.getManager(), value, like.getDataType());
    }
}
