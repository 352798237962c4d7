package io.kdstream.cli.teacher;

import io.kdstream.model.checkpoint.CheckpointFile;
import io.kdstream.model.checkpoint.LoadedCheckpoint;
import io.kdstream.model.tokenizer.CharTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class TeacherRecipeTest {

    @Test
    void shouldCoolTheTeacherDownAfterItsHeldPhaseAndNameTheCoolDown(@TempDir Path dir) throws Exception {
        Path checkpoint = dir.resolve("teacher.ckpt");

        String sha256 = new TeacherRecipe(2, 3, 5).write(checkpoint);

        // the file is the cool-down's: the cosine's settings and steps are recorded with it, the held phase's file is gone
        try (LoadedCheckpoint loaded = CheckpointFile.read(checkpoint, sha256, new CharTokenizer().fingerprint())) {
            assertThat(loaded.metadata()).containsEntry("lrSchedule", "cosine").containsEntry("decaySteps", "3").containsEntry("steps", "3")
                    .containsEntry("seed", "6");
        }
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("teacher.ckpt");
        }
        assertThat(new TeacherRecipe(1500, 150, 7).cachedCheckpoint().getFileName().toString()).endsWith("-steps1500-cool150-seed7.ckpt");
        // the demo's teacher keeps its name, so a machine's cached one is found again
        assertThat(new TeacherRecipe(1500, 7).cachedCheckpoint().getFileName().toString()).endsWith("-steps1500-seed7.ckpt");
    }
}
