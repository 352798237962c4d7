package io.kdstream.model.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * One pre-norm GPT block: {@code x + attention(norm(x))}, then {@code h + mlp(norm(h))} with a GELU MLP. Pre-norm
 * keeps the residual stream unnormalised, which trains stably without warm-up tricks at these small sizes.
 */
final class TransformerLayer extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int feedForwardWidth;
    private final LayerNorm attentionNorm;
    private final CausalSelfAttention attention;
    private final LayerNorm feedForwardNorm;
    private final Linear feedForwardIn;
    private final Linear feedForwardOut;

    TransformerLayer(TransformerConfig config) {
        super(VERSION);
        this.feedForwardWidth = config.feedForwardWidth();
        // axis(2): normalise over D of a (B,T,D) input; the default would normalise over T and D together
        this.attentionNorm = addChildBlock("attentionNorm", LayerNorm.builder().axis(2).build());
        this.attention = addChildBlock("attention", new CausalSelfAttention(config.modelWidth(), config.heads()));
        this.feedForwardNorm = addChildBlock("feedForwardNorm", LayerNorm.builder().axis(2).build());
        this.feedForwardIn = addChildBlock("feedForwardIn", Linear.builder().setUnits(feedForwardWidth).build());
        this.feedForwardOut = addChildBlock("feedForwardOut", Linear.builder().setUnits(config.modelWidth()).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray normed = attentionNorm.forward(parameterStore, new NDList(x), training).singletonOrThrow();
        NDArray h = x.add(attention.forward(parameterStore, new NDList(normed), training).singletonOrThrow());

        NDArray hiddenIn = feedForwardNorm.forward(parameterStore, new NDList(h), training).singletonOrThrow();
        NDArray hidden = Activation.gelu(
                feedForwardIn.forward(parameterStore, new NDList(hiddenIn), training).singletonOrThrow());
        NDArray out = feedForwardOut.forward(parameterStore, new NDList(hidden), training).singletonOrThrow();
        return new NDList(h.add(out));
    }

    /** The same block over new positions only, attending to {@code cache} too ({@link CausalSelfAttention#forwardCached}). */
    NDArray forwardCached(ParameterStore parameterStore, NDArray x, NDArray mask, KeyValueCache.Layer cache) {
        NDArray normed = attentionNorm.forward(parameterStore, new NDList(x), false).singletonOrThrow();
        NDArray h = x.add(attention.forwardCached(parameterStore, normed, mask, cache));
        NDArray hiddenIn = feedForwardNorm.forward(parameterStore, new NDList(h), false).singletonOrThrow();
        NDArray hidden = Activation.gelu(feedForwardIn.forward(parameterStore, new NDList(hiddenIn), false).singletonOrThrow());
        return h.add(feedForwardOut.forward(parameterStore, new NDList(hidden), false).singletonOrThrow());
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape hidden = inputShapes[0];
        attentionNorm.initialize(manager, dataType, hidden);
        attention.initialize(manager, dataType, hidden);
        feedForwardNorm.initialize(manager, dataType, hidden);
        feedForwardIn.initialize(manager, dataType, hidden);
        feedForwardOut.initialize(manager, dataType, hidden.slice(0, 2).add(feedForwardWidth));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
