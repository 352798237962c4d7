package io.kdstream.model.djl;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** DJL's Hugging Face tokenizers, loaded with kdstream's network defaults in force (see {@link DjlEngine}). */
public final class DjlTokenizers {

    private DjlTokenizers() {
    }

    /**
     * A tokenizer read from a {@code tokenizer.json}, as it stands: no truncation, no padding (kdstream frames and pads
     * sequences itself, and says so when one is too long).
     */
    public static HuggingFaceTokenizer load(Path tokenizerJson) throws IOException {
        DjlEngine.keepOffline(); // DJL's tokenizer loader calls home like its engine does, unless told not to
        return HuggingFaceTokenizer.newInstance(tokenizerJson, Map.of("truncation", "false", "padding", "false"));
    }
}
