package io.kdstream.model.testing;

import io.kdstream.model.transformer.TransformerConfig;

/** Model shapes small enough for unit tests on two CPU cores. */
public final class TinyModels {

    private TinyModels() {
    }

    /** 100 tokens (the char vocabulary), context 24, width 32, 2 heads, 2 layers. */
    public static TransformerConfig tiny() {
        return new TransformerConfig(100, 24, 32, 2, 2, 64);
    }
}
