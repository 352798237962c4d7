package io.kdstream.model.checkpoint;

import io.kdstream.model.transformer.DecoderLanguageModel;
import java.nio.file.Path;
import java.util.Map;

/**
 * A checkpoint read back into memory. Closing it closes the model.
 *
 * @param path where it was read from
 * @param sha256 the SHA-256 (hex) of the whole file
 * @param header architecture, tokenizer fingerprint and metadata
 * @param model the model with the checkpoint's parameters
 */
public record LoadedCheckpoint(Path path, String sha256, CheckpointHeader header, DecoderLanguageModel model)
        implements AutoCloseable {

    /** The caller's metadata written with the checkpoint. */
    public Map<String, String> metadata() {
        return header.metadata();
    }

    @Override
    public void close() {
        model.close();
    }
}
