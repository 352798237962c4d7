package io.kdstream.trainer.service;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/** A run's checkpoint directory as the trainer tests look at it. */
final class CheckpointFiles {

    private CheckpointFiles() {
    }

    /** The steps that have a state file, i.e. a complete checkpoint. */
    static LongStream stateSteps(Path runDir) throws IOException {
        try (Stream<Path> files = Files.list(runDir)) {
            long[] steps = files.map(file -> file.getFileName().toString())
                    .filter(name -> name.matches("step-\\d+\\.state"))
                    .mapToLong(name -> Long.parseLong(name.substring(5, name.length() - 6)))
                    .toArray();
            return LongStream.of(steps);
        }
    }

    /** Corrupts a file the way a bad disk does: one bit of its last byte. */
    static void flipLastByte(Path file) throws IOException {
        try (RandomAccessFile raw = new RandomAccessFile(file.toFile(), "rw")) {
            raw.seek(raw.length() - 1);
            int last = raw.read();
            raw.seek(raw.length() - 1);
            raw.write(last ^ 1);
        }
    }
}
