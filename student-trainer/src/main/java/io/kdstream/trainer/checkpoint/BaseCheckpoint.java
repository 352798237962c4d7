package io.kdstream.trainer.checkpoint;

import io.kdstream.model.checkpoint.CheckpointException;
import io.kdstream.model.checkpoint.CheckpointFile;
import io.kdstream.model.transformer.DecoderLanguageModel;
import io.kdstream.model.transformer.TransformerConfig;
import io.kdstream.platform.config.ConfigException;
import io.kdstream.trainer.TrainerConfig;

import java.nio.file.Path;

/**
 * The weights a new run starts from instead of a random initialisation: a pretrained student, as distillation
 * recipes start from ({@link TrainerConfig#INIT_CHECKPOINT}). Only the model is taken, never an optimizer state or a
 * step count: those are what resuming a run restores.
 */
public final class BaseCheckpoint {

    private BaseCheckpoint() {
    }

    /**
     * The base checkpoint's model, refused with an error naming the setting when the file is missing or corrupt, or
     * was written for another tokenizer or another shape than the student's.
     */
    public static DecoderLanguageModel load(Path path, String tokenizerFingerprint, TransformerConfig studentArchitecture) {
        try {
            return CheckpointFile.read(path, null, tokenizerFingerprint, studentArchitecture).model();
        } catch (CheckpointException e) {
            String hint = switch (e.reason()) {
                case ARCHITECTURE_MISMATCH -> " (the student's shape is set by kdstream.trainer.student.*)";
                case TOKENIZER_MISMATCH -> " (a base model must use the student's tokenizer)";
                default -> "";
            };
            throw new ConfigException("setting '" + TrainerConfig.INIT_CHECKPOINT + "': cannot start from " + path + ": " + e.getMessage() + hint, e);
        }
    }
}
