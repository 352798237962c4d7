package io.kdstream.model.checkpoint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class AtomicFilesTest {

    @Test
    void shouldLeaveTheNewContentAndNoTemporaryFile(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("step-00000001.state");
        Files.writeString(target, "old");

        AtomicFiles.write(target, out -> out.write("new".getBytes()));

        assertThat(Files.readString(target)).isEqualTo("new");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(file -> file.getFileName().toString())).containsExactly("step-00000001.state");
        }
    }

    @Test
    void shouldRemoveOnlyTheTemporaryFilesOfWritesCutShort(@TempDir Path dir) throws Exception {
        // what a write killed before its rename leaves, named as write() names it
        Path leftover = Files.createTempFile(dir, ".step-00000011.ckpt.", ".tmp");
        Files.writeString(dir.resolve("step-00000010.ckpt"), "a checkpoint");
        Files.writeString(dir.resolve(".cache-position.properties"), "hidden, not ours to remove");
        Files.writeString(dir.resolve("notes.tmp"), "not a temporary file of a write");
        Files.createDirectory(dir.resolve(".x.1.tmp"));

        assertThat(AtomicFiles.removeLeftovers(dir)).containsExactly(leftover.getFileName().toString());

        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(file -> file.getFileName().toString()))
                    .containsExactlyInAnyOrder("step-00000010.ckpt", ".cache-position.properties", "notes.tmp", ".x.1.tmp");
        }
        assertThat(AtomicFiles.removeLeftovers(dir.resolve("absent"))).isEmpty();
    }
}
