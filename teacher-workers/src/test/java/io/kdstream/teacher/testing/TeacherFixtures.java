package io.kdstream.teacher.testing;

import io.kdstream.model.checkpoint.CheckpointFile;
import io.kdstream.model.tokenizer.CharTokenizer;
import io.kdstream.model.transformer.DecoderLanguageModel;
import io.kdstream.model.transformer.TransformerConfig;
import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.avro.Split;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/** What teacher-side tests start from: an untrained teacher checkpoint (its fingerprint depends on the seed) and prompts. */
public final class TeacherFixtures {

    private TeacherFixtures() {
    }

    public static Path untrainedTeacher(Path dir, long seed) throws IOException {
        CharTokenizer tokenizer = new CharTokenizer();
        Path checkpoint = dir.resolve("teacher-" + seed + ".ckpt");
        try (DecoderLanguageModel teacher = DecoderLanguageModel.create(TransformerConfig.teacher(tokenizer.vocabularySize()), seed)) {
            CheckpointFile.write(checkpoint, teacher, tokenizer.fingerprint(), Map.of());
        }
        return checkpoint;
    }

    public static Prompt prompt(String id, String text, String response) {
        return Prompt.newBuilder().setId(id).setDataset("math").setSplit(Split.TRAIN).setPrompt(text).setResponse(response)
                .setSource("test").setCreatedAt(Instant.now()).build();
    }
}
