package io.kdstream.model.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * The whole decoder-only network as one DJL block: token ids (B,T) -> logits (B,T,V). Token plus learned position
 * embeddings, {@code layers} pre-norm transformer blocks, a final LayerNorm and a projection to the vocabulary.
 */
final class DecoderNetwork extends AbstractBlock {

    private static final byte VERSION = 1;

    private final TransformerConfig config;
    private final TokenEmbedding tokenEmbedding;
    private final Parameter positionEmbedding;
    private final List<TransformerLayer> layers = new ArrayList<>();
    private final LayerNorm finalNorm;
    private final Linear head;

    DecoderNetwork(TransformerConfig config) {
        super(VERSION);
        this.config = config.validate();
        this.tokenEmbedding = addChildBlock("tokenEmbedding",
                new TokenEmbedding(config.vocabularySize(), config.modelWidth()));
        this.positionEmbedding = addParameter(Parameter.builder()
                .setName("positionEmbedding")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(config.contextLength(), config.modelWidth()))
                .optInitializer(new NormalInitializer(0.02f))
                .build());
        for (int i = 0; i < config.layers(); i++) {
            layers.add(addChildBlock("layer" + i, new TransformerLayer(config)));
        }
        this.finalNorm = addChildBlock("finalNorm", LayerNorm.builder().axis(2).build());
        this.head = addChildBlock("head", Linear.builder().setUnits(config.vocabularySize()).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray tokens = inputs.singletonOrThrow();
        long time = tokens.getShape().get(1);
        // Look positions up like tokens (rather than slicing the table) so that every intermediate array belongs
        // to the caller's scope, whose manager owns the first operand of each op, and is freed with it instead of
        // piling up in the model's manager.
        NDArray positionIds = tokens.getManager().arange(0, Math.toIntExact(time)).toType(DataType.INT64, false);
        NDArray positions = Embedding.embedding(positionIds,
                parameterStore.getValue(positionEmbedding, tokens.getDevice(), training), SparseFormat.DENSE)
                .singletonOrThrow();

        NDArray x = tokenEmbedding.forward(parameterStore, new NDList(tokens), training).singletonOrThrow()
                .add(positions);
        for (TransformerLayer layer : layers) {
            x = layer.forward(parameterStore, new NDList(x), training).singletonOrThrow();
        }
        x = finalNorm.forward(parameterStore, new NDList(x), training).singletonOrThrow();
        return head.forward(parameterStore, new NDList(x), training);
    }

    /**
     * The network over new positions only, for incremental decoding: each layer attends to its cached keys and values
     * too and appends the new positions' ({@link TransformerLayer#forwardCached}).
     *
     * @param tokens    the new positions' token ids (B,t)
     * @param positions their positions in their sequences (B,t), which differ by row where prompts differ in length
     * @param mask      additive (B,1,t,S+t) over the cached and new positions
     * @param read      which new position's logits to return a row (B,1,D), int64, every entry of a row the same
     * @return logits (B,1,V) at the positions {@code read} names
     */
    NDArray forwardCached(ParameterStore parameterStore, NDArray tokens, NDArray positions, NDArray mask, KeyValueCache cache, NDArray read) {
        NDArray x = tokenEmbedding.forward(parameterStore, new NDList(tokens), false).singletonOrThrow()
                .add(Embedding.embedding(positions, parameterStore.getValue(positionEmbedding, tokens.getDevice(), false), SparseFormat.DENSE)
                        .singletonOrThrow());
        for (int i = 0; i < layers.size(); i++) {
            x = layers.get(i).forwardCached(parameterStore, x, mask, cache.layer(i));
        }
        // only the positions whose next token is wanted go through the final norm and the vocabulary projection
        x = finalNorm.forward(parameterStore, new NDList(x.gather(read, 1)), false).singletonOrThrow();
        return head.forward(parameterStore, new NDList(x), false).singletonOrThrow();
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape tokens = inputShapes[0];
        Shape hidden = tokens.add(config.modelWidth());
        tokenEmbedding.initialize(manager, dataType, tokens);
        for (TransformerLayer layer : layers) {
            layer.initialize(manager, dataType, hidden);
        }
        finalNorm.initialize(manager, dataType, hidden);
        head.initialize(manager, dataType, hidden);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0].add(config.vocabularySize())};
    }
}
