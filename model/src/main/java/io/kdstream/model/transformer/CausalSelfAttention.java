package io.kdstream.model.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.kdstream.model.djl.Scalars;

/**
 * Multi-head causal self-attention over (B,T,D): a fused q/k/v projection, scaled dot products, an additive causal
 * mask (position t sees positions 0..t only) and an output projection.
 *
 * <p>Because the mask is causal, tokens after position t never influence position t: right-padded rows give the same
 * result at their real positions as the unpadded sequence, which batching, generation and training rely on.
 */
final class CausalSelfAttention extends AbstractBlock {

    private static final byte VERSION = 1;
    /** Large but finite: exp() of it is exactly 0 in float32, and a row can never be all -inf (no NaN). */
    static final float MASKED = -1e9f;

    private final int width;
    private final int heads;
    private final Linear queryKeyValue;
    private final Linear output;

    CausalSelfAttention(int width, int heads) {
        super(VERSION);
        this.width = width;
        this.heads = heads;
        this.queryKeyValue = addChildBlock("queryKeyValue", Linear.builder().setUnits(3L * width).build());
        this.output = addChildBlock("output", Linear.builder().setUnits(width).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        long batch = x.getShape().get(0);
        long time = x.getShape().get(1);
        long headWidth = width / heads;

        NDArray qkv = queryKeyValue.forward(parameterStore, new NDList(x), training).singletonOrThrow();
        NDList parts = qkv.split(3, 2);
        NDArray query = splitHeads(parts.get(0), batch, time, headWidth);
        NDArray key = splitHeads(parts.get(1), batch, time, headWidth);
        NDArray value = splitHeads(parts.get(2), batch, time, headWidth);

        // torch-owned scalar, never mul(Number): see Scalars for the DJL bug this avoids
        NDArray scale = Scalars.scalarLike(x, 1.0 / Math.sqrt(headWidth));
        NDArray scores = query.mul(scale).matMul(key.transpose(0, 1, 3, 2)).add(causalMask(x.getManager(), time, x.getDataType()));
        NDArray attention = scores.softmax(-1);
        NDArray mixed = attention.matMul(value).transpose(0, 2, 1, 3).reshape(batch, time, width);
        return output.forward(parameterStore, new NDList(mixed), training);
    }

    /**
     * Attention of new positions over the cached ones and themselves, for incremental decoding: their keys and values
     * are appended to {@code cache}, the key/value pair of this layer.
     *
     * @param x    the new positions' inputs (B,t,D)
     * @param mask additive (B,1,t,S+t) over the S cached and t new positions: 0 where a new position may look, else
     *             {@link #MASKED}
     */
    NDArray forwardCached(ParameterStore parameterStore, NDArray x, NDArray mask, KeyValueCache.Layer cache) {
        long batch = x.getShape().get(0);
        long time = x.getShape().get(1);
        long headWidth = width / heads;
        NDList parts = queryKeyValue.forward(parameterStore, new NDList(x), false).singletonOrThrow().split(3, 2);
        NDArray query = splitHeads(parts.get(0), batch, time, headWidth);
        NDArray key = cache.appendKeys(splitHeads(parts.get(1), batch, time, headWidth));
        NDArray value = cache.appendValues(splitHeads(parts.get(2), batch, time, headWidth));
        NDArray scale = Scalars.scalarLike(x, 1.0 / Math.sqrt(headWidth));
        NDArray scores = query.mul(scale).matMul(key.transpose(0, 1, 3, 2)).add(mask);
        NDArray mixed = scores.softmax(-1).matMul(value).transpose(0, 2, 1, 3).reshape(batch, time, width);
        return output.forward(parameterStore, new NDList(mixed), false).singletonOrThrow();
    }

    /** (B,T,D) -> (B,H,T,D/H). */
    private NDArray splitHeads(NDArray projected, long batch, long time, long headWidth) {
        return projected.reshape(batch, time, heads, headWidth).transpose(0, 2, 1, 3);
    }

    /** (T,T): 0 on and below the diagonal, a large negative number above it; broadcast over batch and heads. */
    private static NDArray causalMask(NDManager manager, long time, DataType dataType) {
        int t = Math.toIntExact(time);
        float[] mask = new float[t * t];
        for (int row = 0; row < t; row++) {
            for (int column = row + 1; column < t; column++) {
                mask[row * t + column] = MASKED;
            }
        }
        return manager.create(mask, new Shape(t, t)).toType(dataType, false);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        queryKeyValue.initialize(manager, dataType, inputShapes[0]);
        output.initialize(manager, dataType, inputShapes[0]);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
