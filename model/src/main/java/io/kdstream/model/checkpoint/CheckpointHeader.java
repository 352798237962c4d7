package io.kdstream.model.checkpoint;

import io.kdstream.model.transformer.TransformerConfig;
import java.util.Map;

/**
 * What a checkpoint file says about itself before its parameters.
 *
 * @param architecture the transformer's shape
 * @param tokenizerFingerprint the fingerprint of the tokenizer the model was trained with
 * @param metadata the caller's String-to-String metadata (training config, step, ...), unmodifiable
 * @param parameterBytes length of the DJL parameter payload that follows the header
 */
public record CheckpointHeader(TransformerConfig architecture, String tokenizerFingerprint,
                               Map<String, String> metadata, long parameterBytes) {

    public CheckpointHeader {
        metadata = Map.copyOf(metadata);
    }
}
