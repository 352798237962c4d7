package io.kdstream.cli.bench;

import io.kdstream.model.checkpoint.CheckpointFile;
import io.kdstream.model.tokenizer.CharTokenizer;
import io.kdstream.model.transformer.DecoderLanguageModel;
import io.kdstream.model.transformer.TransformerConfig;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** The teacher the throughput benchmarks run: weights do not change a forward pass's cost, so an untrained one of the default size. */
final class BenchTeacher {

    private BenchTeacher() {
    }

    static Path untrainedDefault(Path workDir) throws IOException {
        CharTokenizer tokenizer = new CharTokenizer();
        Path checkpoint = workDir.resolve("bench-teacher.ckpt");
        try (DecoderLanguageModel model = DecoderLanguageModel.create(TransformerConfig.teacher(tokenizer.vocabularySize()), 1)) {
            CheckpointFile.write(checkpoint, model, tokenizer.fingerprint(), Map.of());
        }
        return checkpoint;
    }
}
