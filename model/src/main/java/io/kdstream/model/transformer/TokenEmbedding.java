package io.kdstream.model.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;

/**
 * Token-id lookup table (B,T) -> (B,T,D). DJL's {@code TrainableWordEmbedding} is built around a text vocabulary
 * object; ids are all we have, so this is the plain lookup with GPT-style N(0, 0.02) initialisation.
 */
final class TokenEmbedding extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int width;
    private final Parameter weight;

    TokenEmbedding(int vocabularySize, int width) {
        super(VERSION);
        this.width = width;
        this.weight = addParameter(Parameter.builder()
                .setName("weight")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(vocabularySize, width))
                .optInitializer(new NormalInitializer(0.02f))
                .build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray tokens = inputs.singletonOrThrow();
        NDArray table = parameterStore.getValue(weight, tokens.getDevice(), training);
        return Embedding.embedding(tokens, table, SparseFormat.DENSE);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0].add(width)};
    }
}
