package io.kdstream.model.testing;

import io.kdstream.model.checkpoint.CheckpointFile;
import io.kdstream.model.tokenizer.CharTokenizer;
import io.kdstream.model.transformer.DecoderLanguageModel;
import io.kdstream.model.transformer.TransformerConfig;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** Checkpoints tests start services from: weights do not matter to them, only that the file is a real checkpoint. */
public final class TestCheckpoints {

    private TestCheckpoints() {
    }

    /** An untrained teacher of the default shape; its fingerprint depends on the seed. */
    public static Path untrainedTeacher(Path dir, long seed) throws IOException {
        CharTokenizer tokenizer = new CharTokenizer();
        Path checkpoint = dir.resolve("teacher-" + seed + ".ckpt");
        try (DecoderLanguageModel teacher = DecoderLanguageModel.create(TransformerConfig.teacher(tokenizer.vocabularySize()), seed)) {
            CheckpointFile.write(checkpoint, teacher, tokenizer.fingerprint(), Map.of());
        }
        return checkpoint;
    }
}
