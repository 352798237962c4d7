package io.kdstream.teacher.testing;

import io.kdstream.model.testing.TestCheckpoints;
import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.avro.Split;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;

/** What teacher-side tests start from: an untrained teacher checkpoint (its fingerprint depends on the seed) and prompts. */
public final class TeacherFixtures {

    private TeacherFixtures() {
    }

    public static Path untrainedTeacher(Path dir, long seed) throws IOException {
        return TestCheckpoints.untrainedTeacher(dir, seed);
    }

    public static Prompt prompt(String id, String text, String response) {
        return Prompt.newBuilder().setId(id).setDataset("math").setSplit(Split.TRAIN).setPrompt(text).setResponse(response)
                .setSource("test").setCreatedAt(Instant.now()).build();
    }
}
